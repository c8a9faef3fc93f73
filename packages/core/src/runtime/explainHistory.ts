import { localize, type Locale, type LocalizedText } from '../i18n.js';
import {
  COORDINATION_RULE_PREFIX,
  coordinationFacts,
  DEFAULT_COORDINATION_RULES,
} from '../policy/defaults/coordinationRules.js';
import { standingDefaultRule } from '../policy/defaults/ratingRules.js';
import { caseFacts, routingFacts } from '../policy/facts.js';
import type { CoordinationRuleKey } from '../policy/types.js';
import type { Policy, RuleDef } from '../policy/types.js';
import { explainRule } from '../rules/explain.js';
import type { FactDictionary } from '../rules/types.js';
import type { Decision } from '../processes/contract/types.js';
import type { HistoryEntry } from './types.js';

/** A decision with the sentence that explains it, in the reader's language. */
export interface ExplainedDecision extends Decision {
  explanation: string;
}

/** A history entry as a reader sees it: every decision explained. */
export interface ExplainedHistoryEntry extends Omit<HistoryEntry, 'decisions'> {
  decisions: ExplainedDecision[];
}

/** Turns the flat `var` paths a rule read back into the nested data it was evaluated on. */
export function nestFacts(inputs: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(inputs)) {
    const keys = path.split('.');
    let node = root;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) node[key] = value;
      else node = (node[key] ??= {}) as Record<string, unknown>;
    });
  }
  return root;
}

const routingName: LocalizedText = { zh: '路由', en: 'Routing' };

/**
 * Finds the rule a decision names in the policy the case was pinned to. A custom rule is explained with the facts
 * its process declares (and the case facts and limits beside them).
 */
function ruleOf(
  policy: Policy,
  key: string,
  processFacts: FactDictionary | undefined,
): { logic: unknown; name: LocalizedText; facts: FactDictionary } | null {
  if (key.startsWith('routing:')) {
    const row = policy.routing.rows.find((r) => r.id === key.slice('routing:'.length));
    return row ? { logic: row.when, name: row.note ?? routingName, facts: routingFacts(policy) } : null;
  }
  if (key.startsWith(COORDINATION_RULE_PREFIX)) {
    const name = key.slice(COORDINATION_RULE_PREFIX.length) as CoordinationRuleKey;
    const def = policy.coordination.rules?.[name] ?? DEFAULT_COORDINATION_RULES[name];
    return def ? { logic: def.logic, name: def.name, facts: coordinationFacts() } : null;
  }
  const rules = policy.rules as unknown as Record<string, RuleDef | undefined> & { custom?: Record<string, RuleDef> };
  const builtIn = key !== 'custom' ? (rules[key] ?? standingDefaultRule(key)) : undefined;
  const def = builtIn ?? rules.custom?.[key];
  if (!def || typeof def !== 'object' || !('logic' in def)) return null;
  const facts = builtIn || !processFacts ? caseFacts(policy) : { ...caseFacts(policy), ...processFacts };
  return { logic: def.logic, name: def.name, facts };
}

/**
 * Explains one rule decision in the reader's language, citing the values the rule read; the rule key when the
 * policy has no such rule.
 *
 * @example
 * explainDecision({ rule: 'verifierAllowed', inputs: { 'actor.id': 'u-1', 'case.handlerId': 'u-1' }, result: false }, policy, 'en');
 */
export function explainDecision(d: Decision, policy: Policy, locale: Locale, processFacts?: FactDictionary): string {
  const rule = ruleOf(policy, d.rule, processFacts);
  if (!rule) return d.rule;
  try {
    const { sentence } = explainRule({
      logic: rule.logic,
      name: rule.name,
      data: nestFacts(d.inputs),
      facts: rule.facts,
      locale,
    });
    if (d.rule.startsWith('routing:') && d.result && typeof d.result === 'object') {
      const target = d.result as { level?: string; department?: string };
      const level = policy.organisation.levels.find((l) => l.code === target.level);
      const dept = policy.organisation.departments.find((x) => x.code === target.department);
      const where = [
        level ? localize(level.name, locale) : target.level,
        dept ? localize(dept.name, locale) : undefined,
      ]
        .filter(Boolean)
        .join(locale === 'zh' ? '·' : ' / ');
      return locale === 'zh' ? `${sentence}，派往${where}` : `${sentence}; sent to ${where}`;
    }
    return sentence;
  } catch {
    return localize(rule.name, locale);
  }
}

/**
 * Explains each decision of a history entry in the reader's language, citing the values the rule read.
 * Explanations are made when history is read, so a reader gets their own language and the wording can improve
 * without rewriting history. `processFacts` are the facts the case's process declares (`ProcessDefinition.facts`):
 * custom rules are explained with their names.
 *
 * @example
 * // `signed`: a noise report filed at 09:00 on Monday 2 March 2026 and signed by the grid 30 minutes later
 * const filing = signed.history.find((e) => e.command === 'case.triage.file')!;
 * explainEntry(filing, policy, 'zh').decisions[0]?.explanation; // '其余事项先由网格处置：默认成立，派往网格'
 */
export function explainEntry(
  entry: HistoryEntry,
  policy: Policy,
  locale: Locale,
  processFacts?: FactDictionary,
): ExplainedHistoryEntry {
  return {
    ...entry,
    decisions: entry.decisions.map((d) => ({ ...d, explanation: explainDecision(d, policy, locale, processFacts) })),
  };
}
