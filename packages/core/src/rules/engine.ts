import { Compiler, Constants, LogicEngine, splitPathMemoized } from 'json-logic-engine';
import { GridflowError } from '../errors.js';
import { toPointer } from '../problems.js';

/**
 * Gridflow's JsonLogic evaluator, built on json-logic-engine's operator table and compiler.
 *
 * Two paths give identical results by construction:
 * - **compiled**: json-logic-engine's compiler (`buildString`) turns a rule into the source of one JavaScript
 *   function, assembled with `new Function` (which a strict Content-Security-Policy forbids);
 * - **interpreted**: a closure planner turns each rule node into a closure once and registers it in the engine's
 *   plan map, where the operators look sub-rules up, so no code is generated.
 * Gridflow replaces the operators whose stock compiled and interpreted versions disagree (comparisons, `!`, `!!`,
 * `and`, `or`, `if`, arithmetic, `in`, `cat`, `merge`, `substr`, `var`, `val`, `exists`, `missing`, the array
 * operators, `try`) with one implementation each, plus a code generator that calls the same helpers; every other
 * operator loses its stock code generator, so compiled code calls its implementation. See docs/rules.md.
 */

/**
 * The `details` of a `rule.evaluation_failed` error: the JsonLogic error type, as engines report it.
 *
 * @example
 * try { engine.evaluate({ '/': [1, 0] }, null); } catch (e) { (e as GridflowError).details; } // { type: 'NaN' }
 */
export interface RuleErrorDetails {
  type: string;
}

/**
 * A JsonLogic evaluator (see {@link createRuleEngine}).
 *
 * @example
 * const engine: RuleEngine = createRuleEngine({ codegen: 'off' });
 * engine.mode; // 'interpreted'
 * engine.evaluate({ '<=': [24, { var: 'h' }, 48] }, { h: 30 }); // true
 */
export interface RuleEngine {
  /** Evaluate (uses a per-rule compiled function cache keyed by rule object identity AND by JSON text). */
  evaluate(logic: unknown, data: unknown): unknown;
  /** Returns a specialised function for one rule; call it many times. */
  compile(logic: unknown): (data: unknown) => unknown;
  readonly mode: 'compiled' | 'interpreted';
}

/**
 * Options of {@link createRuleEngine}.
 *
 * @example
 * createRuleEngine({ codegen: 'off', cacheSize: 200 }); // a page whose Content-Security-Policy forbids eval
 */
export interface RuleEngineOptions {
  /** `'auto'` (default) generates code where the platform allows it; `'on'` requires it; `'off'` never generates code. */
  codegen?: 'auto' | 'on' | 'off';
  /** How many rules the JSON-text cache keeps (least recently used are dropped). Default 1,000. */
  cacheSize?: number;
}

type Above = readonly unknown[];
type Plan = (data: unknown, above: Above) => unknown;
interface BuildState {
  engine: unknown;
  methods: unknown[];
  values: unknown[];
  notTraversed: unknown[];
  processing: unknown[];
  async: boolean;
  avoidInlineAsync: boolean;
  /** Temporaries `t0…` the generated function declares. */
  temps: number;
  /** First path segments read once at the top of the generated function, e.g. `case` → `h0`. */
  hoist: Map<string, string>;
}
type CompileFn = (data: unknown, bs: BuildState) => string | false;
interface MethodDef {
  /** `unfound` is json-logic-engine's `val` extension used by `exists`. */
  method: (args: unknown, context: unknown, above: Above, engine: unknown, unfound?: symbol) => unknown;
  lazy?: boolean;
  optimizeUnary?: boolean;
  compile?: CompileFn;
}
interface Engine {
  methods: Record<string, MethodDef | ((args: unknown, context: unknown, above: Above, engine: unknown) => unknown)>;
  optimizedMap: WeakMap<object, unknown>;
  truthy: (value: unknown) => boolean;
  run(logic: unknown, data?: unknown, options?: { above?: Above }): unknown;
}

const NO_ABOVE: Above = Object.freeze([]);
const INVALID_ARGUMENTS = Object.freeze({ type: 'Invalid Arguments' });
const MAX_DEPTH = 200;
/** `val` climbs at most this many scopes (json-logic-engine would loop for `{"val": [[1e21], "x"]}`). */
const MAX_CLIMB = 4 * MAX_DEPTH;
/** Largest array `merge` and longest string `cat` may build, so that a rule cannot exhaust memory by doubling. */
const MAX_SIZE = 1 << 20;
const TOO_LARGE = Object.freeze({ type: 'Exceeded Allowed Size' });
const UNFOUND = Symbol.for('json_logic_unfound');

// ---------------------------------------------------------------------------------------------------------------
// Semantics shared by both paths

/**
 * JsonLogic truthiness (jsonlogic.com/truthy), as json-logic-js and Gridflow define it: an empty array is false,
 * everything else as in JavaScript (so `{}` and `"0"` are true).
 *
 * @example
 * isTruthy([]); // false
 * isTruthy('0'); // true
 */
export function isTruthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

const isObj = (v: unknown): v is object => v !== null && typeof v === 'object';
/** Throws a JsonLogic error the way json-logic-engine does — a bare `NaN` or `{ type }` — so `try` and the suites read its type. */
function raise(error: unknown): never {
  throw error;
}
const num = (v: unknown): number => {
  if (isObj(v)) raise(NaN);
  return +(v as number);
};
const checked = (n: number): number => {
  if (Number.isNaN(n)) raise(NaN);
  return n;
};
type Pair = (a: unknown, b: unknown) => boolean;
/** One pair of a loose comparison that is not two numbers: strings (or null) compare as strings, anything else numerically; a non-number is an error. */
function loose(op: string, a: unknown, b: unknown): boolean {
  let x = a as number;
  let y = b as number;
  if (!((typeof a === 'string' || a === null) && (typeof b === 'string' || b === null))) {
    x = num(a);
    y = num(b);
    if (Number.isNaN(x) || Number.isNaN(y)) raise(NaN);
  }
  switch (op) {
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '==':
      return x == y;
    default:
      return x != y;
  }
}
/** Each comparison on one pair of values, with a fast path for two numbers (written out so that each call site stays monomorphic). */
const PAIR: Record<string, Pair> = {
  '<': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a < b : loose('<', a, b)),
  '<=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a <= b : loose('<=', a, b)),
  '>': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a > b : loose('>', a, b)),
  '>=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a >= b : loose('>=', a, b)),
  '==': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a === b : loose('==', a, b)),
  '!=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a !== b : loose('!=', a, b)),
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
};
const chain3 = (pair: Pair) => (a: unknown, b: unknown, c: unknown) => pair(a, b) && pair(b, c);

/** Operators whose value is always a boolean, so generated code may skip the truthiness call. */
const BOOLEAN_OPS = new Set([
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '!=',
  '===',
  '!==',
  '!',
  '!!',
  'not',
  'in',
  'some',
  'all',
  'none',
  'every',
]);
function isBoolean(node: unknown): boolean {
  if (!isObj(node) || Array.isArray(node)) return typeof node === 'boolean';
  const keys = Object.keys(node);
  const op = keys[0] as string;
  if (keys.length !== 1) return false;
  if (BOOLEAN_OPS.has(op)) return true;
  const args = (node as Record<string, unknown>)[op];
  return (op === 'and' || op === 'or') && Array.isArray(args) && args.length > 0 && args.every(isBoolean);
}

function varLookup(key: unknown, context: unknown): unknown {
  let fallback: unknown = null;
  if (Array.isArray(key)) {
    fallback = key[1] === undefined ? null : key[1];
    key = key[0];
  }
  if (key === undefined || key === null || key === '') return typeof context === 'function' ? null : context;
  let cur = context;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- JsonLogic reads any key as text, like json-logic-js
  for (const seg of splitPathMemoized(String(key))) {
    if (cur === null || cur === undefined) return fallback;
    cur = (cur as Record<string, unknown>)[seg];
    if (cur === undefined) return fallback;
  }
  return typeof cur === 'function' ? null : cur;
}

function missing(args: unknown[], context: unknown): unknown[] {
  const keys: unknown[] = Array.isArray(args[0]) ? args[0] : args;
  return keys.filter((k) => {
    const v = varLookup(k, context);
    return v === null || v === '';
  });
}

const arith = {
  '+': (args: unknown[]): number => {
    let r = 0;
    for (const a of args) r += num(a);
    return checked(r);
  },
  '*': (args: unknown[]): number => {
    let r = 1;
    for (const a of args) r *= num(a);
    return checked(r);
  },
  '-': (args: unknown[]): number => {
    if (args.length === 0) raise(INVALID_ARGUMENTS);
    if (args.length === 1) return checked(-num(args[0]));
    let r = num(args[0]);
    for (let i = 1; i < args.length; i++) r -= num(args[i]);
    return checked(r);
  },
  '/': (args: unknown[]): number => {
    if (args.length === 0) raise(INVALID_ARGUMENTS);
    const list = args.length === 1 ? [1, args[0]] : args;
    let r = num(list[0]);
    for (let i = 1; i < list.length; i++) {
      const d = num(list[i]);
      if (d === 0 || Number.isNaN(d)) raise(NaN);
      r /= d;
    }
    if (!Number.isFinite(r)) raise(NaN);
    return r;
  },
  '%': (args: unknown[]): number => {
    if (args.length < 2) raise(INVALID_ARGUMENTS);
    let r = num(args[0]);
    for (let i = 1; i < args.length; i++) r %= num(args[i]);
    return checked(r);
  },
};

type Mapper = (item: unknown, above: Above) => unknown;
/** The scope a mapper sees above its item (json-logic-engine's `val` climbs it); built only for mappers that read it. */
const frame = (scoped: boolean, arr: unknown[], index: number, context: unknown, above: Above): Above =>
  scoped ? [{ iterator: arr, index }, context, above] : NO_ABOVE;
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const iterate = {
  some: (sel: unknown, fn: Mapper, ctx: unknown, above: Above, scoped: boolean): boolean => {
    const arr = asArray(sel);
    for (let i = 0; i < arr.length; i++) if (isTruthy(fn(arr[i], frame(scoped, arr, i, ctx, above)))) return true;
    return false;
  },
  none: (sel: unknown, fn: Mapper, ctx: unknown, above: Above, scoped: boolean): boolean =>
    !iterate.some(sel, fn, ctx, above, scoped),
  all: (sel: unknown, fn: Mapper, ctx: unknown, above: Above, scoped: boolean): boolean => {
    const arr = asArray(sel);
    if (arr.length === 0) return false;
    for (let i = 0; i < arr.length; i++) if (!isTruthy(fn(arr[i], frame(scoped, arr, i, ctx, above)))) return false;
    return true;
  },
  map: (sel: unknown, fn: Mapper, ctx: unknown, above: Above, scoped: boolean): unknown[] =>
    asArray(sel).map((x, i, arr) => fn(x, frame(scoped, arr, i, ctx, above))),
  filter: (sel: unknown, fn: Mapper, ctx: unknown, above: Above, scoped: boolean): unknown[] =>
    asArray(sel).filter((x, i, arr) => isTruthy(fn(x, frame(scoped, arr, i, ctx, above)))),
};
function reduce(
  sel: unknown,
  fn: Mapper,
  hasInit: boolean,
  init: unknown,
  ctx: unknown,
  above: Above,
  scoped: boolean,
): unknown {
  const arr = asArray(sel);
  if (!hasInit && arr.length === 0) return null;
  let acc = hasInit ? init : arr[0];
  for (let i = hasInit ? 0 : 1; i < arr.length; i++)
    acc = fn({ accumulator: acc, current: arr[i] }, frame(scoped, arr, i, ctx, above));
  return acc;
}

/** Operators that read nothing of the scope above their data; any other one (e.g. `val`, `try`) may. */
const SCOPE_FREE = new Set([
  ...BOOLEAN_OPS,
  'and',
  'or',
  'if',
  '?:',
  'var',
  'missing',
  'missing_some',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'cat',
  'substr',
  'merge',
  'map',
  'filter',
  'reduce',
]);
const scopeUse = new WeakMap<object, boolean>();
/** True when a mapper may read the scope above its item (`val` climbing, `var` with `../`…), so it needs the frames. */
function usesScope(node: unknown): boolean {
  if (!isObj(node)) return false;
  let known = scopeUse.get(node);
  if (known === undefined) {
    if (Array.isArray(node)) known = node.some(usesScope);
    else {
      const keys = Object.keys(node);
      const op = keys[0] as string;
      const args = (node as Record<string, unknown>)[op];
      const key: unknown = Array.isArray(args) ? args[0] : args;
      known =
        keys.length !== 1 ||
        !SCOPE_FREE.has(op) ||
        (op === 'var' && typeof key === 'string' && key.startsWith('../')) ||
        usesScope(args);
    }
    scopeUse.set(node, known);
  }
  return known;
}

/** Arithmetic on one or two operands for generated code, with exactly the semantics of `arith`. */
const ARITH2: Record<string, (a: unknown, b: unknown) => number> = {
  '+': (a, b) => checked(0 + num(a) + num(b)),
  '*': (a, b) => checked(1 * num(a) * num(b)),
  '-': (a, b) => checked(num(a) - num(b)),
  '/': (a, b) => arith['/']([a, b]),
  '%': (a, b) => checked(num(a) % num(b)),
};
const negate = (a: unknown): number => checked(-num(a));
/** `in`: membership in a list, or a substring of a non-empty text (json-logic-js semantics). */
const contains = (a: unknown, b: unknown): boolean =>
  (b === '' ? false : typeof b === 'string' || Array.isArray(b)) && (b as unknown[]).indexOf(a) !== -1;

/**
 * What a thrown value says about itself, the way JsonLogic engines and the conformance suites name errors:
 * `'NaN'`, `'Invalid Arguments'`, or the `type` of an error thrown with the `throw` operator.
 *
 * @example
 * ruleErrorType(NaN); // 'NaN'
 * ruleErrorType({ type: 'Invalid Arguments' }); // 'Invalid Arguments'
 */
export function ruleErrorType(e: unknown): string {
  if (isObj(e)) {
    const r = e as { type?: string; message?: string };
    if (r.type) return String(r.type);
    if (r.message) return String(r.message);
  }
  return String(e);
}

// ---------------------------------------------------------------------------------------------------------------
// Operator table

type Assemble = (logic: unknown, kind: 'rule' | 'mapper') => (...args: unknown[]) => unknown;

/**
 * Registers Gridflow's operators on a json-logic-engine instance. Returns `assemble`, which generates the function
 * of a rule (or of an iterator's mapper) from json-logic-engine's `buildString` and the code generators below.
 */
function install(engine: Engine): Assemble {
  const run = (node: unknown, data: unknown, above: Above): unknown => {
    if (!isObj(node)) return node;
    const plan = engine.optimizedMap.get(node);
    return typeof plan === 'function' ? (plan as Plan)(data, above) : engine.run(node, data, { above });
  };
  const ref = (bs: BuildState, f: unknown): string => {
    let i = bs.methods.indexOf(f);
    if (i < 0) i = bs.methods.push(f) - 1;
    return `methods[${i}]`;
  };
  const str = (node: unknown, bs: BuildState): string =>
    (Compiler.buildString as (n: unknown, b: BuildState) => string)(node, bs);
  const temp = (bs: BuildState): string => `t${bs.temps++}`;
  /**
   * For a `var` with a fixed path: code reading the raw value (`undefined` when absent, first segment hoisted) and
   * the code turning a raw value into the var's value (fallback for `undefined`, `null` for a function). Comparisons
   * and tests use the raw value on their fast path (a number or a boolean needs no turning) and turn it otherwise.
   */
  const rawVar = (
    node: unknown,
    bs: BuildState,
  ): { read: string; fallback: string; norm: (v: string) => string } | undefined => {
    if (!isObj(node) || Array.isArray(node) || Object.keys(node).length !== 1 || !('var' in node)) return undefined;
    const lower = node.var;
    const [key, fallback = null] = Array.isArray(lower) ? (lower as unknown[]) : [lower];
    if (
      (Array.isArray(lower) && lower.length > 2) ||
      isObj(fallback) ||
      (typeof key !== 'string' && typeof key !== 'number')
    )
      return undefined;
    let segments = splitPathMemoized(String(key));
    if (String(key) === '' || String(key).startsWith('../') || segments.length === 0) return undefined;
    let base = 'context';
    if (segments.length > 1) {
      const first = segments[0] as string;
      base = bs.hoist.get(first) ?? `h${bs.hoist.size}`;
      bs.hoist.set(first, base);
      segments = segments.slice(1);
    }
    const middle = segments
      .slice(0, -1)
      .map((seg) => ` || (prev = prev[${JSON.stringify(seg)}]) == null`)
      .join('');
    const f = JSON.stringify(fallback);
    return {
      read: middle
        ? `((prev = ${base}) == null${middle} ? undefined : prev[${JSON.stringify(segments[segments.length - 1])}])`
        : `(${base} == null ? undefined : ${base}[${JSON.stringify(segments[0])}])`,
      fallback: f,
      norm: (v) => `(${v} === undefined ? ${f} : typeof ${v} === 'function' ? null : ${v})`,
    };
  };
  /** Code testing a node's truthiness; with `keep`, it also leaves the node's value in `prev`. */
  const test = (node: unknown, bs: BuildState, keep = false): string => {
    if (isBoolean(node)) return keep ? `(prev = ${str(node, bs)})` : `(${str(node, bs)})`;
    const raw = keep ? undefined : rawVar(node, bs);
    if (raw) return `((prev = ${raw.read}) === true || (prev !== false && engine.truthy(${raw.norm('prev')})))`;
    return `((prev = ${str(node, bs)}) === true || (prev !== false && engine.truthy(prev)))`;
  };
  const assemble: Assemble = (logic, kind) => {
    const bs: BuildState = {
      engine,
      methods: [],
      values: [],
      notTraversed: [],
      processing: [],
      async: false,
      avoidInlineAsync: true,
      temps: 0,
      hoist: new Map(),
    };
    const code = str(logic, bs);
    const lets = ['prev', ...Array.from({ length: bs.temps }, (_, i) => `t${i}`)].join(', ');
    const hoisted = [...bs.hoist]
      .map(([seg, name]) => `const ${name} = context == null ? undefined : context[${JSON.stringify(seg)}];`)
      .join(' ');
    const body =
      kind === 'rule'
        ? `return function rule(context) { let ${lets}; if (context === undefined) context = null; const above = NO_ABOVE; try { ${hoisted} return ${code}; } catch (e) { throw fail(e); } };`
        : `return function mapper(context, above) { let ${lets}; ${hoisted} return ${code}; };`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function(
      'values',
      'methods',
      'notTraversed',
      'engine',
      'coerceArray',
      'fail',
      'NO_ABOVE',
      body,
    ) as (...a: unknown[]) => (...args: unknown[]) => unknown;
    const coerceArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
    return factory(bs.values, bs.methods, bs.notTraversed, engine, coerceArray, evaluationFailed, NO_ABOVE);
  };
  const simple = (n: unknown): boolean =>
    !isObj(n) || (!Array.isArray(n) && Object.keys(n).length === 1 && 'var' in n && !isObj(n.var));
  const defs: Record<string, MethodDef> = {};
  const lazy = (name: string, method: MethodDef['method'], compile?: CompileFn): void => {
    defs[name] = compile ? { method, lazy: true, compile } : { method, lazy: true };
  };
  const eager = (name: string, method: MethodDef['method'], optimizeUnary = false): void => {
    defs[name] = { method, lazy: false, optimizeUnary };
  };

  for (const [op, pair] of Object.entries(PAIR)) {
    const three = chain3(pair);
    lazy(
      op,
      (args, ctx, above) => {
        if (!Array.isArray(args) || args.length < 2) raise(INVALID_ARGUMENTS);
        let prev = run(args[0], ctx, above);
        for (let i = 1; i < args.length; i++) {
          const cur = run(args[i], ctx, above);
          if (!pair(prev, cur)) return false;
          prev = cur;
        }
        return true;
      },
      (data, bs) => {
        if (!Array.isArray(data) || data.length < 2) return false;
        if (data.length === 2) {
          if (op.length === 3) return `(${str(data[0], bs)} ${op} ${str(data[1], bs)})`;
          const [a, b] = [temp(bs), temp(bs)];
          const js = op === '==' ? '===' : op === '!=' ? '!==' : op;
          const [ra, rb] = [rawVar(data[0], bs), rawVar(data[1], bs)];
          const [x, y] = [ra ? ra.read : str(data[0], bs), rb ? rb.read : str(data[1], bs)];
          const slow = `${ref(bs, pair)}(${ra ? ra.norm(a) : a}, ${rb ? rb.norm(b) : b})`;
          return `((${a} = ${x}), (${b} = ${y}), typeof ${a} === 'number' && typeof ${b} === 'number' ? ${a} ${js} ${b} : ${slow})`;
        }
        if (data.length === 3 && data.every(simple))
          return `${ref(bs, three)}(${data.map((d) => str(d, bs)).join(', ')})`;
        return false;
      },
    );
  }
  const logical = (isAnd: boolean): void =>
    lazy(
      isAnd ? 'and' : 'or',
      (args, ctx, above) => {
        if (!Array.isArray(args)) raise(INVALID_ARGUMENTS);
        if (args.length === 0) return false;
        let item: unknown;
        for (const a of args) {
          item = run(a, ctx, above);
          if (isTruthy(item) !== isAnd) return item;
        }
        return item;
      },
      (data, bs) => {
        if (!Array.isArray(data)) return false;
        if (data.length === 0) return 'false';
        if (data.every(isBoolean)) return `(${data.map((d) => str(d, bs)).join(isAnd ? ' && ' : ' || ')})`;
        return `(${data.map((d) => `${isAnd ? '!' : ''}${test(d, bs, true)} ? prev : `).join('')}prev)`;
      },
    );
  logical(true);
  logical(false);
  const negation = (name: string, negate: boolean): void =>
    lazy(
      name,
      (args, ctx, above) => {
        let v: unknown;
        if (Array.isArray(args)) args.forEach((a, i) => (i === 0 ? (v = run(a, ctx, above)) : run(a, ctx, above)));
        else v = run(args, ctx, above);
        return isTruthy(v) !== negate;
      },
      (data, bs) => {
        if (Array.isArray(data) && data.length !== 1) return data.length === 0 ? String(negate) : false;
        return `(${negate ? '!' : ''}${test(Array.isArray(data) ? data[0] : data, bs)})`;
      },
    );
  negation('!', true);
  negation('not', true);
  negation('!!', false);

  for (const [op, f] of Object.entries(arith)) {
    eager(op, (args) => f(args as unknown[]));
    (defs[op] as MethodDef).compile = (data, bs) => {
      if (!Array.isArray(data) || data.length === 0 || data.length > 2) return false;
      if (data.length === 1) return op === '-' ? `${ref(bs, negate)}(${str(data[0], bs)})` : false;
      return `${ref(bs, ARITH2[op])}(${str(data[0], bs)}, ${str(data[1], bs)})`;
    };
  }
  eager('in', (args) => contains((args as unknown[])[0], (args as unknown[])[1]));
  (defs.in as MethodDef).compile = (data, bs) => {
    if (!Array.isArray(data) || data.length !== 2) return false;
    const list: unknown = data[1];
    if (!Array.isArray(list) || list.some(isObj)) return `${ref(bs, contains)}(${str(data[0], bs)}, ${str(list, bs)})`;
    // A list of constants: `indexOf` on it is strict equality with each element, which short lists spell out.
    const needle = str(data[0], bs);
    if (list.length > 8)
      return `(values[${bs.values.push(Object.freeze([...(list as unknown[])])) - 1}].indexOf(${needle}) !== -1)`;
    const t = temp(bs);
    return list.length === 0
      ? `((${needle}), false)`
      : `((${t} = ${needle}) === ${list.map((x) => JSON.stringify(x)).join(` || ${t} === `)})`;
  };
  eager('cat', (args) => {
    const out = (args as unknown[]).join('');
    if (out.length > MAX_SIZE) raise(TOO_LARGE);
    return out;
  });
  eager('merge', (args) => {
    const list = args as unknown[];
    let size = 0;
    for (const a of list) size += Array.isArray(a) ? a.length : 1;
    if (size > MAX_SIZE) raise(TOO_LARGE);
    const out: unknown[] = [];
    for (const a of list) {
      if (Array.isArray(a)) for (const x of a) out.push(x);
      else out.push(a);
    }
    return out;
  });
  const stockVal = engine.methods.val as MethodDef;
  const scope = (a: unknown): unknown => {
    if (!Array.isArray(a) || !Array.isArray(a[0]) || a[0].length !== 1 || !(Math.abs(Number(a[0][0])) > MAX_CLIMB))
      return a;
    return [[MAX_CLIMB], ...(a.slice(1) as unknown[])];
  };
  const val = stockVal.method;
  eager('val', (args, ctx, above, eng) => val(scope(args), ctx, above, eng), true);
  eager('exists', (args, ctx, above, eng) => val(scope(args), ctx, above, eng, UNFOUND) !== UNFOUND);
  eager('substr', (args) => {
    const [source, start, end] = args as [unknown, number, number];
    if (end < 0) {
      const rest = String(source).substr(start);
      return rest.substr(0, rest.length + end);
    }
    return String(source).substr(start, end);
  });
  const stockIf = engine.methods.if as MethodDef;
  const ifCompile: CompileFn = (data, bs) => {
    if (!Array.isArray(data) || data.length < 3) return false;
    const parts: unknown[] = data.length % 2 === 1 ? data : [...(data as unknown[]), null];
    let code = '';
    for (let i = 0; i + 1 < parts.length; i += 2) {
      code += `${test(parts[i], bs)} ? ${str(parts[i + 1], bs)} : `;
    }
    return `(${code}${str(parts[parts.length - 1], bs)})`;
  };
  defs.if = { ...stockIf, compile: ifCompile };
  defs['?:'] = defs.if;
  const stockVar = engine.methods.var as MethodDef;
  eager(
    'var',
    (key, ctx, above, eng) => {
      const k: unknown = Array.isArray(key) ? key[0] : key;
      return typeof k === 'string' && k.startsWith('../') ? stockVar.method(key, ctx, above, eng) : varLookup(key, ctx);
    },
    true,
  );
  (defs.var as MethodDef).compile = (data, bs) => {
    if (!Array.isArray(data) || data.length > 2 || isObj(data[1])) return false;
    if (data[0] === null || data[0] === undefined || data[0] === '')
      return `(typeof context === 'function' ? null : context)`;
    const raw = rawVar({ var: data }, bs);
    return raw
      ? `((prev = ${raw.read}) === undefined ? ${raw.fallback} : typeof prev === 'function' ? null : prev)`
      : false;
  };
  eager('missing', (args, ctx) => missing(args as unknown[], ctx));
  eager('missing_some', (args, ctx) => {
    const [need, keys] = args as [number, unknown[]];
    const absent = missing(asArray(keys), ctx);
    return asArray(keys).length - absent.length >= need ? [] : absent;
  });

  for (const [name, it] of Object.entries(iterate)) {
    lazy(
      name,
      (args, ctx, above) => {
        if (!Array.isArray(args)) raise(INVALID_ARGUMENTS);
        return it(run(args[0], ctx, above), (item, ab) => run(args[1], item, ab), ctx, above, usesScope(args[1]));
      },
      (data, bs) =>
        Array.isArray(data)
          ? `${ref(bs, it)}(${str(data[0], bs)}, ${ref(bs, assemble(data[1], 'mapper'))}, context, above, ${usesScope(data[1])})`
          : false,
    );
  }
  defs.every = defs.all as MethodDef;
  lazy(
    'reduce',
    (args, ctx, above) => {
      if (!Array.isArray(args)) raise(INVALID_ARGUMENTS);
      const sel = run(args[0], ctx, above);
      return reduce(
        sel,
        (item, ab) => run(args[1], item, ab),
        args.length > 2,
        run(args[2], ctx, above),
        ctx,
        above,
        usesScope(args[1]),
      );
    },
    (data, bs) =>
      Array.isArray(data)
        ? `${ref(bs, reduce)}(${str(data[0], bs)}, ${ref(bs, assemble(data[1], 'mapper'))}, ${data.length > 2}, ${str(data[2] ?? null, bs)}, context, above, ${usesScope(data[1])})`
        : false,
  );
  lazy('try', (args, ctx, above) => {
    const list = Array.isArray(args) ? args : [args];
    let last: unknown;
    for (let i = 0; i < list.length; i++) {
      try {
        return i === 0 ? run(list[0], ctx, above) : run(list[i], { type: ruleErrorType(last) }, [null, ctx, above]);
      } catch (e) {
        last = e;
      }
    }
    return raise(last);
  });

  // Every stock operator Gridflow does not generate code for runs its own implementation, also in compiled mode.
  for (const [name, def] of Object.entries(engine.methods)) {
    if (name in defs || typeof def === 'function' || !def.compile) continue;
    const copy: MethodDef = { ...def };
    delete copy.compile;
    engine.methods[name] = copy;
  }
  for (const [name, def] of Object.entries(defs)) {
    (def as unknown as Record<symbol, unknown>)[Constants.Sync] = true;
    engine.methods[name] = def;
  }
  engine.truthy = isTruthy;
  return assemble;
}

// ---------------------------------------------------------------------------------------------------------------
// Interpreted path: plan every node once into a closure and register it where the operators look for it

function invalid(zh: string, en: string, path: readonly (string | number)[]): GridflowError {
  return new GridflowError('rule.invalid', { zh, en }, { path: toPointer(path) });
}

/** Returns a planner that validates a rule (unknown operators, ambiguous objects, depth) and registers its closures. */
function createPlanner(engine: Engine): (logic: unknown) => Plan {
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

const ERROR_ZH: Record<string, string> = {
  NaN: '结果不是有效数字（例如除以零，或对非数字做算术、比较）',
  'Invalid Arguments': '运算符的参数个数或类型不正确',
};

function evaluationFailed(e: unknown): GridflowError {
  if (e instanceof GridflowError) return e;
  const type = ruleErrorType(e);
  const details: RuleErrorDetails = { type };
  return new GridflowError(
    'rule.evaluation_failed',
    { zh: `规则求值失败：${ERROR_ZH[type] ?? type}`, en: `The rule could not be evaluated: ${type}` },
    { details, cause: e },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

let codegenProbe: boolean | undefined;

/**
 * True when the platform lets code be generated from strings (`new Function`, `eval`), i.e. no
 * Content-Security-Policy without `'unsafe-eval'` and no `--disallow-code-generation-from-strings`. Probed once;
 * under a CSP the probe itself may be reported as a violation, so pass `codegen: 'off'` where you know the policy.
 *
 * @example
 * createRuleEngine({ codegen: canGenerateCode() ? 'on' : 'off' });
 */
export function canGenerateCode(): boolean {
  if (codegenProbe === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      const viaFunction = (new Function('return 1') as () => unknown)() === 1;
      codegenProbe = viaFunction && (0, globalThis.eval)('1') === 1;
    } catch {
      codegenProbe = false;
    }
  }
  return codegenProbe;
}

/**
 * Creates a JsonLogic evaluator. Rules are treated as immutable once evaluated: the compiled function of a rule is
 * cached by the rule object and by its JSON text. A rule with an unknown operator throws `rule.invalid` (with the
 * JSON Pointer of the operation); an evaluation that fails (division by zero, arithmetic on text, wrong
 * arguments, `throw`) throws `rule.evaluation_failed` whose `details.type` names the JsonLogic error.
 *
 * @example
 * const engine = createRuleEngine();
 * const overdue = engine.compile({ and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }] });
 * overdue({ case: { elapsedHours: 49, limitHours: 48, resolved: false } }); // true
 * engine.evaluate({ in: [{ var: 'c' }, ['a', 'b']] }, { c: 'b' }); // true
 */
export function createRuleEngine(options: RuleEngineOptions = {}): RuleEngine {
  const codegen = options.codegen ?? 'auto';
  if (codegen === 'on' && !canGenerateCode()) {
    throw new GridflowError('rule.codegen_unavailable', {
      zh: '当前环境禁止动态生成代码（内容安全策略），请改用 codegen: "auto" 或 "off"',
      en: 'This platform forbids generating code (Content-Security-Policy); use codegen "auto" or "off"',
    });
  }
  const compiled = codegen === 'on' || (codegen === 'auto' && canGenerateCode());
  const cacheSize = Math.max(1, options.cacheSize ?? 1000);
  const engine = new LogicEngine(undefined, {
    disableInline: true,
    maxDepth: Infinity,
    permissive: false,
  }) as unknown as Engine;
  const assemble = install(engine);
  const plan = createPlanner(engine);

  const build = (logic: unknown): ((data: unknown) => unknown) => {
    const interpreted = plan(logic);
    if (compiled) {
      try {
        return assemble(logic, 'rule');
      } catch {
        // A rule the code generator cannot handle runs interpreted, with the same semantics.
      }
    }
    return (data) => {
      try {
        return interpreted(data === undefined ? null : data, NO_ABOVE);
      } catch (e) {
        throw evaluationFailed(e);
      }
    };
  };
  const byObject = new WeakMap<object, (data: unknown) => unknown>();
  const byText = new Map<string, (data: unknown) => unknown>();
  const get = (logic: unknown): ((data: unknown) => unknown) => {
    if (!isObj(logic)) return () => logic;
    let fn = byObject.get(logic);
    if (fn) return fn;
    let text: string | undefined;
    try {
      text = JSON.stringify(logic);
    } catch {
      text = undefined;
    }
    fn = text === undefined ? undefined : byText.get(text);
    if (fn && text !== undefined) byText.delete(text);
    fn ??= build(logic);
    if (text !== undefined) {
      byText.set(text, fn);
      if (byText.size > cacheSize) byText.delete(byText.keys().next().value as string);
    }
    byObject.set(logic, fn);
    return fn;
  };
  return {
    mode: compiled ? 'compiled' : 'interpreted',
    evaluate: (logic, data) => (isObj(logic) ? get(logic)(data) : logic),
    compile: get,
  };
}
