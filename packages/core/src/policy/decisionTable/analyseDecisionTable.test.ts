import { describe, expect, it } from 'vitest';
import type { FactDictionary } from '../../rules/types.js';
import { analyseDecisionTable, type DecisionRow } from './analyseDecisionTable.js';

const label = { zh: 'x', en: 'x' };
const facts: FactDictionary = {
  category: { type: 'string', label, values: ['a', 'b', 'c', 'd'].map((value) => ({ value, name: label })) },
  urgency: { type: 'string', label, values: ['emergency', 'general'].map((value) => ({ value, name: label })) },
  amount: { type: 'number', label },
  hours: { type: 'number', label },
  anonymous: { type: 'boolean', label },
  grid: { type: 'string', label },
  'case.attributes.area': { type: 'number', label },
  when: { type: 'date', label },
};

const v = (path: string) => ({ var: path });
const rowsOf = (...conds: unknown[]): DecisionRow[] => conds.map((when, i) => ({ id: `r${i + 1}`, when }));
const analyse = (...conds: unknown[]) => analyseDecisionTable(rowsOf(...conds), facts);
const covered = (...conds: unknown[]) => analyse(...conds).rows.map((r) => r.coveredBy ?? null);

describe('decision table: default row', () => {
  it('finds the default row and rows after it', () => {
    const result = analyse({ '==': [v('category'), 'a'] }, true, { '==': [v('category'), 'b'] });
    expect(result.defaultIndex).toBe(1);
    expect(result.endsWithDefault).toBe(false);
    expect(result.rows.map((r) => r.afterDefault)).toEqual([false, false, true]);
  });

  it('a table ending with true ends with a default', () => {
    expect(analyse({ '==': [v('category'), 'a'] }, true).endsWithDefault).toBe(true);
  });

  it('a default after rows that already cover everything is itself unreachable', () => {
    const result = analyse({ '<': [v('amount'), 10] }, { '>=': [v('amount'), 10] }, true);
    expect(result.rows[2]?.coveredBy).toEqual(['r1', 'r2']);
  });
});

describe('decision table: enumerated facts', () => {
  it('rows 1 and 2 together cover row 3 (in + ==)', () => {
    expect(
      covered({ in: [v('category'), ['a', 'b']] }, { '==': [v('category'), 'c'] }, { in: [v('category'), ['a', 'c']] }),
    ).toEqual([null, null, ['r1', 'r2']]);
  });

  it('literal on the left and === work the same', () => {
    expect(covered({ '===': ['a', v('category')] }, { '==': [v('category'), 'a'] })[1]).toEqual(['r1']);
  });

  it('!= is the complement within the domain', () => {
    expect(covered({ '!=': [v('category'), 'a'] }, { in: [v('category'), ['b', 'c', 'd']] })[1]).toEqual(['r1']);
    expect(covered({ '!=': [v('category'), 'a'] }, { '==': [v('category'), 'a'] })[1]).toBeNull();
  });

  it('a duplicate row is covered by the first', () => {
    expect(covered({ '==': [v('urgency'), 'emergency'] }, { '==': [v('urgency'), 'emergency'] })[1]).toEqual(['r1']);
  });

  it('booleans: var and its negation cover everything', () => {
    expect(covered(v('anonymous'), { '!': [v('anonymous')] }, { '==': [v('category'), 'a'] })[2]).toEqual(['r1', 'r2']);
    expect(covered({ '==': [v('anonymous'), true] }, { '!': v('anonymous') }, true)[2]).toEqual(['r1', 'r2']);
  });

  it('open string facts: equality with a literal', () => {
    expect(covered({ '==': [v('grid'), 'g1'] }, { in: [v('grid'), ['g1']] })[1]).toEqual(['r1']);
    expect(covered({ '==': [v('grid'), 'g1'] }, { '!=': [v('grid'), 'g2'] })[1]).toBeNull();
    expect(covered({ '!=': [v('grid'), 'g1'] }, { '==': [v('grid'), 'g2'] })[1]).toEqual(['r1']);
  });
});

describe('decision table: numeric ranges', () => {
  it('amount < 10 and amount >= 10 cover anything', () => {
    expect(covered({ '<': [v('amount'), 10] }, { '>=': [v('amount'), 10] }, { '==': [v('category'), 'a'] })[2]).toEqual(
      ['r1', 'r2'],
    );
  });

  it('amount < 10 and amount > 10 leave 10 uncovered', () => {
    expect(covered({ '<': [v('amount'), 10] }, { '>': [v('amount'), 10] }, { '==': [v('amount'), 10] })[2]).toBeNull();
    expect(covered({ '<': [v('amount'), 10] }, { '>': [v('amount'), 10] }, { '<=': [v('amount'), 10] })[2]).toBeNull();
  });

  it('between forms and reversed comparisons', () => {
    expect(covered({ '<=': [0, v('amount'), 100] }, { '<': [5, v('amount'), 50] })[1]).toEqual(['r1']);
    expect(covered({ '<': [0, v('amount'), 100] }, { '<=': [0, v('amount'), 50] })[1]).toBeNull();
    expect(covered({ '>': [100, v('amount')] }, { '<': [v('amount'), 50] })[1]).toEqual(['r1']);
  });

  it('adjacent ranges are joined', () => {
    expect(
      covered({ '<': [v('amount'), 10] }, { '<=': [10, v('amount'), 20] }, { '<': [5, v('amount'), 15] })[2],
    ).toEqual(['r1', 'r2']);
  });

  it('a contradictory range never matches', () => {
    const result = analyse({ and: [{ '<': [v('amount'), 5] }, { '>': [v('amount'), 10] }] }, true);
    expect(result.rows[0]?.neverMatches).toBe(true);
  });

  it('optional facts: a missing value compares as 0 in both engines', () => {
    const area = v('case.attributes.area');
    expect(covered({ '<': [area, 10] }, { '>=': [area, 10] }, true)[2]).toEqual(['r1', 'r2']);
    expect(covered({ '<': [area, 10] }, { '<': [area, 5] })[1]).toEqual(['r1']);
    // null is neither > 0 nor < 0: it falls through to the default
    expect(covered({ '>': [area, 0] }, { '<': [area, 0] }, true)[2]).toBeNull();
  });

  it('optional facts: engines disagree on null == 0, so the analysis relies on neither', () => {
    const area = v('case.attributes.area');
    expect(covered({ '==': [area, 0] }, { '!=': [area, 0] }, true)[2]).toBeNull();
    expect(covered({ '==': [area, 5] }, { '!=': [area, 5] }, true)[2]).toEqual(['r1', 'r2']);
  });
});

describe('decision table: conjunctions and disjunctions', () => {
  it('a conjunction is covered by one of its parts', () => {
    expect(
      covered({ '==': [v('category'), 'a'] }, { and: [{ '==': [v('category'), 'a'] }, { '>': [v('amount'), 5] }] })[1],
    ).toEqual(['r1']);
  });

  it('a conjunction with a part the analysis cannot read is still covered when the rest is', () => {
    expect(
      covered(
        { '==': [v('category'), 'a'] },
        { and: [{ '==': [v('category'), 'a'] }, { some: [v('items'), true] }] },
      )[1],
    ).toEqual(['r1']);
  });

  it('boxes over two dimensions cover their product', () => {
    const rows = [
      { and: [{ in: [v('category'), ['a', 'b']] }, { '<': [v('amount'), 10] }] },
      { and: [{ in: [v('category'), ['a', 'b']] }, { '>=': [v('amount'), 10] }] },
      { '==': [v('category'), 'a'] },
    ];
    expect(covered(...rows)[2]).toEqual(['r1', 'r2']);
  });

  it('a disjunction is covered only when every branch is', () => {
    expect(
      covered(
        { '==': [v('category'), 'a'] },
        { '==': [v('urgency'), 'emergency'] },
        { or: [{ '==': [v('category'), 'a'] }, { '==': [v('urgency'), 'emergency'] }] },
      )[2],
    ).toEqual(['r1', 'r2']);
    expect(
      covered(
        { '==': [v('category'), 'a'] },
        { or: [{ '==': [v('category'), 'a'] }, { '==': [v('category'), 'b'] }] },
      )[1],
    ).toBeNull();
  });

  it('an earlier or covers a later conjunction', () => {
    expect(
      covered(
        { or: [{ '==': [v('category'), 'a'] }, { '<': [v('amount'), 0] }] },
        { and: [{ '<': [v('amount'), -5] }, { '==': [v('urgency'), 'general'] }] },
      )[1],
    ).toEqual(['r1']);
  });

  it('negated conjunctions (De Morgan)', () => {
    const notBoth = { '!': [{ and: [{ '==': [v('category'), 'a'] }, { '==': [v('urgency'), 'emergency'] }] }] };
    expect(covered(notBoth, { '==': [v('category'), 'b'] })[1]).toEqual(['r1']);
    expect(covered(notBoth, { '==': [v('category'), 'a'] })[1]).toBeNull();
  });

  it('names only the rows needed to cover', () => {
    const result = covered(
      { '==': [v('category'), 'a'] },
      { '==': [v('category'), 'd'] },
      { '==': [v('category'), 'b'] },
      { in: [v('category'), ['a', 'b']] },
    );
    expect(result[3]).toEqual(['r1', 'r3']);
  });
});

describe('decision table: never a false report', () => {
  it('unknown earlier conditions cover nothing', () => {
    expect(covered({ some: [v('items'), true] }, { '==': [v('category'), 'a'] })[1]).toBeNull();
    expect(covered({ '<': [v('when'), '2026-01-01'] }, { '<': [v('when'), '2025-01-01'] })[1]).toBeNull();
    expect(covered({ '==': [v('amount'), '10'] }, { '==': [v('amount'), 10] })[1]).toBeNull();
    expect(covered({ '==': [v('unknownFact'), 'x'] }, { '==': [v('unknownFact'), 'x'] })[1]).toBeNull();
  });

  it('a partly unknown earlier row covers nothing of a later row', () => {
    expect(
      covered(
        { and: [{ '==': [v('category'), 'a'] }, { some: [v('items'), true] }] },
        { '==': [v('category'), 'a'] },
      )[1],
    ).toBeNull();
  });

  it('partial coverage is not coverage', () => {
    expect(covered({ '<': [v('amount'), 10] }, { '<': [v('amount'), 20] })[1]).toBeNull();
    expect(covered({ in: [v('category'), ['a', 'b']] }, { in: [v('category'), ['b', 'c']] })[1]).toBeNull();
    expect(
      covered({ and: [{ '==': [v('category'), 'a'] }, { '<': [v('amount'), 10] }] }, { '==': [v('category'), 'a'] })[1],
    ).toBeNull();
  });

  it('reports precision', () => {
    const result = analyse(
      { '==': [v('category'), 'a'] },
      { and: [{ '==': [v('category'), 'a'] }, { foo: [] }] },
      { foo: [] },
    );
    expect(result.rows.map((r) => r.precision)).toEqual(['exact', 'partial', 'unknown']);
  });
});

describe('decision table: reachable values', () => {
  it('lists the values that can still reach a row', () => {
    const result = analyseDecisionTable(
      rowsOf(
        { '==': [v('urgency'), 'emergency'] },
        { '==': [v('category'), 'a'] },
        { and: [{ '==': [v('category'), 'b'] }, { '==': [v('urgency'), 'general'] }] },
        true,
      ),
      facts,
      { reachableValuesOf: ['urgency'] },
    );
    expect(result.rows.map((r) => r.reachable['urgency'])).toEqual([
      ['emergency'],
      ['general'],
      ['general'],
      ['general'],
    ]);
  });
});
