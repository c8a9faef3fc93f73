/**
 * Gridflow core: the policy model, JsonLogic rules, the business calendar, the governance machines and the
 * runtime. Isomorphic: no DOM and no Node-only APIs.
 *
 * The root holds what a first program needs: run the built-in processes (or one composed in code) on a policy,
 * in a store, on a clock. Everything else has its entry point, one per folder:
 * `@gridflow/core/processes` (the built-in processes, their machines and types, the process contract),
 * `@gridflow/core/runtime` (stores, permissions, indicators, explanations), `@gridflow/core/policy`,
 * `@gridflow/core/rules`, `@gridflow/core/calendar` and `@gridflow/core/testing`.
 *
 * @packageDocumentation
 */
export * from './i18n.js';
export * from './clock.js';
export * from './problems.js';
export * from './errors.js';
export {
  createDefaultPolicy,
  validatePolicy,
  assertValidPolicy,
  type Policy,
  type PolicyValidationResult,
  type ValidatePolicyOptions,
} from './policy/index.js';
export {
  builtInProcesses,
  gridEscalationProcess,
  propertyCoordinationProcess,
  appealEvaluationProcess,
  defineCommands,
  createProcessEnv,
  assertEvent,
  SYSTEM_ACTOR,
  type Actor,
  type CaseEvent,
  type CaseSummary,
  type CommandDef,
  type CommandEvents,
  type CommandInputs,
  type CommandSpec,
  type Deadline,
  type Decision,
  type Effect,
  type JsonSchema,
  type MachineInput,
  type PartyDef,
  type ProcessContextBase,
  type ProcessDefinition,
  type ProcessEnv,
} from './processes/index.js';
export {
  createRuntime,
  createMemoryStore,
  createPolicyRegistry,
  type AvailableCommand,
  type CallOptions,
  type CaseRecord,
  type CaseStore,
  type HistoryEntry,
  type PolicyRegistry,
  type Runtime,
  type RuntimeOptions,
  type SendOptions,
  type StoreTransaction,
  type SubmitRequest,
} from './runtime/index.js';
