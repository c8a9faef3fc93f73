import { splitPathMemoized } from 'json-logic-engine';
import { NO_ABOVE, type Above } from './jsonLogicEngine.js';
import { ARITHMETIC, COMPARISONS } from './operatorGroups.js';

/**
 * The semantics of Gridflow's JsonLogic operators, shared by both evaluation paths (the operator table with its
 * code generator, and the interpreted planner), so that they agree by construction: truthiness, loose and strict
 * comparison, arithmetic with its errors, `var` and `missing`, the array operators, `in`, and the limits that keep
 * a rule from looping or exhausting memory.
 */

export const INVALID_ARGUMENTS = Object.freeze({ type: 'Invalid Arguments' });
/** How deeply a rule may nest; the planner rejects a deeper one as `rule.invalid`. */
export const MAX_DEPTH = 200;
/** `val` climbs at most this many scopes (json-logic-engine would loop for `{"val": [[1e21], "x"]}`). */
export const MAX_CLIMB = 4 * MAX_DEPTH;
/** Largest array `merge` and longest string `cat` may build, so that a rule cannot exhaust memory by doubling. */
export const MAX_SIZE = 1 << 20;
export const TOO_LARGE = Object.freeze({ type: 'Exceeded Allowed Size' });

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

export const isObj = (v: unknown): v is object => v !== null && typeof v === 'object';
/** Throws a JsonLogic error the way json-logic-engine does — a bare `NaN` or `{ type }` — so `try` and the suites read its type. */
export function raise(error: unknown): never {
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
export type Pair = (a: unknown, b: unknown) => boolean;
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
export const PAIR: Record<string, Pair> = {
  '<': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a < b : loose('<', a, b)),
  '<=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a <= b : loose('<=', a, b)),
  '>': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a > b : loose('>', a, b)),
  '>=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a >= b : loose('>=', a, b)),
  '==': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a === b : loose('==', a, b)),
  '!=': (a, b) => (typeof a === 'number' && typeof b === 'number' ? a !== b : loose('!=', a, b)),
  '===': (a, b) => a === b,
  '!==': (a, b) => a !== b,
};
export const chain3 = (pair: Pair) => (a: unknown, b: unknown, c: unknown) => pair(a, b) && pair(b, c);

/** Operators whose value is always a boolean, so generated code may skip the truthiness call. */
const BOOLEAN_OPS = new Set<string>([...COMPARISONS, '!', '!!', 'not', 'in', 'some', 'all', 'none', 'every']);
export function isBoolean(node: unknown): boolean {
  if (!isObj(node) || Array.isArray(node)) return typeof node === 'boolean';
  const keys = Object.keys(node);
  const op = keys[0] as string;
  if (keys.length !== 1) return false;
  if (BOOLEAN_OPS.has(op)) return true;
  const args = (node as Record<string, unknown>)[op];
  return (op === 'and' || op === 'or') && Array.isArray(args) && args.length > 0 && args.every(isBoolean);
}

export function varLookup(key: unknown, context: unknown): unknown {
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

export function missing(args: unknown[], context: unknown): unknown[] {
  const keys: unknown[] = Array.isArray(args[0]) ? args[0] : args;
  return keys.filter((k) => {
    const v = varLookup(k, context);
    return v === null || v === '';
  });
}

export const arith = {
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

export type Mapper = (item: unknown, above: Above) => unknown;
/** The scope a mapper sees above its item (json-logic-engine's `val` climbs it); built only for mappers that read it. */
const frame = (scoped: boolean, arr: unknown[], index: number, context: unknown, above: Above): Above =>
  scoped ? [{ iterator: arr, index }, context, above] : NO_ABOVE;
export const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const iterate = {
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
export function reduce(
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
const SCOPE_FREE = new Set<string>([
  ...BOOLEAN_OPS,
  ...['and', 'or', 'if', '?:', 'var', 'missing', 'missing_some'],
  ...ARITHMETIC,
  ...['cat', 'substr', 'merge', 'map', 'filter', 'reduce'],
]);
const scopeUse = new WeakMap<object, boolean>();
/** True when a mapper may read the scope above its item (`val` climbing, `var` with `../`…), so it needs the frames. */
export function usesScope(node: unknown): boolean {
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
export const ARITH2: Record<string, (a: unknown, b: unknown) => number> = {
  '+': (a, b) => checked(0 + num(a) + num(b)),
  '*': (a, b) => checked(1 * num(a) * num(b)),
  '-': (a, b) => checked(num(a) - num(b)),
  '/': (a, b) => arith['/']([a, b]),
  '%': (a, b) => checked(num(a) % num(b)),
};
export const negate = (a: unknown): number => checked(-num(a));
/** `in`: membership in a list, or a substring of a non-empty text (json-logic-js semantics). */
export const contains = (a: unknown, b: unknown): boolean =>
  (b === '' ? false : typeof b === 'string' || Array.isArray(b)) && (b as unknown[]).indexOf(a) !== -1;
