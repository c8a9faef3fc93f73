/**
 * Process 1 — grid escalation (小事不出网格，难事不出社区，大事不出街道), one folder: the process definition the
 * runtime registers (`process.ts`: submit schema, commands, states, summary), its machine (`machine.ts`) and the
 * rule facts and time limits it reads (`facts.ts`). Copy this folder's shape to compose a new process.
 *
 * @module
 */
export * from './machine.js';
export * from './facts.js';
export * from './process.js';
