import {
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type AnyStateNode,
  type StateValue,
} from 'xstate';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import type { Policy } from '../policy/types.js';
import { createProcessEnv, type DecisionRecorder } from '../processes/contract/env.js';
import { dueDeadlines } from '../processes/contract/deadlines.js';
import {
  SYSTEM_ACTOR,
  type Actor,
  type Decision,
  type Deadline,
  type Effect,
  type ProcessContextBase,
  type ProcessDefinition,
  type ProcessEnv,
} from '../processes/contract/types.js';

/**
 * A small driver for process machines in tests, simulations and examples. It plays the runtime's part without a
 * store: it builds the machine from a {@link ProcessDefinition} and a policy, computes every step with xstate's
 * PURE `transition` (so only `assign` runs), records the rule decisions each step made and collects the `effect`
 * actions the runtime would carry out. Time is a number the test moves; nothing reads the real clock.
 *
 * Machine input: `start(input)` passes `{ ...input, caseId, at, actor }` to the machine (override with
 * {@link ProcessDriverOptions.buildInput}).
 *
 * @example
 * const d = createProcessDriver(gridEscalationProcess, { now: Date.parse('2026-03-02T09:00:00+08:00') });
 * d.start({ category: 'road_damage', title: '…', description: '…', source: 'patrol', anonymous: false, reporter: {}, units });
 * d.send('case.triage.file', {}, { actor: dispatcher });
 * expect(d.state).toBe('handling.dispatched');
 * expect(d.decisions.map((x) => x.rule)).toContain('routing:r-default');
 */
export interface ProcessDriver<TContext extends ProcessContextBase = ProcessContextBase> {
  readonly definition: ProcessDefinition;
  readonly policy: Policy;
  readonly env: ProcessEnv;
  readonly machine: AnyStateMachine;
  /** The current snapshot (throws before `start`). */
  readonly snapshot: AnyMachineSnapshot;
  readonly value: StateValue;
  /** The current state as dotted leaf paths (`handling.working`); parallel leaves joined with `,`. */
  readonly state: string;
  readonly context: TContext;
  /** True when the machine reached a final state. */
  readonly done: boolean;
  /** Decisions recorded by the last `start`/`send`. */
  readonly decisions: Decision[];
  /** Effects (the `effect` actions' params) returned by the last `start`/`send`. */
  readonly effects: Effect[];
  /** Every decision since `start`. */
  readonly allDecisions: Decision[];
  /** Every effect since `start`. */
  readonly allEffects: Effect[];
  /** The driver's clock: the default `at` of the next event. */
  now: number;
  /** The case id given to the machine input. */
  readonly caseId: string;
  /** Starts a case (the machine's initial transition) with this submit input. */
  start(input: Record<string, unknown>, options?: SendOptions): StepResult;
  /** Sends one event `{ type, at, actor, input }`; moves `now` to `at` when given. */
  send(type: string, input?: Record<string, unknown>, options?: SendOptions): StepResult;
  /** Moves the clock forward by `ms`. */
  advance(ms: number): void;
  /**
   * Sends `deadline.due` for every unfired deadline due at or before `until` (default: `now`), earliest first,
   * each at its own `dueAt`, re-reading the deadlines after each step (a step may add or clear some).
   * Moves `now` to `until`.
   */
  fireDue(until?: number): StepResult[];
  /** Sends `deadline.due` for one deadline by id (at its `dueAt` unless `at` is given). */
  fire(deadlineId: string, options?: SendOptions): StepResult;
  /** The unfired deadline with this id, or of this kind (first match). */
  pending(idOrKind: string): Deadline | undefined;
  /** `snapshot.matches` by dotted path. */
  matches(path: string): boolean;
  /** Replaces the current snapshot with a stored one, as the runtime restores a case. */
  restore(stored: { value: StateValue; context: TContext }): void;
}

/**
 * The outcome of one step.
 *
 * @example
 * const r = d.send('case.verify.pass', {}, { actor: handler });
 * r.changed; // false: refused, the handler may not verify
 * r.decisions; // [{ rule: 'verifierAllowed', inputs: { 'actor.id': 'u-1', 'case.handlerId': 'u-1' }, result: false }]
 */
export interface StepResult {
  /** False when the event was refused: no transition was enabled (e.g. every guard failed), so nothing changed. */
  changed: boolean;
  decisions: Decision[];
  effects: Effect[];
  /** The names of every custom action returned (including `effect`), for assertions. */
  actions: string[];
}

/**
 * Who gives a command and when.
 *
 * @example
 * d.send('case.sign', {}, { actor: gridWorker, at: Date.parse('2026-03-02T09:20:00+08:00') });
 */
export interface SendOptions {
  /** Who gives the command (default: the driver's default actor; `deadline.due` defaults to the system actor). */
  actor?: Actor;
  /** When it happens (default: the driver's `now`). */
  at?: number;
}

/**
 * How to build a driver.
 *
 * @example
 * const policy = createDefaultPolicy();
 * policy.timeLimits.warningAt = 0.5;
 * createProcessDriver(gridEscalationProcess, { policy, now: Date.parse('2026-04-30T10:00:00+08:00'), caseId: 'c-7' });
 */
export interface ProcessDriverOptions {
  /** The policy (default: `createDefaultPolicy()`). */
  policy?: Policy;
  /** Starting time in epoch ms (default 2026-03-02T09:00:00+08:00, a Monday). */
  now?: number;
  /** The default actor of commands. */
  actor?: Actor;
  /** Case id passed in the machine input (default `case-1`). */
  caseId?: string;
  /** Builds the machine input from the submit input (default: `{ ...input, caseId, at, actor }`). */
  buildInput?: (input: Record<string, unknown>, meta: { caseId: string; at: number; actor: Actor }) => unknown;
}

/**
 * The driver's default start: 2026-03-02 09:00 in Beijing, a Monday and a working day.
 *
 * @example
 * createProcessDriver(def, { now: DRIVER_DEFAULT_NOW + 3_600_000 });
 */
export const DRIVER_DEFAULT_NOW = Date.parse('2026-03-02T09:00:00+08:00');

/**
 * The default actor of commands: a street dispatcher.
 *
 * @example
 * createProcessDriver(def, { actor: { ...DRIVER_DEFAULT_ACTOR, units: ['street:s-01'] } });
 */
export const DRIVER_DEFAULT_ACTOR: Actor = { id: 'u-dispatcher', roles: ['street_dispatcher'], units: [] };

const BUILTIN_PREFIX = 'xstate.';

function isEffect(value: unknown): value is Effect {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/**
 * Dotted leaf paths of a state value.
 *
 * @example
 * leafPaths({ handling: 'working' }); // ['handling.working']
 */
export function leafPaths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix + value];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if (child === undefined) continue;
    out.push(...leafPaths(child, prefix + key + '.'));
  }
  return out.length > 0 ? out : [prefix.slice(0, -1)];
}

/**
 * Turns a dotted path into the object form `snapshot.matches` accepts.
 *
 * @example
 * pathToValue('handling.working'); // { handling: 'working' }
 */
export function pathToValue(path: string): StateValue {
  const parts = path.split('.');
  let value: StateValue = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) value = { [parts[i]!]: value };
  return value;
}

/**
 * Creates a driver for one process definition. See {@link ProcessDriver}.
 *
 * @example
 * const d = createProcessDriver(gridEscalationProcess);
 * d.start(sampleInput);
 * const r = d.send('case.sign', {}, { actor: gridWorker });
 * r.changed; // true
 */
export function createProcessDriver<TContext extends ProcessContextBase = ProcessContextBase>(
  definition: ProcessDefinition,
  options: ProcessDriverOptions = {},
): ProcessDriver<TContext> {
  const policy = options.policy ?? createDefaultPolicy();
  const recorder: DecisionRecorder = { decisions: [] };
  const env = createProcessEnv(policy, recorder);
  const machine = definition.createMachine(env);
  const defaultActor = options.actor ?? DRIVER_DEFAULT_ACTOR;
  const caseId = options.caseId ?? 'case-1';
  const buildInput = options.buildInput ?? ((input, meta) => ({ ...input, ...meta }));
  let snapshot: AnyMachineSnapshot | undefined;
  let last: StepResult = { changed: false, decisions: [], effects: [], actions: [] };
  const allDecisions: Decision[] = [];
  const allEffects: Effect[] = [];

  const current = (): AnyMachineSnapshot => {
    if (snapshot === undefined) throw new Error('The driver has not started a case yet: call start(input) first.');
    return snapshot;
  };

  const collect = (
    before: AnyMachineSnapshot | undefined,
    next: AnyMachineSnapshot,
    actions: readonly { type: string; params?: unknown }[],
  ): StepResult => {
    const decisions = recorder.decisions;
    recorder.decisions = [];
    const effects: Effect[] = [];
    const names: string[] = [];
    for (const action of actions) {
      if (action.type.startsWith(BUILTIN_PREFIX)) continue;
      names.push(action.type);
      if (action.type === 'effect' && isEffect(action.params)) effects.push(action.params);
    }
    const changed = before === undefined || next !== before;
    allDecisions.push(...decisions);
    allEffects.push(...effects);
    last = { changed, decisions, effects, actions: names };
    return last;
  };

  const driver: ProcessDriver<TContext> = {
    definition,
    policy,
    env,
    machine,
    caseId,
    now: options.now ?? DRIVER_DEFAULT_NOW,
    get snapshot() {
      return current();
    },
    get value() {
      return current().value as StateValue;
    },
    get state() {
      return leafPaths(current().value as StateValue).join(',');
    },
    get context() {
      return current().context as TContext;
    },
    get done() {
      return current().status === 'done';
    },
    get decisions() {
      return last.decisions;
    },
    get effects() {
      return last.effects;
    },
    get allDecisions() {
      return allDecisions;
    },
    get allEffects() {
      return allEffects;
    },
    start(input, opts = {}) {
      const at = opts.at ?? driver.now;
      driver.now = at;
      recorder.decisions = [];
      const [next, actions] = initialTransition(
        machine,
        buildInput(input, { caseId, at, actor: opts.actor ?? defaultActor }),
      );
      const result = collect(undefined, next, actions);
      snapshot = next;
      return result;
    },
    send(type, input = {}, opts = {}) {
      const before = current();
      const at = opts.at ?? driver.now;
      driver.now = Math.max(driver.now, at);
      const actor = opts.actor ?? (type === 'deadline.due' ? SYSTEM_ACTOR : defaultActor);
      recorder.decisions = [];
      const [next, actions] = transition(machine, before, { type, at, actor, input });
      const result = collect(before, next, actions);
      snapshot = next;
      return result;
    },
    advance(ms) {
      driver.now += ms;
    },
    fireDue(until = driver.now) {
      const results: StepResult[] = [];
      const fired = new Set<string>();
      for (;;) {
        const due = dueDeadlines((current().context as ProcessContextBase).deadlines, until).filter(
          (d) => !fired.has(d.id),
        );
        const first = due[0];
        if (first === undefined) break;
        fired.add(first.id);
        results.push(driver.send('deadline.due', { deadlineId: first.id, kind: first.kind }, { at: first.dueAt }));
      }
      driver.now = Math.max(driver.now, until);
      return results;
    },
    fire(deadlineId, opts = {}) {
      const d = (current().context as ProcessContextBase).deadlines.find((x) => x.id === deadlineId);
      if (d === undefined) throw new Error(`No deadline ${deadlineId}`);
      return driver.send(
        'deadline.due',
        { deadlineId, kind: d.kind },
        { at: opts.at ?? d.dueAt, ...(opts.actor ? { actor: opts.actor } : {}) },
      );
    },
    pending(idOrKind) {
      const list = (current().context as ProcessContextBase).deadlines;
      return (
        list.find((d) => d.firedAt === undefined && d.id === idOrKind) ??
        list.find((d) => d.firedAt === undefined && d.kind === idOrKind)
      );
    },
    matches(path) {
      return current().matches(pathToValue(path));
    },
    restore(stored) {
      snapshot = machine.resolveState({ value: stored.value, context: stored.context });
      last = { changed: false, decisions: [], effects: [], actions: [] };
    },
  };
  return driver;
}

/** Every leaf state path of a machine definition (atomic and final states), for model-based tests. */
export function allLeafPaths(node: AnyStateNode): string[] {
  const children = Object.values(node.states) as AnyStateNode[];
  if (children.length === 0) return [node.path.join('.')];
  return children.flatMap(allLeafPaths);
}

/** The steps of an @xstate/graph path without the `xstate.init` pseudo-event it puts first. */
export function replayable<T extends { event: { type: string } }>(steps: readonly T[]): T[] {
  return steps.filter((s) => s.event.type !== 'xstate.init');
}
