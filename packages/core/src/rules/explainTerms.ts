import { localize, type Locale, type LocalizedText } from '../i18n.js';
import type { TraceNode } from './traceRule.js';
import type { FactDef, FactDictionary } from './types.js';

/**
 * The words of rule explanations: which fact a traced node reads (its label, unit and named values), a value in
 * words, and a noun phrase for what a node computes ("处理已用时 49 小时" / "the time limit of 48 hours").
 */

export interface Scope {
  facts: FactDictionary;
  /** The fact an item of the list being iterated has (`{"var": ""}`), e.g. a `string[]` fact's values. */
  element?: FactDef;
  reduce?: { list: FactDef | undefined };
}
export interface Ctx {
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
export const CMP_WORDS: Record<string, [LocalizedText, LocalizedText]> = {
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
export const MIRROR: Record<string, string> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };
const ARITH: Record<string, LocalizedText> = {
  '+': { zh: '加', en: 'plus' },
  '-': { zh: '减去', en: 'minus' },
  '*': { zh: '乘以', en: 'times' },
  '/': { zh: '除以', en: 'divided by' },
  '%': { zh: '除以后的余数', en: 'modulo' },
};

export const nodeArgs = (t: TraceNode): TraceNode[] =>
  Array.isArray(t.args) && t.op !== 'literal' && t.op !== 'var' ? (t.args as TraceNode[]) : [];

/** The path a `var` node reads (`''` for the whole scope). */
export function varPath(t: TraceNode): string {
  const raw: unknown = Array.isArray(t.args) ? (t.args as unknown[])[0] : t.args;
  return typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
}

export function lookup(t: TraceNode, scope: Scope): FactDef | undefined {
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
export function unitOf(t: TraceNode, scope: Scope): FactDef | undefined {
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
export function fmt(value: unknown, fact: FactDef | undefined, c: Ctx): string {
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

export function joinAll(parts: string[], c: Ctx): string {
  if (parts.length <= 1) return parts[0] ?? '';
  const last = parts[parts.length - 1] as string;
  return c.zh ? `${parts.slice(0, -1).join('，')}，且${last}` : `${parts.slice(0, -1).join(', ')}, and ${last}`;
}

/** A noun phrase for what a node computes, with its value: "处理已用时 49 小时" / "the time limit of 48 hours". */
export function term(t: TraceNode, scope: Scope, c: Ctx, hint?: FactDef, object = false): string {
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
