import { localize, type LocalizedText } from '../i18n.js';
import { isTruthy } from './engine.js';
import {
  CMP_WORDS,
  MIRROR,
  fmt,
  joinAll,
  lookup,
  nodeArgs,
  term,
  unitOf,
  varPath,
  type Ctx,
  type Scope,
} from './explainTerms.js';
import type { TraceNode } from './traceRule.js';
import type { FactDef } from './types.js';

/**
 * Why a traced condition has the truth value it has, in words that cite the values: `and`/`or`/`!`, `if`
 * branches, equality, ordering (with between forms), `in`, and the list operators (`some`/`all`/`none`).
 */

/** Why a node has the truth value it has, in words that cite the values. */
export function cond(t: TraceNode, scope: Scope, c: Ctx): string {
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
export function ifBranch(t: TraceNode, scope: Scope, c: Ctx): { chosen?: TraceNode; why: string } {
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
    // A fact looked for in a list fact is named with its value: 「操作人所属单位（…）包含被评价单位 street:s-01」.
    const value = fmt(needle.value, hf, c);
    const item = nf ? `${localize(nf.label, c.locale)} ${value}` : value;
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
