import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { MORE, compileExample, differs, examplesOf } from '../../../scripts/tsdoc-examples.js';
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
const names = Object.keys(scope);

async function run(code: string): Promise<string[]> {
  const failures: string[] = [];
  const check = (actual: unknown, expected: unknown, stated: string) => {
    const d = differs(actual, expected);
    if (d) failures.push(`${stated} → ${d}`);
  };
  try {
    // Node only: an example runs as the test's own code.
    const fn = new Function(...names, '__check', '__more', `return (async () => {\n${compileExample(code)}\n})();`);
    await (fn as (...args: unknown[]) => Promise<void>)(...names.map((n) => scope[n]), check, [MORE]);
  } catch (error) {
    failures.push(String(error));
  }
  return failures;
}

describe('TSDoc examples of @gridflow/server', () => {
  const examples = examplesOf('packages/server');
  it('finds the examples of the public API', () => expect(examples.length).toBeGreaterThanOrEqual(10));
  for (const example of examples) {
    it(`${example.name} (${example.file}:${example.line})`, async () => {
      expect(await run(example.code)).toEqual([]);
    });
  }
});
