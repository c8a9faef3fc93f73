import { GridflowError } from '../errors.js';
import { localize, type Locale, type LocalizedText } from '../i18n.js';
import { toPointer } from '../problems.js';
import { createRuleEngine, isTruthy, type RuleEngine } from './engine.js';
import type { FactDef, FactDictionary } from './types.js';

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
const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const ITERATORS = new Set(['map', 'filter', 'all', 'some', 'none', 'reduce']);
const OPENED = new Set([
  'and',
  'or',
  'if',
  '?:',
  '!',
  '!!',
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'cat',
  'substr',
  '+',
  '-',
  '*',
  '/',
  '%',
  'min',
  'max',
  'merge',
  ...ITERATORS,
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
    if (!isObj(node) || Object.keys(node).length !== 1) {
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
    if (!isObj(node) || Object.keys(node).length !== 1) return done(shape(node, at, (n, a) => trace(n, a, scope)));
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

// ---------------------------------------------------------------------------------------------------------------
// Sentences

interface Scope {
  facts: FactDictionary;
  /** The fact an item of the list being iterated has (`{"var": ""}`), e.g. a `string[]` fact's values. */
  element?: FactDef;
  reduce?: { list: FactDef | undefined };
}
interface Ctx {
  locale: Locale;
  zh: boolean;
}

const UNITS: Record<string, [string, string, string]> = {
  hours: [' 小时', ' hour', ' hours'],
  days: [' 天', ' day', ' days'],
  working_days: [' 个工作日', ' working day', ' working days'],
  percent: ['%', '%', '%'],
  count: ['', '', ''],
};
const ITEM: LocalizedText = { zh: '该项', en: 'the item' };
const CMP_WORDS: Record<string, [LocalizedText, LocalizedText]> = {
  '>': [
    { zh: '超过', en: 'exceeds' },
    { zh: '未超过', en: 'does not exceed' },
  ],
  '>=': [
    { zh: '达到', en: 'is at least' },
    { zh: '未达到', en: 'is below' },
  ],
  '<': [
    { zh: '低于', en: 'is below' },
    { zh: '不低于', en: 'is not below' },
  ],
  '<=': [
    { zh: '不超过', en: 'does not exceed' },
    { zh: '超过', en: 'exceeds' },
  ],
};
const MIRROR: Record<string, string> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };
const ARITH: Record<string, LocalizedText> = {
  '+': { zh: '加', en: 'plus' },
  '-': { zh: '减去', en: 'minus' },
  '*': { zh: '乘以', en: 'times' },
  '/': { zh: '除以', en: 'divided by' },
  '%': { zh: '除以后的余数', en: 'modulo' },
};

const nodeArgs = (t: TraceNode): TraceNode[] =>
  Array.isArray(t.args) && t.op !== 'literal' && t.op !== 'var' ? (t.args as TraceNode[]) : [];

/** The path a `var` node reads (`''` for the whole scope). */
function varPath(t: TraceNode): string {
  const raw: unknown = Array.isArray(t.args) ? (t.args as unknown[])[0] : t.args;
  return typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
}

function lookup(t: TraceNode, scope: Scope): FactDef | undefined {
  if (t.op !== 'var') return undefined;
  const path = varPath(t);
  if (path === '') return scope.element ? { ...scope.element, label: ITEM } : undefined;
  if (scope.reduce) {
    if (path === 'current') return scope.reduce.list ? { ...scope.reduce.list, label: ITEM } : undefined;
    if (path.startsWith('current.')) return scope.reduce.list?.item?.[path.slice(8)];
    return undefined;
  }
  return scope.facts[path];
}

/** The fact whose unit and values a node's value has: the fact it reads, or for arithmetic and sums the fact of its operands. */
function unitOf(t: TraceNode, scope: Scope): FactDef | undefined {
  const fact = lookup(t, scope);
  if (fact) return fact;
  if (t.op === 'reduce') return reduceSum(t, nodeArgs(t)[0] ? lookup(nodeArgs(t)[0] as TraceNode, scope) : undefined);
  if (['+', '-', 'min', 'max'].includes(t.op))
    return nodeArgs(t)
      .map((a) => unitOf(a, scope))
      .find((f) => f?.unit);
  return undefined;
}

/** A value in words: enumerated names, units, yes/no, lists. */
function fmt(value: unknown, fact: FactDef | undefined, c: Ctx): string {
  if (value === null || value === undefined || value === '') return c.zh ? '（空）' : '(none)';
  if (typeof value === 'boolean') return c.zh ? (value ? '是' : '否') : value ? 'yes' : 'no';
  if (typeof value === 'number') {
    const n = Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
    const unit = fact?.unit ? UNITS[fact.unit] : undefined;
    return unit ? n + (c.zh ? unit[0] : value === 1 ? unit[1] : unit[2]) : n;
  }
  if (typeof value === 'string') {
    const named = fact?.values?.find((v) => v.value === value);
    return named ? localize(named.name, c.locale) : value;
  }
  if (Array.isArray(value))
    return value.length === 0
      ? c.zh
        ? '（空列表）'
        : '(empty list)'
      : value.map((v) => fmt(v, fact, c)).join(c.zh ? '、' : ', ');
  return JSON.stringify(value);
}

function joinAll(parts: string[], c: Ctx): string {
  if (parts.length <= 1) return parts[0] ?? '';
  const last = parts[parts.length - 1] as string;
  return c.zh ? `${parts.slice(0, -1).join('，')}，且${last}` : `${parts.slice(0, -1).join(', ')}, and ${last}`;
}

/** A noun phrase for what a node computes, with its value: "处理已用时 49 小时" / "the time limit of 48 hours". */
function term(t: TraceNode, scope: Scope, c: Ctx, hint?: FactDef, object = false): string {
  const fact = lookup(t, scope);
  if (fact) {
    const label = localize(fact.label, c.locale);
    const v = fmt(t.value, fact, c);
    if (fact.type === 'string' || fact.type === 'string[]' || fact.type === 'date')
      return c.zh ? `${label}（${v}）` : `${label} (${v})`;
    return c.zh || !object || !label.startsWith('the ') ? `${label} ${v}` : `${label} of ${v}`;
  }
  const args = nodeArgs(t);
  if (ARITH[t.op] && args.length >= 1) {
    const word = localize(ARITH[t.op] as LocalizedText, c.locale);
    const unitFact = args.map((a) => unitOf(a, scope)).find((f) => f?.unit);
    const parts = args.map((a) => term(a, scope, c, unitFact, true)).join(c.zh ? word : ` ${word} `);
    return `${parts}${c.zh ? '（即 ' : ' (= '}${fmt(t.value, t.op === '+' || t.op === '-' ? unitFact : undefined, c)}${c.zh ? '）' : ')'}`;
  }
  if (t.op === 'reduce' || t.op === 'filter' || t.op === 'map') {
    const list = args[0] ? lookup(args[0], scope) : undefined;
    const label = list ? localize(list.label, c.locale) : c.zh ? '列表' : 'the list';
    if (t.op === 'filter')
      return c.zh
        ? `${label}中满足条件的项（${Array.isArray(t.value) ? t.value.length : 0} 项）`
        : `the matching items of ${label} (${Array.isArray(t.value) ? t.value.length : 0})`;
    const sum = t.op === 'reduce' ? reduceSum(t, list) : undefined;
    if (sum)
      return c.zh
        ? `${label}的${localize(sum.label, c.locale)}合计 ${fmt(t.value, sum, c)}`
        : `the total ${localize(sum.label, c.locale).replace(/^the /, '')} of ${label} (${fmt(t.value, sum, c)})`;
    return c.zh
      ? `由${label}计算得到的 ${fmt(t.value, undefined, c)}`
      : `the value computed from ${label} (${fmt(t.value, undefined, c)})`;
  }
  return fmt(t.value, hint, c);
}

/** `{"reduce": [list, {"+": [{"var": "accumulator"}, {"var": "current.x"}]}, 0]}`: the fact summed, if that is the shape. */
function reduceSum(t: TraceNode, list: FactDef | undefined): FactDef | undefined {
  const mapper = nodeArgs(t)[1];
  if (!mapper || mapper.op !== '+') return undefined;
  const paths = nodeArgs(mapper).map((a) => (a.op === 'var' ? varPath(a) : ''));
  if (!paths.includes('accumulator')) return undefined;
  const other = paths.find((p) => p !== 'accumulator') ?? '';
  if (other === 'current') return list ? { ...list, type: 'number', label: list.label } : undefined;
  return other.startsWith('current.') ? list?.item?.[other.slice(8)] : undefined;
}

/** Why a node has the truth value it has, in words that cite the values. */
function cond(t: TraceNode, scope: Scope, c: Ctx): string {
  const holds = isTruthy(t.value);
  const args = nodeArgs(t);
  const say = (zh: string, en: string): string => (c.zh ? zh : en);
  switch (t.op) {
    case '!':
    case '!!':
      return args[0] ? cond(args[0], scope, c) : say('条件为空', 'no condition');
    case 'and':
    case 'or': {
      const evaluated = args.filter((a) => !a.skipped);
      const deciding = evaluated[evaluated.length - 1];
      if ((t.op === 'and') === holds)
        return joinAll(
          evaluated.map((a) => cond(a, scope, c)),
          c,
        );
      return deciding ? cond(deciding, scope, c) : '';
    }
    case 'if':
    case '?:': {
      const { chosen, why } = ifBranch(t, scope, c);
      return chosen ? say(`${why}，因此${cond(chosen, scope, c)}`, `${cond(chosen, scope, c)}, since ${why}`) : why;
    }
    case 'literal':
      return holds ? say('默认成立', 'always') : say('默认不成立', 'never');
    case 'var': {
      const fact = lookup(t, scope);
      const label = fact ? localize(fact.label, c.locale) : varPath(t);
      if (fact?.type === 'boolean' || typeof t.value === 'boolean' || t.value === null) {
        if (holds) return label;
        if (!c.zh) return `not ${label}`;
        if (label.startsWith('已')) return `尚未${label.slice(1)}`;
        if (label.includes('已')) return label.replace('已', '未');
        if (label.includes('未')) return label.replace('未', '已');
        return `并非${label}`;
      }
      return holds
        ? say(`${label}为${fmt(t.value, fact, c)}`, `${label} is ${fmt(t.value, fact, c)}`)
        : say(`${label}为${fmt(t.value, fact, c)}`, `${label} is ${fmt(t.value, fact, c)}`);
    }
    case 'missing':
    case 'missing_some': {
      const names = (Array.isArray(t.value) ? t.value : []).map((p) =>
        scope.facts[String(p as string)]
          ? localize((scope.facts[String(p as string)] as FactDef).label, c.locale)
          : String(p as string),
      );
      return holds
        ? say(`缺少${names.join('、')}`, `${names.join(', ')} missing`)
        : say('所需信息均已填写', 'all required facts are present');
    }
    case 'in':
      return inClause(t, holds, scope, c);
    case 'some':
    case 'all':
    case 'none':
      return listClause(t, holds, scope, c);
    default:
      if (['==', '===', '!=', '!=='].includes(t.op)) return equality(t, holds, scope, c);
      if (CMP_WORDS[t.op]) return ordering(t, scope, c);
      return say(
        `${term(t, scope, c)}${holds ? '成立' : '不成立'}`,
        `${term(t, scope, c)} is ${holds ? 'true' : 'false'}`,
      );
  }
}

/** The branch an `if` took and the condition that chose it (or that none held). */
function ifBranch(t: TraceNode, scope: Scope, c: Ctx): { chosen?: TraceNode; why: string } {
  const args = nodeArgs(t);
  const isBranch = (i: number): boolean => i % 2 === 1 || (i === args.length - 1 && args.length % 2 === 1);
  const at = args.findIndex((a, i) => isBranch(i) && !a.skipped);
  const chosen = at >= 0 ? args[at] : undefined;
  const test = at > 0 && at % 2 === 1 ? args[at - 1] : undefined;
  if (test) return { ...(chosen ? { chosen } : {}), why: cond(test, scope, c) };
  const failed = args.filter((a, i) => !isBranch(i) && !a.skipped);
  const none = c.zh ? '以上条件都不满足' : 'none of the conditions holds';
  const detail =
    failed.length > 0 && failed.length <= 3
      ? `${c.zh ? '：' : ': '}${joinAll(
          failed.map((f) => cond(f, scope, c)),
          c,
        )}`
      : '';
  return { ...(chosen ? { chosen } : {}), why: none + detail };
}

function equality(t: TraceNode, holds: boolean, scope: Scope, c: Ctx): string {
  const [a, b] = nodeArgs(t) as [TraceNode, TraceNode];
  const equal = t.op.startsWith('=') ? holds : !holds;
  const [f, lit] =
    lookup(a, scope) && b.op === 'literal'
      ? [a, b]
      : lookup(b, scope) && a.op === 'literal'
        ? [b, a]
        : [undefined, undefined];
  if (f && lit) {
    const fact = lookup(f, scope) as FactDef;
    const label = localize(fact.label, c.locale);
    const want = fmt(lit.value, fact, c);
    if (equal) return c.zh ? `${label}为${want}` : `${label} is ${want}`;
    return c.zh
      ? `${label}为${fmt(f.value, fact, c)}，不是${want}`
      : `${label} is ${fmt(f.value, fact, c)}, not ${want}`;
  }
  const hint = unitOf(a, scope) ?? unitOf(b, scope);
  const [x, y] = [term(a, scope, c, hint), term(b, scope, c, hint, true)];
  return c.zh ? `${x}与${y}${equal ? '相同' : '不同'}` : `${x} ${equal ? 'equals' : 'differs from'} ${y}`;
}

function ordering(t: TraceNode, scope: Scope, c: Ctx): string {
  const args = nodeArgs(t);
  if (args.length === 3) {
    const [lo, mid, hi] = args as [TraceNode, TraceNode, TraceNode];
    const hint = unitOf(mid, scope) ?? unitOf(lo, scope) ?? unitOf(hi, scope);
    const subject = term(mid, scope, c, hint);
    if (isTruthy(t.value)) {
      const strict = t.op === '<' ? (c.zh ? '（不含端点）' : ' strictly') : '';
      const [l, h] = [term(lo, scope, c, hint, true), term(hi, scope, c, hint, true)];
      return c.zh ? `${subject}，在${l}与${h}之间${strict}` : `${subject} is${strict} between ${l} and ${h}`;
    }
    const firstFails = hi.skipped === true || !isTruthy(evaluatePair(t.op, lo.value, mid.value));
    const [op, bound] = firstFails ? [MIRROR[t.op] as string, lo] : [t.op, hi];
    const word = (CMP_WORDS[op] as [LocalizedText, LocalizedText])[1];
    return c.zh
      ? `${subject}，${word.zh}${term(bound, scope, c, hint, true)}`
      : `${subject} ${word.en} ${term(bound, scope, c, hint, true)}`;
  }
  let [a, b] = args as [TraceNode, TraceNode];
  let op = t.op;
  if (a.op === 'literal' && b.op !== 'literal') [a, b, op] = [b, a, MIRROR[op] as string];
  const hint = unitOf(a, scope) ?? unitOf(b, scope);
  const word = (CMP_WORDS[op] as [LocalizedText, LocalizedText])[isTruthy(t.value) ? 0 : 1];
  const [x, y] = [term(a, scope, c, hint), term(b, scope, c, hint, true)];
  return c.zh ? `${x}，${word.zh}${y}` : `${x} ${word.en} ${y}`;
}

const evaluatePair = (op: string, a: unknown, b: unknown): boolean =>
  typeof a === typeof b && a !== null && b !== null
    ? op === '<'
      ? (a as number) < (b as number)
      : (a as number) <= (b as number)
    : false;

function inClause(t: TraceNode, holds: boolean, scope: Scope, c: Ctx): string {
  const [needle, hay] = nodeArgs(t) as [TraceNode, TraceNode];
  const nf = lookup(needle, scope);
  const hf = lookup(hay, scope);
  if (hf && Array.isArray(hay.value)) {
    const label = localize(hf.label, c.locale);
    const item = fmt(needle.value, hf, c);
    return c.zh
      ? `${label}（${fmt(hay.value, hf, c)}）${holds ? '包含' : '不包含'}${item}`
      : `${label} (${fmt(hay.value, hf, c)}) ${holds ? 'contains' : 'does not contain'} ${item}`;
  }
  if (typeof hay.value === 'string') {
    const [x, y] = [term(hay, scope, c), fmt(needle.value, nf, c)];
    return c.zh ? `${x}${holds ? '包含' : '不包含'}“${y}”` : `${x} ${holds ? 'contains' : 'does not contain'} "${y}"`;
  }
  if (nf && Array.isArray(hay.value) && hay.value.length === 1) {
    // A list of one value reads as an equality.
    const [label, want, is] = [localize(nf.label, c.locale), fmt(hay.value[0], nf, c), fmt(needle.value, nf, c)];
    if (holds) return c.zh ? `${label}为${want}` : `${label} is ${want}`;
    return c.zh ? `${label}为${is}，不是${want}` : `${label} is ${is}, not ${want}`;
  }
  const list = fmt(hay.value, nf, c);
  const subject = nf
    ? c.zh
      ? `${localize(nf.label, c.locale)}为${fmt(needle.value, nf, c)}`
      : `${localize(nf.label, c.locale)} is ${fmt(needle.value, nf, c)}`
    : fmt(needle.value, undefined, c);
  return c.zh
    ? `${subject}，${holds ? '属于' : '不属于'}${list}`
    : `${subject}, ${holds ? 'one of' : 'not one of'} ${list}`;
}

function listClause(t: TraceNode, holds: boolean, scope: Scope, c: Ctx): string {
  const [selector] = nodeArgs(t) as [TraceNode];
  const fact = lookup(selector, scope);
  const label = fact ? localize(fact.label, c.locale) : c.zh ? '列表' : 'the list';
  const items = t.items ?? [];
  const count = Array.isArray(selector.value) ? selector.value.length : 0;
  if (count === 0) return c.zh ? `${label}为空` : `${label} is empty`;
  const inner: Scope = { facts: fact?.item ?? {}, ...(fact && fact.type !== 'object[]' ? { element: fact } : {}) };
  const why = (i: number): string => {
    const it = items[i] as TraceNode;
    return c.zh ? `第 ${i + 1} 项${cond(it, inner, c)}` : `item ${i + 1}: ${cond(it, inner, c)}`;
  };
  const decidedByOne = (t.op === 'all') !== holds;
  if (decidedByOne) {
    const verb = t.op === 'all' ? (c.zh ? '不满足' : 'does not match') : c.zh ? '满足' : 'matches';
    return c.zh ? `${label}中${why(items.length - 1)}（${verb}）` : `in ${label}, ${why(items.length - 1)} (${verb})`;
  }
  const shown = items.slice(0, 3).map((_, i) => why(i));
  const more = items.length > 3 ? (c.zh ? '等' : ', …') : '';
  const summary =
    t.op === 'all'
      ? c.zh
        ? `${label}中全部 ${count} 项都满足`
        : `all ${count} items of ${label} match`
      : c.zh
        ? `${label}中 ${count} 项都不满足`
        : `none of the ${count} items of ${label} matches`;
  return c.zh ? `${summary}：${shown.join('；')}${more}` : `${summary}: ${shown.join('; ')}${more}`;
}

/**
 * Explains a rule's result in a sentence a policy officer understands, citing the actual values and thresholds:
 * for a true result the conditions that made it true, for a false one the condition that failed; for `or` the
 * branch that decided, for `if` the branch taken.
 *
 * @example
 * explainRule({
 *   logic: { and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }] },
 *   name: { zh: '已超时', en: 'Overdue' },
 *   data: { case: { elapsedHours: 49, limitHours: 48, resolved: false } },
 *   facts, // labels 处理已用时 / 时限 / 已办结, unit hours
 *   locale: 'zh',
 * }).sentence; // '已超时：处理已用时 49 小时，超过时限 48 小时，且尚未办结'
 */
export function explainRule(input: {
  logic: unknown;
  name?: LocalizedText;
  data: unknown;
  facts: FactDictionary;
  locale: Locale;
  engine?: RuleEngine;
}): {
  result: unknown;
  trace: TraceNode;
  sentence: string;
} {
  const trace = traceRule(input.logic, input.data, input.engine);
  const c: Ctx = { locale: input.locale, zh: input.locale === 'zh' };
  const scope: Scope = { facts: input.facts };
  const name = input.name ? localize(input.name, input.locale) : undefined;
  let sentence: string;
  if (trace.error !== undefined) {
    const body = c.zh ? `无法求值（${trace.error}）` : `could not be evaluated (${trace.error})`;
    sentence = name ? `${name}${c.zh ? '：' : ': '}${body}` : body;
  } else if (typeof trace.value === 'boolean' || trace.value === null || CONDITIONS.has(trace.op)) {
    const body = cond(trace, scope, c);
    const holds = isTruthy(trace.value);
    sentence = !name
      ? body
      : holds
        ? `${name}${c.zh ? '：' : ': '}${body}`
        : c.zh
          ? `“${name}”不成立：${body}`
          : `“${name}” does not apply: ${body}`;
  } else {
    const value = fmt(trace.value, undefined, c);
    const because = trace.op === 'if' || trace.op === '?:' ? ifBranch(trace, scope, c).why : undefined;
    const body = c.zh
      ? `结果为 ${value}${because ? `，因为${because}` : ''}`
      : `${value}${because ? `, because ${because}` : ''}`;
    sentence = name ? `${name}${c.zh ? '：' : ': '}${body}` : body;
  }
  if (c.zh)
    sentence = sentence
      .replace(/([\u4e00-\u9fff])([A-Za-z0-9])/g, '$1 $2')
      .replace(/([A-Za-z0-9%])([\u4e00-\u9fff])/g, '$1 $2');
  return { result: trace.value, trace, sentence };
}

const CONDITIONS = new Set([
  'and',
  'or',
  '!',
  '!!',
  '==',
  '===',
  '!=',
  '!==',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'some',
  'all',
  'none',
]);
