import { describe, expect, it } from 'vitest';
import { examplesOf, runExample } from '../../../scripts/tsdoc-examples.js';
import * as designer from './index.js';

// Every `@example` of the designer's public API runs, and what a line states it gives is asserted (see
// scripts/tsdoc-examples.ts). The model is framework-free, so this runs in Node.
describe('TSDoc examples of @gridflow/designer', () => {
  const examples = examplesOf('packages/designer');
  it('finds the examples of the public API', () => expect(examples.length).toBeGreaterThanOrEqual(2));
  for (const example of examples) {
    it(`${example.name} (${example.file}:${example.line})`, async () => {
      expect(await runExample(example.code, { ...designer })).toEqual([]);
    });
  }
});
