import { describe, expect, it } from 'vitest';
import { checkBounds } from './checkBounds.js';
import { validateJson } from './validateJson.js';

describe('checkBounds', () => {
  it('reports the first value over maxItems, maxLength or maxProperties, with its path', () => {
    const schema = {
      type: 'object',
      properties: {
        tags: { type: 'array', maxItems: 2, items: { type: 'string', maxLength: 3 } },
        extra: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string', maxLength: 2 } },
      },
    };
    expect(checkBounds(schema, { tags: ['a', 'b'] })).toBeNull();
    expect(checkBounds(schema, { tags: ['a', 'b', 'c'] })).toMatchObject({ code: 'input.maxItems', path: '/tags' });
    expect(checkBounds(schema, { tags: ['abcd'] })).toMatchObject({ code: 'input.maxLength', path: '/tags/0' });
    expect(checkBounds(schema, { extra: { a: 'x', b: 'y' } })).toMatchObject({ code: 'input.maxProperties' });
    expect(checkBounds(schema, { extra: { a: 'xyz' } })).toMatchObject({ code: 'input.maxLength', path: '/extra/a' });
  });

  it('counts code points, follows $defs references, and needs every anyOf branch over its bounds', () => {
    expect(checkBounds({ type: 'string', maxLength: 2 }, '😀😀')).toBeNull();
    expect(checkBounds({ type: 'string', maxLength: 2 }, '😀😀😀')).toMatchObject({ code: 'input.maxLength' });
    const refd = { $defs: { code: { type: 'string', maxLength: 3 } }, type: 'array', items: { $ref: '#/$defs/code' } };
    expect(checkBounds(refd, ['abcd'])).toMatchObject({ path: '/0' });
    const either = {
      anyOf: [
        { type: 'string', maxLength: 2 },
        { type: 'string', maxLength: 5 },
      ],
    };
    expect(checkBounds(either, 'abcd')).toBeNull();
    expect(checkBounds(either, 'abcdef')).toMatchObject({ code: 'input.maxLength' });
  });

  it('keeps validateJson linear: 100,000 unique items over maxItems get one problem at once', () => {
    const schema = { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', pattern: '^z' } };
    const items = Array.from({ length: 100_000 }, (_, i) => `a${i}`);
    const problems = validateJson(schema, items);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'input.maxItems', path: '' });
    // Within the bounds the full validation still runs and reports every item.
    expect(validateJson(schema, items.slice(0, 3))).toHaveLength(3);
  });
});
