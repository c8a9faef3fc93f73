/**
 * The contract between a process and the runtime that runs it.
 *
 * A process (one folder beside this one: `gridEscalation/`, `propertyCoordination/`, `appealEvaluation/`, or one a
 * developer writes) gives the runtime a {@link ProcessDefinition}: a machine factory per policy, its commands with
 * their JSON Schemas, its states, parties and deadline kinds. In return the runtime builds a {@link ProcessEnv}
 * (policy, business calendar, recorded rules and routing), stamps every event as a {@link CaseEvent}
 * (`at`, `actor`, `input`), keeps deadlines as data ({@link Deadline}, helpers in `deadlines.ts`) and carries out
 * the {@link Effect}s a machine asks for. Nothing here knows any one process; processes import from here and
 * never from `../../runtime`.
 *
 * - `types.ts` — the shapes both sides agree on (definition, env, events, deadlines, effects, summaries).
 * - `env.ts` — {@link createProcessEnv}: the environment a machine runs in for one policy.
 * - `step.ts` — pure transitions without executing effects ({@link createPureStepper}).
 * - `deadlines.ts` — pure helpers over a context's deadline list.
 * - `fieldLabels.ts` — shared labels of common input fields for forms.
 * - `commands.ts` — {@link defineCommands}: a command declared once (list, input types, machine events).
 * - `assertEvent.ts` — the one way machines narrow events (and why).
 *
 * @module
 */
export * from './types.js';
export * from './env.js';
export * from './step.js';
export * from './deadlines.js';
export * from './fieldLabels.js';
export * from './assertEvent.js';
export * from './commands.js';
