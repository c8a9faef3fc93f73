import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromJsonLogic, toJsonLogic } from './jsonLogic.js';
import { createIdGenerator, withoutIds } from './nodes.js';
import { createRuleTree } from './operations.js';
import type { RuleNode, RuleNodeInput, RuleTree } from './types.js';

// ---------------------------------------------------------------------------------------------------------
// Arbitraries

const literal = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const path = fc.oneof(
  fc.constantFrom('case.urgency', 'case.elapsedHours', 'limits.maxExtensions', '', 'a.b.c'),
  fc.string({ maxLength: 5 }),
);
/** Mostly the `{"var": "path"}` form conditions use, sometimes the forms they do not. */
const varRef = fc.oneof(
  { weight: 4, arbitrary: path.map((p) => ({ var: p })) },
  { weight: 1, arbitrary: fc.tuple(path, literal).map(([p, d]) => ({ var: [p, d] })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((i) => ({ var: i })) },
  { weight: 1, arbitrary: path.map((p) => ({ var: p, extra: 1 })) },
);
const operand = fc.oneof(literal, varRef);
const comparison = fc.constantFrom('==', '===', '!=', '!==', '<', '<=', '>', '>=');

const { logic } = fc.letrec<{
  logic: unknown;
  leaf: unknown;
  group: unknown;
  not: unknown;
  cond: unknown;
  other: unknown;
}>((tie) => ({
  logic: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: tie('leaf'), weight: 2 },
    { arbitrary: tie('group'), weight: 3 },
    { arbitrary: tie('not'), weight: 2 },
    { arbitrary: tie('cond'), weight: 4 },
    { arbitrary: tie('other'), weight: 1 },
  ),
  leaf: fc.oneof(literal, varRef, fc.array(literal, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
  group: fc.oneof(
    fc
      .tuple(fc.constantFrom('and', 'or'), fc.array(tie('logic'), { maxLength: 4 }))
      .map(([op, args]) => ({ [op]: args })),
    // Not an array: not a group.
    fc.tuple(fc.constantFrom('and', 'or'), tie('logic')).map(([op, arg]) => ({ [op]: arg })),
  ),
  not: fc.oneof(
    tie('logic').map((x) => ({ '!': [x] })),
    tie('logic').map((x) => ({ '!': x })),
    fc.array(tie('logic'), { maxLength: 3 }).map((xs) => ({ '!': xs })),
  ),
  cond: fc.oneof(
    fc.tuple(comparison, varRef, operand).map(([op, f, v]) => ({ [op]: [f, v] })),
    fc
      .tuple(comparison, fc.array(fc.oneof(operand, tie('logic')), { maxLength: 3 }))
      .map(([op, args]) => ({ [op]: args })),
    fc.tuple(fc.constantFrom('<', '<='), operand, varRef, operand).map(([op, a, f, b]) => ({ [op]: [a, f, b] })),
    fc
      .tuple(
        varRef,
        fc.oneof(fc.array(literal, { maxLength: 3 }), fc.string({ maxLength: 4 }), varRef, literal, tie('logic')),
      )
      .map(([f, v]) => ({ in: [f, v] })),
    fc.tuple(fc.oneof(literal, tie('logic')), varRef).map(([v, f]) => ({ in: [v, f] })),
    fc.tuple(varRef, fc.array(fc.oneof(literal, varRef), { maxLength: 3 })).map(([f, v]) => ({ in: [f, v] })),
  ),
  other: fc.oneof(
    fc
      .tuple(
        fc.constantFrom('if', '+', 'var', 'missing', 'some', 'cat', 'substr', '!!', 'custom_op', '__proto__'),
        fc.array(tie('logic'), { maxLength: 3 }),
      )
      .map(([op, args]) => Object.fromEntries([[op, args]])),
    // Several keys: a literal object, not an operation.
    fc.tuple(tie('logic'), tie('logic')).map(([a, b]) => ({ and: [a], or: [b] })),
  ),
}));

/** Canonical node inputs: only shapes that stay the same through JsonLogic. */
const conditionInput: fc.Arbitrary<RuleNodeInput> = fc.oneof(
  fc.record({
    type: fc.constant('condition' as const),
    field: path,
    operator: comparison,
    value: operand.filter(
      (v) =>
        typeof v !== 'object' ||
        v === null ||
        (Object.keys(v).length === 1 && typeof (v as { var: unknown }).var === 'string'),
    ),
  }) as fc.Arbitrary<RuleNodeInput>,
  fc.record({
    type: fc.constant('condition' as const),
    field: path,
    operator: fc.constant('in' as const),
    value: fc.oneof(fc.array(literal, { maxLength: 3 }), fc.string()),
  }),
  fc.record({
    type: fc.constant('condition' as const),
    field: path,
    operator: fc.constant('contains' as const),
    value: literal,
  }),
  fc.record({
    type: fc.constant('condition' as const),
    field: path,
    operator: fc.constantFrom('between' as const, 'between_exclusive' as const),
    value: fc.tuple(
      fc.oneof(
        literal,
        path.map((p) => ({ var: p })),
      ),
      fc.oneof(
        literal,
        path.map((p) => ({ var: p })),
      ),
    ),
  }),
);
const { node: nodeInput } = fc.letrec<{ node: RuleNodeInput }>((tie) => ({
  node: fc
    .tuple(
      fc.oneof(
        { depthSize: 'small' },
        conditionInput,
        fc.record({
          type: fc.constant('expression' as const),
          logic: fc.array(tie('node'), { maxLength: 2 }).map((xs) => ({ custom_op: xs.length })),
        }),
        fc.record({
          type: fc.constant('group' as const),
          combinator: fc.constantFrom('and' as const, 'or' as const),
          children: fc.array(tie('node'), { maxLength: 4 }),
        }),
      ),
      fc.boolean(),
    )
    .map(([n, not]) => ({ ...n, not })),
}));

const roundTrip = (x: unknown): unknown => toJsonLogic(fromJsonLogic(x));

// ---------------------------------------------------------------------------------------------------------

describe('fromJsonLogic / toJsonLogic', () => {
  it('JsonLogic → tree → JsonLogic is lossless', () => {
    fc.assert(
      fc.property(logic, (x) => {
        expect(roundTrip(x)).toStrictEqual(x);
      }),
      { numRuns: 2000 },
    );
  });

  it('tree → JsonLogic → tree is stable (same ids with the default generator)', () => {
    fc.assert(
      fc.property(logic, (x) => {
        const tree = fromJsonLogic(x);
        expect(fromJsonLogic(toJsonLogic(tree))).toStrictEqual(tree);
      }),
      { numRuns: 1000 },
    );
  });

  it('a tree built by editing comes back the same through JsonLogic (ids aside)', () => {
    fc.assert(
      fc.property(nodeInput, (input) => {
        const tree = createRuleTree(input);
        const back = fromJsonLogic(toJsonLogic(tree));
        expect(withoutIds(back.root)).toStrictEqual(withoutIds(tree.root));
      }),
      { numRuns: 1000 },
    );
  });

  it('round-trips arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (x) => {
        expect(roundTrip(x)).toStrictEqual(x);
      }),
    );
  });

  it('shares no objects with the input or the output', () => {
    const input = { and: [{ custom: [{ deep: 1 }] }, { in: [{ var: 'x' }, [1, 2]] }] };
    const tree = fromJsonLogic(input);
    input.and.push({ custom: [] });
    expect(toJsonLogic(tree)).toStrictEqual({ and: [{ custom: [{ deep: 1 }] }, { in: [{ var: 'x' }, [1, 2]] }] });
    const out = toJsonLogic(tree) as { and: { custom: { deep: number }[] }[] };
    out.and[0]!.custom[0]!.deep = 2;
    expect(toJsonLogic(tree)).toStrictEqual({ and: [{ custom: [{ deep: 1 }] }, { in: [{ var: 'x' }, [1, 2]] }] });
  });

  it('keeps a "__proto__" key as data', () => {
    const input: unknown = JSON.parse('{"and": [{"__proto__": {"polluted": true}}]}');
    const out = roundTrip(input);
    expect(JSON.stringify(out)).toBe('{"and":[{"__proto__":{"polluted":true}}]}');
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

describe('fromJsonLogic structure', () => {
  const ids = () => ({ idGenerator: createIdGenerator('t') });
  const root = (x: unknown): RuleNode => fromJsonLogic(x, ids()).root;

  it('reads groups, conditions and negation, giving ids in pre-order', () => {
    expect(
      fromJsonLogic(
        {
          or: [
            { '==': [{ var: 'case.urgency' }, 'emergency'] },
            { '!': [{ and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'limits.hours' }] }] }] },
          ],
        },
        ids(),
      ),
    ).toStrictEqual<RuleTree>({
      root: {
        type: 'group',
        id: 't1',
        not: false,
        combinator: 'or',
        children: [
          { type: 'condition', id: 't2', not: false, field: 'case.urgency', operator: '==', value: 'emergency' },
          {
            type: 'group',
            id: 't3',
            not: true,
            combinator: 'and',
            children: [
              {
                type: 'condition',
                id: 't4',
                not: false,
                field: 'case.elapsedHours',
                operator: '>',
                value: { var: 'limits.hours' },
              },
            ],
          },
        ],
      },
    });
  });

  it.each<[string, unknown, Partial<RuleNode>]>([
    [
      'in a list',
      { in: [{ var: 'c' }, ['a', 'b']] },
      { type: 'condition', field: 'c', operator: 'in', value: ['a', 'b'] },
    ],
    ['in a string', { in: [{ var: 'c' }, 'abc'] }, { operator: 'in', value: 'abc' }],
    ['contains', { in: ['fire', { var: 'tags' }] }, { field: 'tags', operator: 'contains', value: 'fire' }],
    ['between', { '<=': [1, { var: 'n' }, 5] }, { field: 'n', operator: 'between', value: [1, 5] }],
    [
      'between exclusive',
      { '<': [1, { var: 'n' }, { var: 'm' }] },
      { operator: 'between_exclusive', value: [1, { var: 'm' }] },
    ],
    ['not in (array form)', { '!': [{ in: [{ var: 'c' }, ['a']] }] }, { operator: 'in', not: true }],
    ['not in (bare form)', { '!': { in: [{ var: 'c' }, ['a']] } }, { operator: 'in', not: true, bareNot: true }],
    ['a literal', true, { type: 'expression', logic: true }],
    ['a var on the right', { '<': [5, { var: 'n' }] }, { type: 'expression' }],
    ['a var with a default', { '==': [{ var: ['n', 0] }, 5] }, { type: 'expression' }],
    ['an object value', { '==': [{ var: 'n' }, { '+': [1, 2] }] }, { type: 'expression' }],
    ['a between with >=', { '>=': [5, { var: 'n' }, 1] }, { type: 'expression' }],
    ['a double negation', { '!': [{ '!': [{ var: 'x' }] }] }, { type: 'expression', not: false }],
    ['and over a non-array', { and: true }, { type: 'expression' }],
    ['an unknown operator', { some: [{ var: 'items' }, { '==': [{ var: 'ok' }, true] }] }, { type: 'expression' }],
  ])('%s', (_name, x, expected) => {
    expect(root(x)).toMatchObject(expected);
    expect(roundTrip(x)).toStrictEqual(x);
  });

  it('writes a new negation in the array form', () => {
    const tree = createRuleTree({ type: 'condition', field: 'c', operator: 'in', value: ['a'], not: true });
    expect(toJsonLogic(tree)).toStrictEqual({ '!': [{ in: [{ var: 'c' }, ['a']] }] });
  });
});
