import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from './defaultPolicy.js';
import { validatePolicy } from './validatePolicy.js';

// In a real browser (the designer validates drafts there): the ahead-of-time validator and ajv's runtime helpers
// it imports load and run through a bundler's CommonJS interop.
describe('policy validation in the browser', () => {
  it('accepts the default policy and points at each broken cell', () => {
    const ok = validatePolicy(createDefaultPolicy());
    expect(ok.problems.filter((p) => p.severity === 'error')).toEqual([]);
    const policy = createDefaultPolicy();
    policy.routing.rows[0]!.id = 'Row 1';
    const broken = validatePolicy({ ...policy, status: 'live' });
    expect(broken.problems.map((p) => `${p.code} ${p.path}`)).toEqual(
      expect.arrayContaining(['schema.enum /status', 'schema.pattern /routing/rows/0/id']),
    );
  });
});
