import { afterEach, describe, expect, it, vi } from 'vitest';
import { GridflowError } from '../errors.js';
import { createRuleEngine, isTruthy, ruleErrorType } from './engine.js';

const compiled = createRuleEngine({ codegen: 'on' });
const interpreted = createRuleEngine({ codegen: 'off' });
const both = (logic: unknown, data: unknown = null): unknown => {
  const a = compiled.evaluate(logic, data);
  expect(interpreted.evaluate(logic, data)).toEqual(a);
  return a;
};
const failure = (logic: unknown, data: unknown = null): GridflowError => {
  let caught: unknown;
  for (const engine of [compiled, interpreted]) {
    try {
      engine.evaluate(logic, data);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GridflowError);
  }
  return caught as GridflowError;
};

const overdue = {
  and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }],
};

describe('createRuleEngine', () => {
  it('evaluates in the mode asked for', () => {
    expect(compiled.mode).toBe('compiled');
    expect(interpreted.mode).toBe('interpreted');
    expect(createRuleEngine().mode).toBe('compiled'); // Node allows code generation
    expect(both(overdue, { case: { elapsedHours: 49, limitHours: 48, resolved: false } })).toBe(true);
    expect(both(overdue, { case: { elapsedHours: 49, limitHours: 48, resolved: true } })).toBe(false);
  });

  it('returns a constant rule as it is and reads missing data as null', () => {
    expect(both('apple')).toBe('apple');
    expect(both(null)).toBe(null);
    expect(compiled.evaluate({ var: 'a' }, undefined)).toBe(null);
    expect(both([1, { var: 'x' }], { x: 2 })).toEqual([1, 2]);
  });

  it('compiles a rule once, by object identity and by JSON text', () => {
    const f = compiled.compile(overdue);
    expect(compiled.compile(overdue)).toBe(f);
    expect(compiled.compile(JSON.parse(JSON.stringify(overdue)))).toBe(f);
    expect(f({ case: { elapsedHours: 1, limitHours: 2, resolved: false } })).toBe(false);
  });

  it('drops the least recently used rule text beyond cacheSize', () => {
    const engine = createRuleEngine({ cacheSize: 1 });
    const first = engine.compile({ '+': [1, 2] });
    engine.compile({ '+': [2, 3] });
    expect(engine.compile({ '+': [1, 2] })).not.toBe(first);
  });
});

describe('errors', () => {
  it('reports an unknown operator as rule.invalid with the pointer of the operation, in both modes', () => {
    for (const engine of [compiled, interpreted]) {
      const e = (() => {
        try {
          engine.compile({ and: [true, { if: [false, 1, { foo: 1 }] }] });
        } catch (err) {
          return err as GridflowError;
        }
        throw new Error('no error');
      })();
      expect(e.code).toBe('rule.invalid');
      expect(e.path).toBe('/and/1/if/2');
      expect(e.messages.zh).toContain('foo');
    }
  });

  it('rejects an object with several keys and rules nested too deeply', () => {
    expect(failure({ '==': [{ a: 1, b: 2 }, 1] }).path).toBe('/==/0');
    let deep: unknown = true;
    for (let i = 0; i < 300; i++) deep = { '!': [deep] };
    expect(failure(deep).code).toBe('rule.invalid');
  });

  it('turns evaluation errors into rule.evaluation_failed with the JsonLogic error type', () => {
    const nan = failure({ '/': [{ var: 'a' }, 0] }, { a: 1 });
    expect(nan.code).toBe('rule.evaluation_failed');
    expect(nan.details).toEqual({ type: 'NaN' });
    expect(nan.messages.zh).toContain('除以零');
    expect(failure({ '>': 1 }).details).toEqual({ type: 'Invalid Arguments' });
    expect(failure({ throw: 'quota' }).details).toEqual({ type: 'quota' });
    // a JavaScript error inside an operator is never let through as such
    expect(failure({ exists: ['a', 'b'] }, { a: 5 }).code).toBe('rule.evaluation_failed');
  });

  it('names errors the way the conformance suites do', () => {
    expect(ruleErrorType(NaN)).toBe('NaN');
    expect(ruleErrorType({ type: 'Invalid Arguments' })).toBe('Invalid Arguments');
    expect(ruleErrorType(new Error('boom'))).toBe('boom');
  });

  it('catches errors inside try, keeping their type', () => {
    expect(both({ try: [{ '/': [1, 0] }, { var: 'type' }] })).toBe('NaN');
  });
});

describe('semantics Gridflow chose (docs/rules.md)', () => {
  it('uses JsonLogic truthiness: only an empty array is falsy among objects', () => {
    expect(isTruthy({})).toBe(true);
    expect(isTruthy([])).toBe(false);
    expect(both({ '!!': [{ var: 'o' }] }, { o: {} })).toBe(true);
    expect(both({ if: [{ var: 'tags' }, 'some', 'none'] }, { tags: [] })).toBe('none');
  });

  it('reads the operand of ! and !! as written, even when its value is an array', () => {
    expect(both({ '!': { var: 'tags' } }, { tags: [] })).toBe(true);
    expect(both({ '!': { var: 'tags' } }, { tags: [0] })).toBe(false);
    expect(both({ '!': [{ var: 'tags' }] }, { tags: [0] })).toBe(false);
  });

  it('treats a missing or non-array list as empty', () => {
    expect(both({ some: [{ var: 'xs' }, { var: '' }] })).toBe(false);
    expect(both({ all: [{ var: 'xs' }, { var: '' }] })).toBe(false);
    expect(both({ none: [{ var: 'xs' }, { var: '' }] })).toBe(true);
    expect(both({ map: [{ var: 'xs' }, 1] })).toEqual([]);
    expect(both({ reduce: [{ var: 'xs' }, { '+': [{ var: 'accumulator' }, 1] }, 7] })).toBe(7);
  });

  it('reduces from the first element when no initial value is given', () => {
    expect(both({ reduce: [[1, 2, 3], { '+': [{ var: 'accumulator' }, { var: 'current' }] }] })).toBe(6);
    expect(both({ reduce: [[], { '+': [{ var: 'accumulator' }, { var: 'current' }] }] })).toBe(null);
  });

  it('fails instead of returning NaN or Infinity, and compares pairwise in chains', () => {
    expect(failure({ '+': ['a', 1] }).details).toEqual({ type: 'NaN' });
    expect(failure({ '%': [1, 0] }).details).toEqual({ type: 'NaN' });
    expect(both({ '<=': [1, { var: 'x' }, 3] }, { x: 2 })).toBe(true);
    expect(both({ '<': ['a', 'b', 'c'] })).toBe(true);
    expect(both({ '==': [3, 2, { throw: 'not lazy' }] })).toBe(false);
  });

  it('reads missing like json-logic-js: null and empty text are missing', () => {
    expect(both({ missing: ['a', 'b', 'c'] }, { a: null, b: '', c: 0 })).toEqual(['a', 'b']);
    expect(both({ missing_some: [1, ['a', 'b']] }, { a: 1 })).toEqual([]);
  });

  it('finds nothing in empty text, and substrings in text', () => {
    expect(both({ in: ['', ''] })).toBe(false);
    expect(both({ in: ['ring', 'Springfield'] })).toBe(true);
    expect(both({ in: ['a', 5] })).toBe(false);
  });

  it('hides functions reachable from the data', () => {
    expect(both({ var: 'constructor' }, {})).toBe(null);
    expect(both({ var: 'a.constructor' }, { a: {} })).toBe(null);
  });

  it('bounds what a rule can make the engine do', () => {
    const started = Date.now();
    expect(both({ val: [[1e21], 'x'] }, { x: 1 })).toBe(null);
    const doubling = {
      reduce: [
        Array.from({ length: 40 }, (_, i) => i),
        { merge: [{ var: 'accumulator' }, { var: 'accumulator' }] },
        [1],
      ],
    };
    expect(failure(doubling).details).toEqual({ type: 'Exceeded Allowed Size' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('platforms that forbid code generation (Content-Security-Policy)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('falls back to the interpreted path in auto mode and refuses codegen "on"', async () => {
    vi.resetModules();
    const fresh = await import('./engine.js');
    const blocked = (): never => {
      throw new EvalError('Refused to evaluate a string as JavaScript (unsafe-eval)');
    };
    vi.stubGlobal('Function', blocked);
    vi.stubGlobal('eval', blocked);
    expect(fresh.canGenerateCode()).toBe(false);
    const engine = fresh.createRuleEngine();
    expect(engine.mode).toBe('interpreted');
    expect(engine.evaluate(overdue, { case: { elapsedHours: 49, limitHours: 48, resolved: false } })).toBe(true);
    expect(() => fresh.createRuleEngine({ codegen: 'on' })).toThrow(
      expect.objectContaining({ code: 'rule.codegen_unavailable' }) as Error,
    );
  });
});
