import type { LocalizedText } from '../../i18n.js';
import { toPointer } from '../../problems.js';
import { lintRule } from '../../rules/portability.js';
import type { FactDictionary } from '../../rules/types.js';
import { operation, varPath } from '../decisionTable/index.js';
import { coordinationFacts } from '../defaults/coordinationRules.js';
import { indicatorFacts, routingFacts, ruleFactsFor } from '../facts.js';
import { RULE_KEYS } from '../types.js';
import { quoteList, type CheckContext } from './context.js';

/**
 * Every JsonLogic of the policy — routing conditions, named rules, indicator formulas — is linted by the rule
 * linter against the facts it may read (unknown facts, wrong types, non-portable operators). On top, literals
 * compared with an enumerated fact must be among its values, reported with the reference code of what the
 * fact names (`reference.unknown_category` for `case.category`…); the linter's own report of the same cell
 * (`rule.type_mismatch`) is then left out, so each mistake is reported once.
 */

/** The reference code for a literal that an enumerated fact does not know. */
const CODE_BY_FACT: Readonly<Record<string, string>> = {
  'case.category': 'reference.unknown_category',
  'case.urgency': 'reference.unknown_urgency',
  'case.level': 'reference.unknown_level',
  'actor.roles': 'reference.unknown_role',
  'evaluation.rating': 'reference.unknown_rating',
};

const EQUALITY = new Set(['==', '===', '!=', '!==']);

/** Finds literals compared with enumerated facts that the fact does not allow; returns the paths reported. */
function checkLiterals(
  ctx: CheckContext,
  logic: unknown,
  facts: FactDictionary,
  base: (string | number)[],
): Set<string> {
  const reported = new Set<string>();
  const report = (fact: string, literal: unknown, at: (string | number)[]): void => {
    const def = facts[fact];
    if (!def?.values || typeof literal !== 'string' || def.values.some((v) => v.value === literal)) return;
    const label: LocalizedText = def.label;
    const known = quoteList(def.values.map((v) => v.value));
    reported.add(toPointer([...base, ...at]));
    ctx.error(CODE_BY_FACT[fact] ?? 'reference.unknown_value', [...base, ...at], {
      zh: `规则把${label.zh}与“${literal}”比较，但它不是${label.zh}的可选值（${known.zh}）`,
      en: `The rule compares ${label.en} with "${literal}", which is not one of its values (${known.en})`,
    });
  };
  const walk = (node: unknown, at: (string | number)[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, [...at, i]));
      return;
    }
    const op = operation(node);
    if (!op || op.op === 'var') return;
    const argsAt = (i: number): (string | number)[] =>
      Array.isArray((node as Record<string, unknown>)[op.op]) ? [...at, op.op, i] : [...at, op.op];
    const [a, b] = op.args;
    if (EQUALITY.has(op.op) && op.args.length === 2) {
      const pa = varPath(a);
      const pb = varPath(b);
      if (pa !== undefined) report(pa, b, argsAt(1));
      if (pb !== undefined) report(pb, a, argsAt(0));
    } else if (op.op === 'in' && op.args.length === 2) {
      const pa = varPath(a);
      const pb = varPath(b);
      if (pa !== undefined && Array.isArray(b)) b.forEach((item, j) => report(pa, item, [...argsAt(1), j]));
      if (pb !== undefined && facts[pb]?.type === 'string[]') report(pb, a, argsAt(0));
    }
    op.args.forEach((arg, i) => walk(arg, argsAt(i)));
  };
  walk(logic, []);
  return reported;
}

function lint(ctx: CheckContext, logic: unknown, facts: FactDictionary, at: (string | number)[]): void {
  const reported = checkLiterals(ctx, logic, facts, at);
  for (const problem of lintRule(logic, facts, toPointer(at))) {
    if (problem.code === 'rule.type_mismatch' && reported.has(problem.path)) continue;
    ctx.problems.push(problem);
  }
}

/** Lints every rule of the policy against its facts. */
export function checkRules(ctx: CheckContext): void {
  const p = ctx.policy;
  const routing = routingFacts(p);
  p.routing.rows.forEach((row, i) => lint(ctx, row.when, routing, ['routing', 'rows', i, 'when']));
  for (const key of RULE_KEYS) {
    const rule = p.rules[key];
    if (rule !== undefined) lint(ctx, rule.logic, ruleFactsFor(key, p), ['rules', key, 'logic']);
  }
  const coordination = coordinationFacts();
  for (const [key, rule] of Object.entries(p.coordination.rules ?? {}))
    if (rule !== undefined) lint(ctx, rule.logic, coordination, ['coordination', 'rules', key, 'logic']);
  for (const [key, rule] of Object.entries(p.rules.custom ?? {})) {
    const at = ['rules', 'custom', key, 'logic'];
    if (ctx.customFacts) lint(ctx, rule.logic, ctx.customFacts, at);
    // Without a fact dictionary, check what can be checked: portability and shape, not fact names.
    else
      for (const problem of lintRule(rule.logic, {}, toPointer(at)))
        if (problem.code !== 'rule.unknown_fact') ctx.problems.push(problem);
  }
  const indicators = indicatorFacts();
  p.evaluation.indicators.forEach((indicator, i) =>
    lint(ctx, indicator.formula, indicators, ['evaluation', 'indicators', i, 'formula']),
  );
}
