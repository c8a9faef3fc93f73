import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// The generator the build script runs (a plain ES module beside the package).
import { policyValidatorModule } from '../../../scripts/policyValidator.mjs';
import { createDefaultPolicy } from '../defaultPolicy.js';
import { policySchema } from '../schema.js';
import validate from './policyValidator.js';

describe('the generated policy validator', () => {
  it('is the code the generator makes from the current schema (else: npm run build && npm run generate -w @gridflow/core)', () => {
    const committed = readFileSync(new URL('./policyValidator.ts', import.meta.url), 'utf8');
    expect(committed === policyValidatorModule(policySchema)).toBe(true);
  });

  it('accepts the default policy and reports every error of a broken one', () => {
    expect(validate(createDefaultPolicy())).toBe(true);
    const broken = { ...createDefaultPolicy(), version: 'two', status: 'live' } as unknown;
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`).sort()).toEqual([
      '/status enum',
      '/version type',
    ]);
  });
});
