/**
 * Process 1 — grid escalation (小事不出网格，难事不出社区，大事不出街道), one folder: the process definition the runtime registers
 * (`process.ts`: states, summary) with its submission (`submission.ts`) and its commands, each declared once
 * (`commands.ts`); its machine (`machine.ts`, with its named `guards.ts` and `actions.ts`); its types (`types.ts`); the
 * rule facts and time limits it reads (`facts.ts`); its deadlines (`deadlines.ts`); who holds a case (`handling.ts`);
 * and the evaluations a closed case opens (`evaluations.ts`). Copy this folder's shape to compose a new process.
 *
 * @module
 */
export * from './types.js';
export * from './facts.js';
export * from './machine.js';
export * from './submission.js';
export { gridEscalationCommandSet } from './commands.js';
export * from './process.js';
export { breachCheckAt, recomputeDeadlines } from './deadlines.js';
export { activeSummoned } from './handling.js';
export { answeringUnit, evaluationEffects } from './evaluations.js';
