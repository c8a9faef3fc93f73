import { GridflowError } from '../errors.js';
import { toPointer } from '../problems.js';
import { createRuleEngine, isTruthy, type RuleEngine } from './engine.js';
import { ARITHMETIC, COMPARISONS, LIST_OPERATORS } from './operatorGroups.js';
import { isPlainObject } from './tree/json.js';

/**
 * Tracing a rule: its value sub-expression by sub-expression, as the engine computes it, which is what
 * explanations (`explainRule`) put into words.
 */

/**
 * A constant as it appears in a rule (JSON).
 *
 * @example
 * const literal: TraceLiteral = ['illegal_construction', 'street_vending'];
 */
export type TraceLiteral = string | number | boolean | null | object;

/**
 * One evaluated sub-expression of a rule.
 *
 * @example
 * const node: TraceNode = { op: 'var', path: '/and/0/>/0', args: 'case.elapsedHours', value: 49 };
 */
export interface TraceNode {
  /** The operator; `'literal'` for a constant (then `args` is the constant), `'array'` for a list of expressions. */
  op: string;
  /** JSON Pointer of the sub-expression within the rule, e.g. `/and/0/>/1`. */
  path: string;
  /** The traced operands, or the literal arguments of `var`, `missing` and operators the tracer does not open. */
  args: TraceNode[] | TraceLiteral;
  /** The value, as the engine computes it for this sub-expression. */
  value: unknown;
  /** Not evaluated: an `and`/`or` operand after the deciding one, an `if` branch not taken, a comparison cut short. */
  skipped?: true;
  /** The JsonLogic error type when this sub-expression failed (`'NaN'`, `'Invalid Arguments'`, `rule.invalid`…). */
  error?: string;
  /** For `some`/`all`/`none`/`map`/`filter`/`reduce`: the mapper's trace for each element evaluated, in order. */
  items?: TraceNode[];
}

type Seg = string | number;
const ITERATORS = new Set<string>(LIST_OPERATORS);
const OPENED = new Set<string>([
  ...['and', 'or', 'if', '?:', '!', '!!'],
  ...COMPARISONS,
  ...['in', 'cat', 'substr'],
  ...ARITHMETIC,
  'merge',
  ...LIST_OPERATORS,
]);
let tracer: RuleEngine | undefined;

/**
 * Evaluates a rule sub-expression by sub-expression: every node of the portable subset with its value (computed by
 * the engine on that node, in the scope the engine would use), operands the engine never reached marked `skipped`.
 * The value at the root is the rule's value.
 *
 * @example
 * const trace = traceRule({ '>': [{ var: 'h' }, 48] }, { h: 49 });
 * trace.value; // true
 * (trace.args as TraceNode[])[0]; // { op: 'var', path: '/>/0', args: 'h', value: 49 }
 */
export function traceRule(
  logic: unknown,
  data: unknown,
  engine: RuleEngine = (tracer ??= createRuleEngine({ codegen: 'off' })),
): TraceNode {
  const evaluate = (node: unknown, scope: unknown): { value: unknown; error?: string } => {
    try {
      return { value: engine.evaluate(node, scope) };
    } catch (e) {
      if (!(e instanceof GridflowError)) throw e;
      return {
        value: undefined,
        error: e.code === 'rule.evaluation_failed' ? (e.details as { type: string }).type : e.code,
      };
    }
  };
  const skip = (node: unknown, at: Seg[]): TraceNode => ({ ...shape(node, at, () => undefined), skipped: true });
  const shape = (node: unknown, at: Seg[], child: (n: unknown, a: Seg[]) => TraceNode | undefined): TraceNode => {
    const path = toPointer(at);
    if (!isPlainObject(node) || Object.keys(node).length !== 1) {
      if (Array.isArray(node) && node.some((n) => n !== null && typeof n === 'object')) {
        return {
          op: 'array',
          path,
          args: node.map((n, i) => child(n, [...at, i]) ?? skip(n, [...at, i])),
          value: undefined,
        };
      }
      return { op: 'literal', path, args: node as TraceLiteral, value: node };
    }
    const op = Object.keys(node)[0] as string;
    const raw = node[op];
    if (!OPENED.has(op)) return { op, path, args: raw as TraceLiteral, value: undefined };
    const list = Array.isArray(raw) ? raw : [raw];
    const argAt = (i: number): Seg[] => (Array.isArray(raw) ? [...at, op, i] : [...at, op]);
    return { op, path, args: list.map((n, i) => child(n, argAt(i)) ?? skip(n, argAt(i))), value: undefined };
  };

  const trace = (node: unknown, at: Seg[], scope: unknown): TraceNode => {
    const { value, error } = evaluate(node, scope);
    const done = (t: TraceNode): TraceNode => ({ ...t, value, ...(error === undefined ? {} : { error }) });
    if (!isPlainObject(node) || Object.keys(node).length !== 1)
      return done(shape(node, at, (n, a) => trace(n, a, scope)));
    const op = Object.keys(node)[0] as string;
    const raw = node[op];
    const list: unknown[] = Array.isArray(raw) ? raw : [raw];
    const argAt = (i: number): Seg[] => (Array.isArray(raw) ? [...at, op, i] : [...at, op]);
    // Operands are traced until the engine would stop: `stop(i, traced)` says whether operand i decided the result.
    const until = (stop: (i: number, t: TraceNode) => boolean): TraceNode => {
      let halted = false;
      const args = list.map((n, i) => {
        if (halted) return skip(n, argAt(i));
        const t = trace(n, argAt(i), scope);
        halted = t.error !== undefined || stop(i, t);
        return t;
      });
      return done({ op, path: toPointer(at), args, value });
    };
    if (!Array.isArray(raw) && (op === 'and' || op === 'or' || op === 'if' || op === '?:'))
      return done({ op, path: toPointer(at), args: raw as TraceLiteral, value });
    if (op === 'and') return until((_, t) => !isTruthy(t.value));
    if (op === 'or') return until((_, t) => isTruthy(t.value));
    if (op === 'if' || op === '?:') {
      // Conditions in order until one holds; then its branch (or the final else) is the value, the rest skipped.
      const args: TraceNode[] = [];
      let decided = false;
      for (let i = 0; i < list.length; i++) {
        if (decided) {
          args.push(skip(list[i], argAt(i)));
        } else if (i % 2 === 0 && i + 1 < list.length) {
          const test = trace(list[i], argAt(i), scope);
          args.push(test);
          decided = test.error !== undefined || isTruthy(test.value);
          args.push(
            decided && test.error === undefined
              ? trace(list[i + 1], argAt(i + 1), scope)
              : skip(list[i + 1], argAt(i + 1)),
          );
          i++;
        } else {
          args.push(trace(list[i], argAt(i), scope));
        }
      }
      return done({ op, path: toPointer(at), args, value });
    }
    if (['<', '<=', '>', '>=', '==', '===', '!=', '!=='].includes(op) && list.length > 2) {
      return until(
        (i, t) => i > 0 && evaluate({ [op]: [list[i - 1], list[i]] }, scope).value === false && t.error === undefined,
      );
    }
    if (ITERATORS.has(op)) return done(traceIterator(op, list, argAt, scope, at));
    if (!OPENED.has(op)) return done({ op, path: toPointer(at), args: raw as TraceLiteral, value });
    return until(() => false);
  };

  const traceIterator = (
    op: string,
    list: unknown[],
    argAt: (i: number) => Seg[],
    scope: unknown,
    at: Seg[],
  ): TraceNode => {
    const selector = trace(list[0], argAt(0), scope);
    const elements: unknown[] = Array.isArray(selector.value) ? selector.value : [];
    const args: TraceNode[] = [selector];
    const items: TraceNode[] = [];
    if (op === 'reduce') {
      const initial = list.length > 2 ? trace(list[2], argAt(2), scope) : undefined;
      let acc: unknown = initial ? initial.value : elements[0];
      for (let i = initial ? 0 : 1; i < elements.length; i++) {
        const t = trace(list[1], argAt(1), { accumulator: acc, current: elements[i] });
        items.push(t);
        if (t.error !== undefined) break;
        acc = t.value;
      }
      args.push(items[0] ?? skip(list[1], argAt(1)));
      if (initial) args.push(initial);
    } else {
      for (const element of elements) {
        const t = trace(list[1], argAt(1), element);
        items.push(t);
        const truthy = isTruthy(t.value);
        if (t.error !== undefined || (op === 'all' && !truthy) || ((op === 'some' || op === 'none') && truthy)) break;
      }
      args.push(items[0] ?? skip(list[1], argAt(1)));
    }
    return { op, path: toPointer(at), args, value: undefined, items };
  };

  return trace(logic, [], data === undefined ? null : data);
}
