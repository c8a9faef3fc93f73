import { describe, expect, it } from 'vitest';
import { GridflowError } from './errors.js';
import { fromPointer, toPointer } from './problems.js';

describe('GridflowError', () => {
  it('serialises to the API error shape', () => {
    const e = new GridflowError('case.not_found', { zh: '找不到案件', en: 'Case not found' }, { path: '/id' });
    expect(e.toJSON()).toEqual({
      code: 'case.not_found',
      message_zh: '找不到案件',
      message_en: 'Case not found',
      path: '/id',
    });
    expect(e.message).toBe('Case not found');
  });
});

describe('JSON Pointer', () => {
  it('round-trips segments with ~ and /', () => {
    const segs = ['rules', 'a/b', 'c~d', '3'];
    expect(toPointer(segs)).toBe('/rules/a~1b/c~0d/3');
    expect(fromPointer(toPointer(segs))).toEqual(segs);
  });
});
