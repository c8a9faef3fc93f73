import { isPlainObject } from '../../rules/tree/json.js';
import type { FactDictionary } from '../../rules/types.js';

/**
 * Reads a JsonLogic condition into a small tree the decision-table analysis can reason about: constants,
 * `and` / `or` / `not`, and atoms that test one fact against literals. Whatever does not fit these shapes
 * becomes `unknown`, never a guess.
 */

/** A numeric interval; infinite ends are always open. */
export interface Interval {
  lo: number;
  loOpen: boolean;
  hi: number;
  hiOpen: boolean;
}

/**
 * How a missing (null) value fares in an atom. Both engines compare null as 0 in `<`, `<=`, `>`, `>=`
 * (`zero`); equality never matches null except against a falsy literal, where engines disagree
 * (json-logic-js: `null == 0` is false, json-logic-engine: true), hence `unsure`; `none`: never matches.
 */
export type NullAs = 'zero' | 'none' | 'unsure';

/** What an atom asks of its fact. Enumerated and string facts: membership; numbers: an interval union. */
export type AtomTest =
  { type: 'in'; values: string[]; nullAs: NullAs } | { type: 'range'; intervals: Interval[]; nullAs: NullAs };

/** A condition as the analysis sees it. */
export type Cond =
  | { kind: 'const'; value: boolean }
  | { kind: 'unknown' }
  | { kind: 'and' | 'or'; items: Cond[] }
  | { kind: 'not'; item: Cond }
  | { kind: 'atom'; fact: string; test: AtomTest };

const UNKNOWN: Cond = { kind: 'unknown' };
const RELATIONAL = new Set(['<', '<=', '>', '>=']);
const EQUALITY = new Set(['==', '===', '!=', '!==']);

/** The path of a plain `{"var": "a.b"}` (or `{"var": ["a.b"]}`), else undefined. Defaults are not plain. */
export function varPath(node: unknown): string | undefined {
  if (!isPlainObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1 || keys[0] !== 'var') return undefined;
  const arg = node['var'];
  if (typeof arg === 'string') return arg;
  if (Array.isArray(arg) && arg.length === 1 && typeof arg[0] === 'string') return arg[0];
  return undefined;
}

/** The single operator of a JsonLogic node and its arguments (a lone argument is wrapped). */
export function operation(node: unknown): { op: string; args: unknown[] } | undefined {
  if (!isPlainObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const op = keys[0] as string;
  const raw = node[op];
  return { op, args: Array.isArray(raw) ? raw : [raw] };
}

/** The kind of literal a fact compares with, or undefined when the analysis does not model the fact. */
function literalKind(facts: FactDictionary, path: string): 'string' | 'number' | 'boolean' | undefined {
  const type = facts[path]?.type;
  return type === 'string' || type === 'number' || type === 'boolean' ? type : undefined;
}

/** A literal as the key the analysis uses (booleans become `'true'` / `'false'`), if it fits the fact. */
function literalKey(value: unknown, kind: 'string' | 'number' | 'boolean'): string | number | undefined {
  if (kind === 'string' && typeof value === 'string') return value;
  if (kind === 'boolean' && typeof value === 'boolean') return String(value);
  if (kind === 'number' && typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

const point = (n: number): Interval => ({ lo: n, loOpen: false, hi: n, hiOpen: false });

/** `x op n` as an interval. */
function bound(op: string, n: number): Interval {
  switch (op) {
    case '<':
      return { lo: -Infinity, loOpen: true, hi: n, hiOpen: true };
    case '<=':
      return { lo: -Infinity, loOpen: true, hi: n, hiOpen: false };
    case '>':
      return { lo: n, loOpen: true, hi: Infinity, hiOpen: true };
    default:
      return { lo: n, loOpen: false, hi: Infinity, hiOpen: true };
  }
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/** `==` / `in` of a fact with literals, as an atom (equality on numbers becomes points). */
function membership(facts: FactDictionary, path: string, literals: unknown[]): Cond {
  const kind = literalKind(facts, path);
  if (!kind) return UNKNOWN;
  const keys = literals.map((l) => literalKey(l, kind));
  if (keys.some((k) => k === undefined)) return UNKNOWN;
  const nullAs: NullAs = literals.some((l) => l === 0 || l === false || l === '') ? 'unsure' : 'none';
  if (kind === 'number')
    return { kind: 'atom', fact: path, test: { type: 'range', intervals: (keys as number[]).map(point), nullAs } };
  return { kind: 'atom', fact: path, test: { type: 'in', values: keys as string[], nullAs } };
}

function relational(facts: FactDictionary, op: string, args: unknown[]): Cond {
  if (args.length === 2) {
    const [a, b] = args;
    const pa = varPath(a);
    const pb = varPath(b);
    if (pa !== undefined && pb === undefined && typeof b === 'number' && literalKind(facts, pa) === 'number')
      return { kind: 'atom', fact: pa, test: { type: 'range', intervals: [bound(op, b)], nullAs: 'zero' } };
    if (pb !== undefined && pa === undefined && typeof a === 'number' && literalKind(facts, pb) === 'number')
      return { kind: 'atom', fact: pb, test: { type: 'range', intervals: [bound(FLIP[op] ?? op, a)], nullAs: 'zero' } };
    return UNKNOWN;
  }
  if (args.length === 3 && (op === '<' || op === '<=')) {
    const [lo, x, hi] = args;
    const p = varPath(x);
    if (p === undefined || typeof lo !== 'number' || typeof hi !== 'number' || literalKind(facts, p) !== 'number')
      return UNKNOWN;
    const open = op === '<';
    return {
      kind: 'atom',
      fact: p,
      test: { type: 'range', intervals: [{ lo, loOpen: open, hi, hiOpen: open }], nullAs: 'zero' },
    };
  }
  return UNKNOWN;
}

function equality(facts: FactDictionary, op: string, args: unknown[]): Cond {
  if (args.length !== 2) return UNKNOWN;
  const [a, b] = args;
  const pa = varPath(a);
  const pb = varPath(b);
  let atom: Cond = UNKNOWN;
  if (pa !== undefined && pb === undefined) atom = membership(facts, pa, [b]);
  else if (pb !== undefined && pa === undefined) atom = membership(facts, pb, [a]);
  if (atom.kind === 'unknown') return UNKNOWN;
  return op === '!=' || op === '!==' ? { kind: 'not', item: atom } : atom;
}

/** A bare `{"var": p}` used as a condition: only booleans (and numbers: non-zero) are modelled. */
function truthy(facts: FactDictionary, path: string): Cond {
  const kind = literalKind(facts, path);
  if (kind === 'boolean') return { kind: 'atom', fact: path, test: { type: 'in', values: ['true'], nullAs: 'none' } };
  if (kind === 'number')
    return {
      kind: 'atom',
      fact: path,
      test: { type: 'range', intervals: [bound('<', 0), bound('>', 0)], nullAs: 'none' },
    };
  return UNKNOWN;
}

/**
 * Parses a JsonLogic condition against a fact dictionary.
 *
 * @example
 * parseCondition({ in: [{ var: 'case.category' }, ['noise', 'sanitation']] }, facts);
 * // { kind: 'atom', fact: 'case.category', test: { type: 'in', values: ['noise', 'sanitation'], nullAs: 'none' } }
 */
export function parseCondition(logic: unknown, facts: FactDictionary): Cond {
  if (typeof logic === 'boolean') return { kind: 'const', value: logic };
  const path = varPath(logic);
  if (path !== undefined) return truthy(facts, path);
  const node = operation(logic);
  if (!node) return UNKNOWN;
  const { op, args } = node;
  if (op === 'and' || op === 'or') {
    if (args.length === 0) return UNKNOWN;
    return { kind: op, items: args.map((a) => parseCondition(a, facts)) };
  }
  if (op === '!' || op === '!!') {
    if (args.length !== 1) return UNKNOWN;
    const inner = parseCondition(args[0], facts);
    return op === '!' ? { kind: 'not', item: inner } : inner;
  }
  if (EQUALITY.has(op)) return equality(facts, op, args);
  if (RELATIONAL.has(op)) return relational(facts, op, args);
  if (op === 'in' && args.length === 2) {
    const p = varPath(args[0]);
    const list = args[1];
    if (p !== undefined && Array.isArray(list)) return membership(facts, p, list);
  }
  return UNKNOWN;
}
