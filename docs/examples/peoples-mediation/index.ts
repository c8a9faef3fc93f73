/**
 * People's mediation (人民调解) built from Gridflow's parts: an XState machine, policy rules, and registration
 * with the runtime. Read docs/composing-processes.md for the walk-through.
 *
 * 摸排 investigate → 调解 mediate (sessions) → 达成协议 agreement signed by both parties, or 调解不成 failed →
 * 结案 closed → 回访 revisit → done.
 *
 * One folder, the shape of a built-in process (`packages/core/src/processes/<id>/`): `commands.ts` (each command
 * declared once), `types.ts` (context, events, input), `machine.ts` (the XState machine), `process.ts` (the
 * definition the runtime registers).
 */
export * from './commands.js';
export * from './types.js';
export * from './machine.js';
export * from './process.js';
