import { createBusinessCalendar } from '../../calendar/index.js';
import { createRuleEngine, type RuleEngine } from '../../rules/engine.js';
import { RULE_KEYS, type Policy } from '../../policy/types.js';
import { GridflowError } from '../../errors.js';
import { COORDINATION_RULE_PREFIX, DEFAULT_COORDINATION_RULES } from '../../policy/defaults/coordinationRules.js';
import { standingDefaultRule } from '../../policy/defaults/ratingRules.js';
import type { Decision, ProcessEnv, RuleValue, RuleValueOf } from './types.js';

/** Collects the decisions rules make during one transition. */
export interface DecisionRecorder {
  decisions: Decision[];
  /**
   * The last error a rule raised (unknown rule, wrong result type). xstate wraps errors of guards in its own,
   * losing the code; the runtime rethrows this one instead.
   */
  failure?: GridflowError;
}

/** The facts a rule read: every `var` path in it, with its value in the facts. */
export function readFacts(logic: unknown, facts: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [op, args] of Object.entries(node as Record<string, unknown>)) {
      if (op === 'var') {
        const path: unknown = Array.isArray(args) ? (args as unknown[])[0] : args;
        if (typeof path === 'string' && path !== '') out[path] = getPath(facts, path);
      } else {
        walk(args);
      }
    }
  };
  walk(logic);
  return out;
}

function getPath(data: unknown, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur === undefined ? null : cur;
}

/** Where a rule key lives in the policy, as a JSON Pointer. */
function rulePath(policy: Policy, key: string): string {
  if (key.startsWith(COORDINATION_RULE_PREFIX))
    return `/coordination/rules/${key.slice(COORDINATION_RULE_PREFIX.length)}`;
  return `/rules/${key in (policy.rules.custom ?? {}) && !(key in policy.rules) ? `custom/${key}` : key}`;
}

/**
 * Builds the environment a process machine runs in for one policy: its business calendar, its named rules
 * and its routing table, with every rule evaluation recorded into `recorder` (the runtime swaps the array
 * per transition).
 *
 * @example
 * const recorder = { decisions: [] };
 * const env = createProcessEnv(createDefaultPolicy(), recorder);
 * env.rule('escalate', { case: { elapsedHours: 49, limitHours: 48, resolved: false } }); // true
 */
export function createProcessEnv(
  policy: Policy,
  recorder: DecisionRecorder,
  engine: RuleEngine = createRuleEngine(),
): ProcessEnv {
  const calendar = createBusinessCalendar(policy.calendar);
  // Built-in rules by key, then the rules a developer's own processes added under `rules.custom`; a built-in rule
  // that always applies (`raterAllowed`) is its default where the policy has none. The three-party meeting's checks
  // live with the coordination settings, as `coordination.<name>` (the defaults where the policy has none).
  const coordinationRules = Object.fromEntries(
    Object.entries({ ...DEFAULT_COORDINATION_RULES, ...(policy.coordination.rules ?? {}) }).map(([k, def]) => [
      `${COORDINATION_RULE_PREFIX}${k}`,
      def,
    ]),
  );
  const rules: Record<string, { logic?: unknown } | undefined> = {
    ...coordinationRules,
    ...((policy.rules as { custom?: Record<string, { logic?: unknown }> }).custom ?? {}),
    ...(policy.rules as unknown as Record<string, { logic?: unknown } | undefined>),
  };
  for (const key of RULE_KEYS) rules[key] ??= standingDefaultRule(key);
  const limits = policy.rules.limits;
  const compiled = new Map<string, (data: unknown) => unknown>();
  const compiledRule = (key: string): ((data: unknown) => unknown) => {
    let fn = compiled.get(key);
    if (!fn) {
      const def = rules[key];
      if (!def || def.logic === undefined) {
        throw (recorder.failure = new GridflowError(
          'rule.unknown',
          { zh: `政策中没有规则 ${key}`, en: `The policy has no rule ${key}` },
          { path: rulePath(policy, key) },
        ));
      }
      fn = engine.compile(def.logic);
      compiled.set(key, fn);
    }
    return fn;
  };
  const routes = policy.routing.rows.map((row) => ({ row, fn: engine.compile(row.when) }));
  function rule(key: string, facts: Record<string, unknown>): RuleValue;
  function rule<K extends keyof RuleValueOf>(key: string, facts: Record<string, unknown>, expect: K): RuleValueOf[K];
  function rule(key: string, facts: Record<string, unknown>, expect?: keyof RuleValueOf): RuleValue {
    const data = { ...facts, limits };
    const result = compiledRule(key)(data) as RuleValue;
    recorder.decisions.push({ rule: key, inputs: readFacts(rules[key]!.logic, data), result });
    if (expect !== undefined && typeof result !== expect) {
      const got = result === null ? 'null' : Array.isArray(result) ? 'array' : typeof result;
      throw (recorder.failure = new GridflowError(
        'rule.wrong_type',
        {
          zh: `规则 ${key} 的结果应为 ${expect}，实际为 ${got}`,
          en: `The rule ${key} should give a ${expect}, but gave a ${got}`,
        },
        { path: rulePath(policy, key) },
      ));
    }
    return result;
  }
  return {
    policy,
    calendar,
    rule,
    route(facts) {
      for (const { row, fn } of routes) {
        const hit = fn(facts);
        if (hit) {
          recorder.decisions.push({ rule: `routing:${row.id}`, inputs: readFacts(row.when, facts), result: row.then });
          return {
            level: row.then.level,
            ...(row.then.department ? { department: row.then.department } : {}),
            rowId: row.id,
          };
        }
      }
      throw new GridflowError(
        'routing.no_match',
        { zh: '路由表没有匹配的行', en: 'No routing row matched' },
        { path: '/routing/rows' },
      );
    },
  };
}
