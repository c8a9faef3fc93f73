/**
 * Process 3 — appeal and evaluation (谁呼谁评、下评上), one folder: the process definition the runtime registers
 * (`process.ts`: submit schema, commands, states, summary) and its machine (`machine.ts`).
 *
 * @module
 */
export * from './machine.js';
export * from './process.js';
