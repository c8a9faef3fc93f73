import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { examplesOf, runExample } from '../../../scripts/tsdoc-examples.js';
import { peoplesMediationProcess } from '../../../docs/examples/peoples-mediation/index.js';
import * as server from './index.js';
import { DATABASE_URL } from './http/harness.js';

/*
 * Every `@example` of the server's public API runs, and what a line states it gives is asserted (see
 * scripts/tsdoc-examples.ts). The examples see the package's exports by name, and these values: what their imports
 * name, the machine's PostgreSQL (`connectionString`), a JWT secret, and the documented example process.
 */
const scope: Record<string, unknown> = {
  ...server,
  PGlite,
  peoplesMediationProcess,
  connectionString: DATABASE_URL,
  secret: 'gridflow-tsdoc-examples-secret-0123456789abcdef',
};

const run = (code: string) => runExample(code, scope);

describe('TSDoc examples of @gridflow/server', () => {
  const examples = examplesOf('packages/server');
  it('finds the examples of the public API', () => expect(examples.length).toBeGreaterThanOrEqual(10));
  for (const example of examples) {
    it(`${example.name} (${example.file}:${example.line})`, async () => {
      expect(await run(example.code)).toEqual([]);
    });
  }
});
