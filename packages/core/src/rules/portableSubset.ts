import { ARITHMETIC, COMPARISONS, LIST_OPERATORS } from './operatorGroups.js';

/**
 * The portable subset of JsonLogic as data: its operators, the extensions only Gridflow's evaluator knows, how
 * many arguments each operator takes and how it must be written. A data table (read by the linter in
 * `portability.ts`), kept apart from the linter's logic.
 */

/**
 * The operators of the portable subset: those of json-logic-js 2.0.5 except `log`.
 *
 * @example
 * PORTABLE_OPERATORS.includes('??'); // false: a json-logic-engine extension
 */
export const PORTABLE_OPERATORS: readonly string[] = Object.freeze([
  ...['var', 'missing', 'missing_some', 'if', '?:', 'and', 'or', '!', '!!'],
  ...['==', '===', '!=', '!==', '<', '<=', '>', '>=', 'in', 'cat', 'substr'],
  ...['+', '-', '*', '/', '%', 'min', 'max', 'merge', 'map', 'filter', 'reduce', 'all', 'some', 'none'],
]);

/** Gridflow's evaluator knows these operators (json-logic-engine extensions) but json-logic-js does not. */
export const ENGINE_ONLY = new Set([
  'val',
  '??',
  'exists',
  'throw',
  'try',
  'length',
  'get',
  'keys',
  'pipe',
  'eachKey',
  'preserve',
  'every',
  'not',
]);
/** The portable operators, as a set. */
export const PORTABLE = new Set(PORTABLE_OPERATORS);

/** How many arguments each operator takes, `[min, max]`. */
export const ARITY: Record<string, [number, number]> = {
  '==': [2, 2],
  '===': [2, 2],
  '!=': [2, 2],
  '!==': [2, 2],
  '>': [2, 2],
  '>=': [2, 2],
  '<': [2, 3],
  '<=': [2, 3],
  '!': [1, 1],
  '!!': [1, 1],
  in: [2, 2],
  substr: [2, 3],
  '-': [1, 2],
  '/': [2, 2],
  '%': [2, 2],
  '*': [1, Infinity],
  min: [1, Infinity],
  max: [1, Infinity],
  map: [2, 2],
  filter: [2, 2],
  all: [2, 2],
  some: [2, 2],
  none: [2, 2],
  reduce: [3, 3],
  missing_some: [2, 2],
  and: [1, Infinity],
  or: [1, Infinity],
  if: [1, Infinity],
  '?:': [1, Infinity],
};
/** Operators whose arguments json-logic-engine requires as an array (json-logic-js would wrap a single value). */
export const ARRAY_ONLY = new Set<string>(['and', 'or', 'if', '?:', ...COMPARISONS, ...LIST_OPERATORS]);
/** Operators that read a non-array operand whose value is an array as their argument list (json-logic-js does not). */
export const SPREADING = new Set<string>([...ARITHMETIC, 'cat', 'substr', 'in']);
