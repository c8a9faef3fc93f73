import { expect, it } from 'vitest';
import { publicApiOf } from '../../../scripts/public-api.js';

// What @gridflow/server exports, entry by entry (types included). A change to public-api.txt is a change to the
// package's API: review it as one, and say it in a changeset.
it('exports exactly what public-api.txt lists', async () => {
  await expect(publicApiOf('packages/server')).toMatchFileSnapshot('../public-api.txt');
});
