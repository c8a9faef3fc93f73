import { localize, type Locale, type LocalizedText } from '../i18n.js';
import { isTruthy, type RuleEngine } from './engine.js';
import { cond, ifBranch } from './explainConditions.js';
import { fmt, type Ctx, type Scope } from './explainTerms.js';
import { traceRule, type TraceNode } from './traceRule.js';
import type { FactDictionary } from './types.js';
import { COMPARISONS } from './operatorGroups.js';

export { traceRule, type TraceLiteral, type TraceNode } from './traceRule.js';

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
 *   facts: ruleFactsFor('escalate', policy), // labels 处理已用时 / 时限 / 已办结, unit hours
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

const CONDITIONS = new Set<string>(['and', 'or', '!', '!!', ...COMPARISONS, 'in', 'some', 'all', 'none']);
