import { splitPathMemoized } from 'json-logic-engine';
import { GridflowError } from '../errors.js';
import { toPointer } from '../problems.js';
import type { Above, Engine, Plan } from './jsonLogicEngine.js';
import {
  ARITH2,
  MAX_DEPTH,
  PAIR,
  contains,
  isObj,
  isTruthy,
  iterate,
  reduce,
  usesScope,
  type Mapper,
} from './semantics.js';

/**
 * The interpreted path of the rule engine: every rule node is planned once into a closure and registered in the
 * engine's plan map, where the operators look sub-rules up, so no code is generated (a page whose
 * Content-Security-Policy forbids `eval` runs rules this way). Gridflow's own operators are composed directly from
 * the helpers in `semantics.ts`; any other operator is called through its method.
 */

function invalid(zh: string, en: string, path: readonly (string | number)[]): GridflowError {
  return new GridflowError('rule.invalid', { zh, en }, { path: toPointer(path) });
}

/** Returns a planner that validates a rule (unknown operators, ambiguous objects, depth) and registers its closures. */
export function createPlanner(engine: Engine): (logic: unknown) => Plan {
  const plans = engine.optimizedMap;
  const plan = (node: unknown, path: (string | number)[]): Plan => {
    if (!isObj(node)) return () => node;
    const known = plans.get(node);
    if (typeof known === 'function') return known as Plan;
    if (path.length > MAX_DEPTH) throw invalid('规则嵌套过深', 'The rule is nested too deeply', path);
    let result: Plan;
    if (Array.isArray(node)) {
      const items = node.map((n, i) => plan(n, [...path, i]));
      result = (d, a) => items.map((p) => p(d, a));
    } else {
      const keys = Object.keys(node);
      if (keys.length === 0) return () => node;
      const op = keys[0] as string;
      if (keys.length > 1)
        throw invalid(
          `对象有多个键（${keys.join('、')}），无法判断运算符`,
          `An object with several keys (${keys.join(', ')}) is not an operation`,
          path,
        );
      const def = engine.methods[op];
      if (def === undefined || !Object.hasOwn(engine.methods, op))
        throw invalid(`未知的运算符 "${op}"`, `Unknown operator "${op}"`, path);
      result = planOperation(def, op, (node as Record<string, unknown>)[op], [...path, op]);
    }
    plans.set(node, result);
    return result;
  };
  /** Closures for Gridflow's own operators, composed directly (same helpers as their methods and generated code). */
  const planDirect = (op: string, lower: unknown, path: (string | number)[]): Plan | undefined => {
    const list = Array.isArray(lower) ? (lower as unknown[]) : undefined;
    const sub = (i: number): Plan => plan(list?.[i], [...path, i]);
    const pair = PAIR[op];
    if (op === 'var') {
      const [key, fallback = null] = list ?? [lower];
      if (
        isObj(key) ||
        isObj(fallback) ||
        (list && list.length > 2) ||
        (typeof key === 'string' && key.startsWith('../'))
      )
        return undefined;
      if (key === undefined || key === null || key === '') return (d) => (typeof d === 'function' ? null : d);
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- JsonLogic reads any key as text
      const segments = splitPathMemoized(String(key));
      return (d) => {
        let cur = d;
        for (const seg of segments) {
          if (cur === null || cur === undefined) return fallback;
          cur = (cur as Record<string, unknown>)[seg];
          if (cur === undefined) return fallback;
        }
        return typeof cur === 'function' ? null : cur;
      };
    }
    if (!list) return undefined;
    const all = (): Plan[] => list.map((_, i) => sub(i));
    if (pair && list.length === 2) {
      const [a, b] = [sub(0), sub(1)];
      return (d, ab) => pair(a(d, ab), b(d, ab));
    }
    if ((op === 'and' || op === 'or') && list.length > 0) {
      const items = all();
      const isAnd = op === 'and';
      return (d, ab) => {
        let item: unknown;
        for (const p of items) if (isTruthy((item = p(d, ab))) !== isAnd) return item;
        return item;
      };
    }
    if ((op === 'if' || op === '?:') && list.length > 1) {
      const items = all();
      const n = items.length;
      return (d, ab) => {
        for (let i = 0; i + 1 < n; i += 2)
          if (isTruthy((items[i] as Plan)(d, ab))) return (items[i + 1] as Plan)(d, ab);
        return n % 2 === 1 ? (items[n - 1] as Plan)(d, ab) : null;
      };
    }
    if (op === 'in' && list.length === 2) {
      const needle = sub(0);
      const hay = list[1];
      if (Array.isArray(hay) && hay.every((x) => !isObj(x))) {
        const constant = Object.freeze([...(hay as unknown[])]);
        return (d, ab) => constant.indexOf(needle(d, ab)) !== -1;
      }
      const other = sub(1);
      return (d, ab) => contains(needle(d, ab), other(d, ab));
    }
    const two = ARITH2[op];
    if (two && list.length === 2) {
      const [a, b] = [sub(0), sub(1)];
      return (d, ab) => two(a(d, ab), b(d, ab));
    }
    const it = (iterate as Record<string, (s: unknown, f: Mapper, c: unknown, ab: Above, scoped: boolean) => unknown>)[
      op === 'every' ? 'all' : op
    ];
    if (it) {
      const [selector, mapper, scoped] = [sub(0), sub(1), usesScope(list[1])];
      return (d, ab) => it(selector(d, ab), mapper, d, ab, scoped);
    }
    if (op === 'reduce') {
      const [selector, mapper, scoped, hasInit] = [sub(0), sub(1), usesScope(list[1]), list.length > 2];
      const initial = sub(2);
      return (d, ab) => {
        const sel = selector(d, ab);
        return reduce(sel, mapper, hasInit, initial(d, ab), d, ab, scoped);
      };
    }
    return undefined;
  };
  const planOperation = (
    def: Engine['methods'][string],
    op: string,
    lower: unknown,
    path: (string | number)[],
  ): Plan => {
    const direct = planDirect(op, lower, path);
    if (direct) return direct;
    const call = typeof def === 'function' ? def : def.method;
    if (typeof def !== 'function' && def.lazy) {
      if (op === 'eachKey' && isObj(lower)) for (const [k, v] of Object.entries(lower)) plan(v, [...path, k]);
      else if (op !== 'preserve') plan(lower, path);
      return (d, a) => call(lower, d, a, engine);
    }
    const unary = (def as { optimizeUnary?: boolean }).optimizeUnary === true;
    const args = isObj(lower) ? lower : [lower];
    if (Array.isArray(args)) {
      if (unary && args.length === 1 && !Array.isArray(args[0])) {
        const only = plan(args[0], [...path, 0]);
        return (d, a) => call(only(d, a), d, a, engine);
      }
      const items = args.map((n, i) => plan(n, [...path, i]));
      if (items.length === 2) {
        const [x, y] = items as [Plan, Plan];
        return (d, a) => call([x(d, a), y(d, a)], d, a, engine);
      }
      return (d, a) =>
        call(
          items.map((p) => p(d, a)),
          d,
          a,
          engine,
        );
    }
    const inner = plan(args, path);
    if (unary) return (d, a) => call(inner(d, a), d, a, engine);
    return (d, a) => {
      const v = inner(d, a);
      return call(Array.isArray(v) ? v : [v], d, a, engine);
    };
  };
  return (logic) => plan(logic, []);
}
