/**
 * Process 2 — three-party property coordination (三方联动, "1+2+N"), one folder: the process definition the runtime
 * registers (`process.ts`: submit schema, commands, parties, states, summary), the JSON Schema of its context
 * (`contextSchema.ts`) and its machine (`machine.ts`).
 *
 * @module
 */
export * from './machine.js';
export * from './contextSchema.js';
export * from './process.js';
