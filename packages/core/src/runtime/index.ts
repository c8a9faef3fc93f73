export {
  createRuntime,
  stateKey,
  type Runtime,
  type TickOptions,
  type TickResult,
  type RuntimeOptions,
  type CallOptions,
  type SubmitRequest,
  type SendOptions,
  type AvailableCommand,
  type ProcessDescription,
} from './createRuntime.js';
export {
  describeProcess,
  type CommandDescription,
  type CommandRole,
  type RuleUse,
  type StateDescription,
  type TransitionDescription,
} from './describeProcess.js';
export { createMemoryStore, encodeCursor, decodeCursor, matchesQuery } from './memoryStore.js';
export { createPolicyRegistry, type PolicyRegistry } from './policyRegistry.js';
export {
  allowedBy,
  atLevel,
  canRead,
  commandsOverlap,
  inScope,
  partiesOf,
  partyRefused,
  readCommandsOf,
} from './permissions.js';
export { validateJson } from './validateJson.js';
export { checkBounds, type CheckBoundsOptions } from './checkBounds.js';
export type {
  CaseRecord,
  CaseStore,
  CaseQuery,
  CasePage,
  HistoryEntry,
  StoreTransaction,
  StoredSnapshot,
} from './types.js';
export {
  computeIndicators,
  rankUnits,
  indicatorEvents,
  countIndicatorEvents,
  indicatorReport,
  emptyIndicatorCounts,
  INDICATOR_KINDS,
  type IndicatorEvent,
  type IndicatorKind,
  type IndicatorCounts,
  type IndicatorReport,
  type IndicatorValue,
  type IndicatorInput,
} from './indicators.js';
export { suggestDuplicates, distanceMeters, type DuplicateCriteria, type DuplicateSuggestion } from './duplicates.js';
export { explainEntry, nestFacts, type ExplainedDecision, type ExplainedHistoryEntry } from './explainHistory.js';
