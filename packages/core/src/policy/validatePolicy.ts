import { GridflowError } from '../errors.js';
import { Severity, type Problem } from '../problems.js';
import { checkCategories } from './checks/categories.js';
import type { FactDictionary } from '../rules/types.js';
import { createCheckContext, type CheckContext } from './checks/context.js';
import { checkDuplicates } from './checks/duplicates.js';
import { checkCoordination, checkEvaluation } from './checks/evaluationCoordination.js';
import { checkLimits } from './checks/limits.js';
import { checkPermissions } from './checks/permissions.js';
import { checkReferences } from './checks/references.js';
import { checkRoutingTable } from './checks/routing.js';
import { checkRules } from './checks/rules.js';
import type { DecisionTableAnalysis } from './decisionTable/index.js';
import { schemaProblems } from './schemaProblems.js';
import type { Policy } from './types.js';
import { limitFacts } from './facts.js';
import type { ProcessDefinition } from '../processes/contract/types.js';

/**
 * Options of {@link validatePolicy}. A policy for processes composed in code needs `commands` and `customFacts`
 * of those processes; {@link validationOptionsFor} makes both from the process definitions.
 */
export interface ValidatePolicyOptions {
  /** Run the semantic checks after the schema (default true). With false, only the shape is checked. */
  semantic?: boolean;
  /**
   * Commands of processes registered beyond the built-in ones (e.g. `mediation.submit`, `mediation.sign`), so
   * permission rows granting them — by name or by a pattern such as `mediation.*` — are not reported as
   * `permissions.unknown_command`.
   */
  commands?: readonly string[];
  /**
   * Facts the `rules.custom` rules may read, by `var` path (types, labels, values). With it, custom rules are
   * linted like the built-in ones (`rule.unknown_fact`, `rule.type_mismatch`…); without it, for portability only.
   */
  customFacts?: FactDictionary;
}

/**
 * The validation options for a policy that serves these processes: every command they accept (their submit
 * commands included) and, when any declares `facts`, the facts custom rules may read (those facts and the
 * policy's `limits.*`). The server validates every policy it stores and publishes with the options of the
 * processes it runs.
 *
 * @example
 * const withContracts = { ...policy, permissions: [...policy.permissions, { id: 'p-x', role: 'resident', command: 'contract.sign', scope: 'own' }] };
 * validatePolicy(withContracts).problems[0]?.code; // 'permissions.unknown_command'
 * // With the options of the processes the policy serves, their commands are known:
 * validationOptionsFor(builtInProcesses).commands?.includes('matter.resolution.sign'); // true
 */
export function validationOptionsFor(
  processes: readonly Pick<ProcessDefinition, 'submitCommand' | 'commands' | 'facts'>[],
): Pick<ValidatePolicyOptions, 'commands' | 'customFacts'> {
  const commands = new Set<string>();
  let facts: FactDictionary | undefined;
  for (const p of processes) {
    commands.add(p.submitCommand ?? 'case.submit');
    for (const c of p.commands) if (!c.internal) commands.add(c.type);
    if (p.facts) facts = { ...(facts ?? limitFacts()), ...p.facts };
  }
  return { commands: [...commands], ...(facts ? { customFacts: facts } : {}) };
}

export interface PolicyValidationResult {
  /** No problem of severity `error` (warnings allowed). */
  valid: boolean;
  /** Schema problems, or when the schema passes, semantic problems; in a stable order. */
  problems: Problem[];
  /** The document, typed, when valid. */
  policy?: Policy;
}

/** Runs one check; a check that fails is reported rather than thrown, so one bug never hides the others. */
function run(ctx: CheckContext, name: string, check: () => void): void {
  try {
    check();
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    ctx.error('policy.check_failed', '', {
      zh: `检查“${name}”执行失败：${detail}`,
      en: `The ${name} check failed: ${detail}`,
    });
  }
}

/** The semantic checks, in the order their problems are listed. */
function semanticProblems(policy: Policy, options: ValidatePolicyOptions): Problem[] {
  const ctx = createCheckContext(policy, {
    extraCommands: options.commands ?? [],
    ...(options.customFacts ? { customFacts: options.customFacts } : {}),
  });
  let routing: DecisionTableAnalysis | undefined;
  run(ctx, 'duplicates', () => checkDuplicates(ctx));
  run(ctx, 'references', () => checkReferences(ctx));
  run(ctx, 'categories', () => checkCategories(ctx));
  run(ctx, 'routing', () => {
    routing = checkRoutingTable(ctx);
  });
  run(ctx, 'rules', () => checkRules(ctx));
  run(ctx, 'limits', () => {
    if (routing) checkLimits(ctx, routing);
  });
  run(ctx, 'evaluation', () => checkEvaluation(ctx));
  run(ctx, 'coordination', () => checkCoordination(ctx));
  run(ctx, 'permissions', () => checkPermissions(ctx));
  return ctx.problems;
}

/**
 * Validates a policy document: first its shape against the JSON Schema, then — only if the shape is right —
 * its meaning (references, routing table reachability, rule facts and types, time limits and calendar,
 * evaluation, coordination, permissions). Every problem has a stable code, a Chinese and an English message
 * and the JSON Pointer of the exact cell. See `POLICY_PROBLEM_CODES` for the list.
 *
 * @example
 * const result = validatePolicy({ ...policy, version: 0 });
 * result.valid; // false
 * result.problems[0]; // { code: 'schema.minimum', severity: 'error', path: '/version', … }
 */
export function validatePolicy(doc: unknown, options: ValidatePolicyOptions = {}): PolicyValidationResult {
  const shape = schemaProblems(doc);
  if (shape.length > 0) return { valid: false, problems: shape };
  const policy = doc as Policy;
  const problems = options.semantic === false ? [] : semanticProblems(policy, options);
  const valid = !problems.some((p) => p.severity === Severity.ERROR);
  return valid ? { valid, problems, policy } : { valid, problems };
}

/**
 * Returns the document as a {@link Policy} when it is valid (warnings allowed), else throws.
 *
 * @throws GridflowError `policy.invalid` with `details: { problems }` (all problems, errors first).
 * @example
 * assertValidPolicy(JSON.parse(JSON.stringify(policy))).id; // 'default'
 */
export function assertValidPolicy(doc: unknown, options: ValidatePolicyOptions = {}): Policy {
  const result = validatePolicy(doc, options);
  if (result.valid && result.policy) return result.policy;
  const errors = result.problems.filter((p) => p.severity === Severity.ERROR);
  const first = errors[0];
  const firstText = first
    ? { zh: `${first.path || '/'}：${first.message.zh}`, en: `${first.path || '/'}: ${first.message.en}` }
    : { zh: '', en: '' };
  throw new GridflowError(
    'policy.invalid',
    {
      zh: `政策有 ${errors.length} 个错误，第一个是 ${firstText.zh}`,
      en: `The policy has ${errors.length} error(s); the first is ${firstText.en}`,
    },
    {
      ...(first ? { path: first.path } : {}),
      details: { problems: [...errors, ...result.problems.filter((p) => p.severity !== Severity.ERROR)] },
    },
  );
}
