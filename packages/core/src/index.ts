/**
 * Gridflow core: the policy model, JsonLogic rules, the business calendar, the governance machines and the
 * runtime. Isomorphic: no DOM and no Node-only APIs.
 *
 * @packageDocumentation
 */
export * from './i18n.js';
export * from './clock.js';
export * from './problems.js';
export * from './errors.js';
export * from './policy/index.js';
export * from './calendar/index.js';
export * from './rules/index.js';
export {
  SYSTEM_ACTOR,
  type Actor,
  type CaseEvent,
  type CaseSummary,
  type CommandDef,
  type Deadline,
  type DeadlineDueEvent,
  type Decision,
  type Effect,
  type MachineInput,
  type PartyDef,
  type ProcessContextBase,
  type ProcessDefinition,
  type ProcessEnv,
  type RulesRead,
  type RuleValue,
  type RuleValueOf,
} from './processes/contract/types.js';
export { FIELD_LABELS } from './processes/contract/fieldLabels.js';
export * from './processes/contract/deadlines.js';
export { createProcessEnv, readFacts, type DecisionRecorder } from './processes/contract/env.js';
export {
  defineCommands,
  type CommandEvents,
  type CommandInputs,
  type CommandSet,
  type CommandSpec,
  type DefineCommandsOptions,
  type FromSchema,
  type SchemaNode,
} from './processes/contract/commands.js';
export * from './processes/index.js';
export * from './runtime/index.js';
