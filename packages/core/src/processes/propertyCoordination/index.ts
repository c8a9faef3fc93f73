/**
 * Process 2 — three-party property coordination (三方联动, "1+2+N"), one folder: the process definition the runtime
 * registers (`process.ts`: submit schema, parties, states, summary) with its commands, each declared once
 * (`commands.ts`), the schema atoms both use (`schemas.ts`) and the JSON Schema of its context (`contextSchema.ts`);
 * its types (`types.ts`); its machine (`machine.ts`, with its named `guards.ts` and `actions.ts` and the policy checks
 * both share, `checks.ts`); how the owners' vote counts (`ownersVote.ts`, Civil Code art. 278); the meeting's decision
 * rules (`decisionRules.ts`); its deadlines (`deadlines.ts`); queries over a matter (`matter.ts`); and the street case
 * an escalation opens (`streetEscalation.ts`).
 *
 * @module
 */
export * from './types.js';
export * from './machine.js';
export * from './contextSchema.js';
export { propertyCoordinationCommandSet } from './commands.js';
export * from './process.js';
export * from './ownersVote.js';
export * from './decisionRules.js';
export { CoordinationDeadlineKind } from './deadlines.js';
export { WORK_ORDER_ITEM_ID, itemToComplete, openActionItems } from './matter.js';
export { DEFAULT_STREET_CATEGORY } from './streetEscalation.js';
