/**
 * The policy model: one versioned JSON document holding every decision a district may change without code,
 * its JSON Schema, validation (shape and meaning), the default policy, the facts its rules read, the known
 * commands, the routing decision-table analysis and a semantic diff between versions.
 *
 * @module
 */
export * from './types.js';
export {
  policySchema,
  policyDefs,
  policyPartSchema,
  PolicyPattern,
  localizedTextSchema,
  durationSchema,
  organisationSchema,
  attributeSchema,
  categorySchema,
  routingRowSchema,
  routingTableSchema,
  timeLimitCellSchema,
  filingLimitSchema,
  timeLimitsSchema,
  calendarSchema,
  ruleSchema,
  ruleSetSchema,
  coordinationSchema,
  indicatorSchema,
  evaluationSchema,
  permissionRowSchema,
  privacySchema,
  type PolicyJsonSchema,
  type PolicyDefName,
} from './schema.js';
export {
  validatePolicy,
  validationOptionsFor,
  assertValidPolicy,
  type ValidatePolicyOptions,
  type PolicyValidationResult,
} from './validatePolicy.js';
export { POLICY_PROBLEM_CODES, type PolicyProblemCodeDef } from './problemCodes.js';
export { createDefaultPolicy, defaultPolicy } from './defaultPolicy.js';
export {
  COORDINATION_RULE_KEYS,
  COORDINATION_RULE_PREFIX,
  DEFAULT_COORDINATION_RULES,
  coordinationFacts,
} from './defaults/coordinationRules.js';
export { DEFAULT_RATER_ALLOWED } from './defaults/ratingRules.js';
export { diffPolicies, type PolicyChange, type PolicyChangeKind } from './diffPolicies.js';
export {
  caseFacts,
  routingFacts,
  ruleFactsFor,
  indicatorFacts,
  actorFacts,
  limitFacts,
  evaluationFacts,
  filingFacts,
  raterFacts,
  isOptionalFact,
  CASE_SOURCE_NAMES,
} from './facts.js';
export {
  COMMANDS,
  COMMAND_DEFS,
  CommandProcess,
  commandMatches,
  commandDef,
  expandCommandPattern,
  isKnownCommand,
  type KnownCommand,
} from './commands.js';
export {
  analyseDecisionTable,
  type AnalyseOptions,
  type DecisionRow,
  type DecisionTableAnalysis,
  type RowFinding,
  type RowPrecision,
} from './decisionTable/index.js';
