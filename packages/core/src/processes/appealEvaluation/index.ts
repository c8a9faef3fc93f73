/**
 * Process 3 — appeal and evaluation (谁呼谁评、下评上), one folder: the process definition the runtime registers (`process.ts`:
 * submit schema, states, summary) with its commands, each declared once (`commands.ts`) and the schema atoms both use
 * (`schemas.ts`); its types (`types.ts`); which rating counts (`rating.ts`); and its machine (`machine.ts`).
 *
 * @module
 */
export * from './types.js';
export * from './machine.js';
export { appealEvaluationCommandSet } from './commands.js';
export * from './process.js';
export { countedRatingOf, isControllable } from './rating.js';
