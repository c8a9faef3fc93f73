import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrations } from './index.js';

/**
 * Databases record each applied migration by version (and name) in `gridflow_migrations`: these pins keep the
 * recorded identifiers meaning what they meant when they were applied, and the folder in step with the list.
 */
describe('the migrations folder', () => {
  it('lists every version once, in order, under the names databases have recorded', () => {
    expect(migrations.map((m) => [m.version, m.name])).toEqual([
      [1, 'cases and history'],
      [2, 'policy versions and their workflow'],
      [3, 'organisation units and directory users'],
      [4, 'attachments and personal-data read audit'],
      [5, 'case changes announced by the database'],
      [6, 'attachments in S3-compatible object stores'],
      [7, 'idempotency keys per caller'],
      [8, 'indicator projection'],
    ]);
  });

  it('has one NNN-what.ts file per migration, numbered as its version', () => {
    const dir = fileURLToPath(new URL('.', import.meta.url));
    const numbered = readdirSync(dir)
      .filter((f) => /^\d{3}-.*\.ts$/.test(f) && !f.endsWith('.test.ts'))
      .sort();
    expect(numbered.map((f) => Number(f.slice(0, 3)))).toEqual(migrations.map((m) => m.version));
  });
});
