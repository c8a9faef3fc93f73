import { getNextTransitions, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { createPureStepper, type PureStepper } from '../processes/contract/step.js';
import type { Clock } from '../clock.js';
import type { Policy } from '../policy/types.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import { createRuleEngine, type RuleEngine } from '../rules/engine.js';
import { createProcessEnv, type DecisionRecorder } from '../processes/contract/env.js';
import { dueDeadlines, markFired, nextDueAt } from '../processes/contract/deadlines.js';
import {
  SYSTEM_ACTOR,
  type Actor,
  type CommandDef,
  type Decision,
  type Effect,
  type ProcessDefinition,
  type ProcessEnv,
} from '../processes/contract/types.js';
import { allowedBy, canRead, partiesOf, partyRefused, readCommandsOf } from './permissions.js';
import { offeredParties } from './offeredParties.js';
import type { PolicyRegistry } from './policyRegistry.js';
import type {
  CasePage,
  CaseQuery,
  CaseRecord,
  CaseStore,
  HistoryEntry,
  StoreTransaction,
  StoredSnapshot,
} from './types.js';
import { validateJson } from './validateJson.js';
import { errors } from './runtimeErrors.js';
import { GridflowError } from '../errors.js';
import { describeProcess, type ProcessDescription } from './describeProcess.js';
import { explainDecision, explainEntry, type ExplainedHistoryEntry } from './explainHistory.js';
import { availabilityOf, createCommandProber, type AvailableCommand, type CommandProber } from './probeCommand.js';
import type { Locale } from '../i18n.js';
import { computeIndicators, type IndicatorReport } from './indicators.js';
import { suggestDuplicates, type DuplicateCriteria, type DuplicateSuggestion } from './duplicates.js';

export interface RuntimeOptions {
  store: CaseStore;
  clock: Clock;
  /** The policy versions: one registry, or one per tenant when a deployment serves several districts. */
  policies: PolicyRegistry | ((tenant: string) => PolicyRegistry);
  /** Processes to run. Register more later with {@link Runtime.register}. */
  processes: ProcessDefinition[];
  /** Policy id new cases use (default `default`). */
  policyId?: string;
  /** Tenant used when a call names none (default `default`). */
  tenant?: string;
  /** Generates case ids (default: time-ordered random ids). */
  newId?: () => string;
  engine?: RuleEngine;
}

/** Options of a call made on behalf of someone. */
export interface CallOptions {
  actor: Actor;
  tenant?: string;
}

export interface SubmitRequest extends CallOptions {
  process: string;
  input: Record<string, unknown>;
  /** A repeated submission with the same key returns the first result instead of a second case. */
  idempotencyKey?: string;
}

export interface SendOptions extends CallOptions {
  /** The case version the caller saw; a stale one is refused with `case.conflict`. */
  expectedVersion?: number;
  /**
   * Runs inside the command's transaction once the case and its history are written, before the commit: what it
   * writes (through `tx.native`) commits with the command, and an error it throws rolls the command back. The
   * server records personal-data reads of its answer this way, with no commit of their own.
   */
  beforeCommit?: (record: CaseRecord, tx: StoreTransaction) => Promise<void>;
}

/** Options of {@link Runtime.tick}. */
export interface TickOptions {
  /** Due cases read per call (default 1000). */
  limit?: number;
  /**
   * Cases fired in one transaction (default 1). More saves a commit per case, which is what a deadline costs on
   * a single-connection store (PGlite) or a busy disk. If anything in a group fails, the group rolls back and its
   * cases are fired again one transaction each, so only the failing case is reported.
   */
  casesPerTransaction?: number;
}

/** What a tick did. */
export interface TickResult {
  /** Deadlines fired. */
  fired: number;
  /** Cases they belonged to. */
  cases: number;
  /** Cases whose deadlines could not be fired, with the error; nothing of theirs was written. */
  failed: { tenant: string; caseId: string; error: unknown }[];
}

export type { ProcessDescription } from './describeProcess.js';

export type { AvailableCommand } from './probeCommand.js';

/**
 * Runs cases of registered processes: submit, send commands, read, list, history, fire deadlines.
 * Everything goes through a {@link CaseStore}; nothing lives only in memory.
 */
export interface Runtime {
  register(process: ProcessDefinition): void;
  /** Every registered process, described under the tenant's current policy (roles come from its permissions). */
  processes(options?: { tenant?: string }): ProcessDescription[];
  /** One process, described under the tenant's current policy; throws `process.unknown` for an unknown id. */
  describe(processId: string, options?: { tenant?: string }): ProcessDescription;
  /** Starts a case. `TContext`: the process's machine context, for a typed `snapshot.context`. */
  submit<TContext extends object = Record<string, unknown>>(request: SubmitRequest): Promise<CaseRecord<TContext>>;
  send<TContext extends object = Record<string, unknown>>(
    caseId: string,
    command: { type: string; input?: Record<string, unknown> },
    options: SendOptions,
  ): Promise<CaseRecord<TContext>>;
  get<TContext extends object = Record<string, unknown>>(
    caseId: string,
    options: CallOptions,
  ): Promise<CaseRecord<TContext>>;
  list(query: Omit<CaseQuery, 'tenant'> & { tenant?: string }): Promise<CasePage>;
  /** The case's history; with `locale`, every rule decision comes with a sentence explaining it. */
  history(
    caseId: string,
    options: CallOptions & { locale?: Locale },
  ): Promise<ExplainedHistoryEntry[] | HistoryEntry[]>;
  availableCommands(caseId: string, options: CallOptions): Promise<AvailableCommand[]>;
  /**
   * True when the actor may read the case: a row of the pinned policy whose scope covers it and whose command is
   * one of the case's process (see `readCommandsOf`). What `get`, `history` and `send` check; for servers that read
   * cases from their own queries.
   */
  canRead(record: CaseRecord, actor: Actor): boolean;
  /** The command patterns whose permission rows open a process's cases for reading (see `readCommandsOf`). */
  readCommands(processId: string): readonly string[];
  /**
   * Fires every deadline due now (at most `limit` cases per call). Each case is claimed with a skip-locked read
   * and checked again, so concurrent ticks fire each deadline once. A case whose deadline cannot be fired does not
   * stop the others: it is reported in `failed` (its transaction rolled back) and the tick goes on.
   */
  tick(options?: TickOptions): Promise<TickResult>;
  /** Moves chosen open cases to another version of their policy, recomputing deadlines; recorded in history. */
  migrate(caseIds: string[], toVersion: number, options: CallOptions): Promise<CaseRecord[]>;
  /**
   * Indicators of a unit (or everything) for a period, from history, with the current policy's formulas; each
   * case's events are read under the policy version it is pinned to (its limits and rating rules).
   */
  indicators(options: { from: number; to: number; unit?: string; tenant?: string }): Promise<IndicatorReport>;
  /** Open cases that look like the same matter as a new report (same category, nearby, recent). */
  suggestDuplicates(
    criteria: Omit<DuplicateCriteria, 'at'> & { at?: number; tenant?: string },
  ): Promise<DuplicateSuggestion[]>;
  readonly clock: Clock;
  readonly store: CaseStore;
  /** The policy registry of the default tenant. */
  readonly policies: PolicyRegistry;
  /** The policy registry of a tenant. */
  policiesFor(tenant: string): PolicyRegistry;
}

interface Compiled {
  machine: AnyStateMachine;
  stepper: PureStepper;
  env: ProcessEnv;
  recorder: DecisionRecorder;
  commands: Map<string, CommandDef>;
  /** Built on first use: tries commands without their input and without writing (for availableCommands). */
  prober?: CommandProber;
  /** The process described under this policy (computed once). */
  description?: ProcessDescription;
}

let idCounter = 0;
function defaultId(clock: Clock): () => string {
  return () => {
    idCounter = (idCounter + 1) % 1_000_000;
    const rand = Math.floor(Math.random() * 36 ** 4)
      .toString(36)
      .padStart(4, '0');
    return `${clock.now().toString(36)}-${idCounter.toString(36).padStart(4, '0')}${rand}`;
  };
}

/** The dotted form of an XState state value: `{ handling: 'working' }` → `handling.working`. */
export function stateKey(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const inner = stateKey(v);
      return inner ? `${k}.${inner}` : k;
    });
    return parts.join(',');
  }
  return '';
}

/**
 * Creates a runtime.
 *
 * @example
 * const runtime = createRuntime({
 *   store: createMemoryStore(),
 *   clock: systemClock,
 *   policies: createPolicyRegistry([createDefaultPolicy()]),
 *   processes: builtInProcesses,
 * });
 * const c = await runtime.submit({ process: 'gridEscalation', input, actor });
 * await runtime.send(c.id, { type: 'case.triage.file' }, { actor: dispatcher, expectedVersion: c.version });
 */
export function createRuntime(options: RuntimeOptions): Runtime {
  const { store, clock } = options;
  const registryFor: (tenant: string) => PolicyRegistry =
    typeof options.policies === 'function'
      ? options.policies
      : (
          (registry) => () =>
            registry
        )(options.policies);
  const policyId = options.policyId ?? 'default';
  const defaultTenant = options.tenant ?? 'default';
  const newId = options.newId ?? defaultId(clock);
  const engine = options.engine ?? createRuleEngine();
  const processes = new Map<string, ProcessDefinition>();
  /** The commands whose permission rows open each process's cases for reading. */
  const readers = new Map<string, readonly string[]>();
  // Machines are compiled once per policy object and process (tenants may share policy ids and versions).
  let compiled = new WeakMap<Policy, Map<string, Compiled>>();

  const register = (def: ProcessDefinition) => {
    processes.set(def.id, def);
    readers.delete(def.id);
    compiled = new WeakMap();
  };
  for (const p of options.processes) register(p);

  const processOf = (id: string): ProcessDefinition => {
    const def = processes.get(id);
    if (!def) throw errors.unknownProcess(id);
    return def;
  };

  const compile = (def: ProcessDefinition, policy: Policy): Compiled => {
    let perPolicy = compiled.get(policy);
    if (!perPolicy) compiled.set(policy, (perPolicy = new Map<string, Compiled>()));
    let c = perPolicy.get(def.id);
    if (!c) {
      const recorder: DecisionRecorder = { decisions: [] };
      const env = createProcessEnv(policy, recorder, engine);
      const machine = def.createMachine(env);
      c = {
        machine,
        stepper: createPureStepper(machine),
        env,
        recorder,
        commands: new Map(def.commands.map((cmd) => [cmd.type, cmd])),
      };
      perPolicy.set(def.id, c);
    }
    return c;
  };

  /** Runs machine code; an error a policy rule raised in it comes out as that rule's error, code and path kept. */
  const ruleErrors = <T>(c: Compiled, fn: () => T): T => {
    c.recorder.failure = undefined;
    try {
      return fn();
    } catch (error) {
      const failure = c.recorder.failure;
      c.recorder.failure = undefined;
      throw failure ?? error;
    }
  };

  // A tenant with no policy in effect yet still gets its processes described (from the default policy's machine),
  // with no roles: nobody may give a command there.
  let fallbackPolicy: Policy | undefined;
  const describe = (def: ProcessDefinition, tenant: string | undefined): ProcessDescription => {
    let policy: Policy | null;
    try {
      policy = registryFor(tenant ?? defaultTenant).current(policyId, clock.now());
    } catch (error) {
      if (!(error instanceof GridflowError)) throw error;
      policy = null;
    }
    const c = compile(def, policy ?? (fallbackPolicy ??= createDefaultPolicy()));
    if (policy === null) return describeProcess(def, c.machine, null);
    return (c.description ??= describeProcess(def, c.machine, policy));
  };

  /** Restores a stored snapshot, upgrading it through registered migrations when the machine changed. */
  const restore = (def: ProcessDefinition, c: Compiled, record: CaseRecord): AnyMachineSnapshot => {
    let snap: StoredSnapshot = record.snapshot;
    for (let v = record.processVersion; v < def.version; v++) {
      const migrate = def.migrations?.[v];
      if (!migrate) throw errors.noMigration(def.id, v);
      snap = migrate(snap) as StoredSnapshot;
    }
    return c.machine.resolveState({ value: snap.value as never, context: snap.context });
  };

  const toRecord = (def: ProcessDefinition, base: CaseRecord, snap: AnyMachineSnapshot, at: number): CaseRecord => {
    const context = snap.context as StoredSnapshot['context'];
    const summary = def.summarize(context, snap.value);
    if (snap.status === 'done') summary.open = false;
    return {
      ...base,
      processVersion: def.version,
      state: stateKey(snap.value),
      version: base.version + 1,
      snapshot: { value: snap.value, context },
      summary,
      nextDueAt: nextDueAt(context.deadlines ?? []),
      updatedAt: at,
    };
  };

  const effectsOf = (actions: { type: string; params?: unknown }[]): Effect[] =>
    actions.filter((a) => a.type === 'effect' && a.params).map((a) => a.params as Effect);

  /** Applies one transition to a case inside a transaction; carries out its effects; returns the new record. */
  /** Fires, one at a time, the deadlines of a case that are due at `now`; 0 when another transaction holds it. */
  async function fireDue(tx: StoreTransaction, tenant: string, id: string, now: number): Promise<number> {
    let record = await tx.getCase(tenant, id, { forUpdate: true, skipLocked: true });
    if (!record) return 0;
    const policy = registryFor(record.tenant).get(record.policyId, record.policyVersion);
    let count = 0;
    // One at a time: a deadline's effect may add or clear others.
    for (let guard = 0; guard < 50; guard++) {
      const [next] = dueDeadlines(record.snapshot.context.deadlines ?? [], now);
      if (!next) break;
      record = await apply(
        tx,
        record,
        { type: 'deadline.due', input: { deadlineId: next.id, kind: next.kind }, actor: SYSTEM_ACTOR, at: now },
        policy,
        0,
      );
      count++;
    }
    return count;
  }

  const apply = async (
    tx: StoreTransaction,
    record: CaseRecord,
    event: { type: string; input: Record<string, unknown>; actor: Actor; at: number },
    policy: Policy,
    depth: number,
    restored?: AnyMachineSnapshot,
  ): Promise<CaseRecord> => {
    if (depth > 4) throw errors.effectLoop();
    const def = processOf(record.process);
    const c = compile(def, policy);
    const before = restored ?? restore(def, c, record);
    c.recorder.decisions = [];
    const [after, actions] = ruleErrors(c, () => c.stepper.step(before, event));
    const decisions: Decision[] = c.recorder.decisions;
    c.recorder.decisions = [];
    let context = after.context as StoredSnapshot['context'];
    // xstate's pure transition returns the very same snapshot when no transition was taken.
    const changed = after !== before;
    if (event.type === 'deadline.due') {
      // A deadline takes effect exactly once: mark it fired even when the machine ignored it in this state. Only
      // the deadline that fired is marked: one the handler set anew under the same id (a later `dueAt`) stays
      // pending and fires in its turn.
      const id = String(event.input.deadlineId);
      const fired = (before.context as StoredSnapshot['context']).deadlines?.find(
        (d) => d.id === id && d.firedAt === undefined,
      );
      context = {
        ...context,
        deadlines: fired ? markFired(context.deadlines ?? [], id, event.at, fired.dueAt) : (context.deadlines ?? []),
      };
    } else if (!changed) {
      // The rules that said no, explained with the values they read.
      const said = decisions.filter((d) => !d.result);
      const explain = (locale: Locale) => said.map((d) => explainDecision(d, policy, locale, def.facts));
      throw errors.commandRefused(event.type, decisions, { zh: explain('zh'), en: explain('en') });
    }
    const snap = c.machine.resolveState({ value: after.value as never, context });
    const next = toRecord(def, record, snap, event.at);
    if (!(await tx.updateCase(next, record.version))) throw errors.conflict(record.id);
    await tx.appendHistory([historyEntry(next, event, record.state, decisions)]);
    return runEffects(tx, next, effectsOf(actions), event.at, depth);
  };

  const historyEntry = (
    record: CaseRecord,
    event: { type: string; input: Record<string, unknown>; actor: Actor; at: number },
    from: string,
    decisions: Decision[],
  ): HistoryEntry => ({
    caseId: record.id,
    tenant: record.tenant,
    seq: record.version,
    at: event.at,
    actor: { id: event.actor.id, roles: event.actor.roles, ...(event.actor.name ? { name: event.actor.name } : {}) },
    command: event.type,
    input: event.input,
    from,
    to: record.state,
    policyId: record.policyId,
    policyVersion: record.policyVersion,
    decisions,
  });

  const runEffects = async (
    tx: StoreTransaction,
    record: CaseRecord,
    effects: Effect[],
    at: number,
    depth: number,
  ): Promise<CaseRecord> => {
    let current = record;
    for (const effect of effects) {
      const system: Actor = { ...SYSTEM_ACTOR, name: `effect of ${record.id}` };
      if (effect.kind === 'command') {
        const target = await tx.getCase(record.tenant, effect.caseId, { forUpdate: true });
        if (!target) throw errors.notFound(effect.caseId);
        const targetPolicy = registryFor(target.tenant).get(target.policyId, target.policyVersion);
        await apply(tx, target, { type: effect.type, input: effect.input, actor: system, at }, targetPolicy, depth + 1);
      } else {
        const created = await create(tx, {
          process: effect.process,
          input: effect.input,
          actor: system,
          tenant: record.tenant,
          at,
          parentId: record.id,
        });
        if (effect.linkEvent) {
          const self = (await tx.getCase(record.tenant, current.id, { forUpdate: true }))!;
          current = await apply(
            tx,
            self,
            { type: effect.linkEvent, input: { caseId: created.id }, actor: system, at },
            registryFor(self.tenant).get(self.policyId, self.policyVersion),
            depth + 1,
          );
        }
      }
    }
    return current;
  };

  const create = async (
    tx: StoreTransaction,
    req: {
      process: string;
      input: Record<string, unknown>;
      actor: Actor;
      tenant: string;
      at: number;
      idempotencyKey?: string;
      parentId?: string;
    },
  ): Promise<CaseRecord> => {
    const def = processOf(req.process);
    const policy = registryFor(req.tenant).current(policyId, req.at);
    const problems = [...validateJson(def.inputSchema, req.input), ...(def.validateInput?.(req.input, policy) ?? [])];
    if (problems.length) throw errors.invalidInput(problems);
    const c = compile(def, policy);
    const id = newId();
    c.recorder.decisions = [];
    const input = {
      ...req.input,
      caseId: id,
      at: req.at,
      actor: req.actor,
      submittedAt: req.at,
      submittedBy: { id: req.actor.id, roles: req.actor.roles },
    };
    const [snap, actions] = ruleErrors(c, () => c.stepper.initial(input));
    const decisions = c.recorder.decisions;
    c.recorder.decisions = [];
    const base: CaseRecord = {
      id,
      tenant: req.tenant,
      process: def.id,
      processVersion: def.version,
      policyId: policy.id,
      policyVersion: policy.version,
      state: '',
      version: 0,
      snapshot: { value: null, context: { deadlines: [] } },
      summary: { units: [], open: true },
      nextDueAt: null,
      createdAt: req.at,
      updatedAt: req.at,
      ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
    };
    const record = toRecord(def, base, snap, req.at);
    if (
      req.actor.id !== SYSTEM_ACTOR.id &&
      allowedBy(policy, req.actor, submitCommand(def), record.summary).length === 0
    ) {
      throw errors.forbidden(submitCommand(def));
    }
    await tx.insertCase(record);
    await tx.appendHistory([
      historyEntry(
        record,
        { type: def.createdAs ?? submitCommand(def), input: req.input, actor: req.actor, at: req.at },
        '',
        decisions,
      ),
    ]);
    return runEffects(tx, record, effectsOf(actions), req.at, 0);
  };

  const submitCommand = (def: ProcessDefinition) => def.submitCommand ?? 'case.submit';

  const readersOf = (def: ProcessDefinition): readonly string[] => {
    let r = readers.get(def.id);
    if (!r) readers.set(def.id, (r = readCommandsOf(def)));
    return r;
  };
  const mayRead = (policy: Policy, actor: Actor, record: CaseRecord): boolean =>
    actor.id === SYSTEM_ACTOR.id || canRead(policy, actor, record.summary, readersOf(processOf(record.process)));

  const readable = async (caseId: string, opts: CallOptions): Promise<{ record: CaseRecord; policy: Policy }> => {
    const record = await store.getCase(opts.tenant ?? defaultTenant, caseId);
    if (!record) throw errors.notFound(caseId);
    const policy = registryFor(record.tenant).get(record.policyId, record.policyVersion);
    if (!mayRead(policy, opts.actor, record)) throw errors.notFound(caseId);
    return { record, policy };
  };

  /** A transaction giving a case, typed with the caller's context type (the runtime never looks inside it). */
  const typed = <TContext extends object>(fn: (tx: StoreTransaction) => Promise<CaseRecord>) =>
    store.transaction(fn) as Promise<unknown> as Promise<CaseRecord<TContext>>;

  const runtime: Runtime = {
    clock,
    store,
    get policies() {
      return registryFor(defaultTenant);
    },
    policiesFor: registryFor,
    register,
    canRead: (record, actor) =>
      mayRead(registryFor(record.tenant).get(record.policyId, record.policyVersion), actor, record),
    readCommands: (id) => readersOf(processOf(id)),
    processes: (opts) => [...processes.values()].map((def) => describe(def, opts?.tenant)),
    describe: (id, opts) => describe(processOf(id), opts?.tenant),

    submit<TContext extends object>(request: SubmitRequest) {
      const tenant = request.tenant ?? defaultTenant;
      const at = clock.now();
      return typed<TContext>(async (tx) => {
        if (request.idempotencyKey) {
          const existing = await tx.findByIdempotencyKey(tenant, request.idempotencyKey);
          if (existing) return existing;
        }
        return create(tx, {
          ...request,
          tenant,
          at,
          ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
        });
      });
    },

    send<TContext extends object>(
      caseId: string,
      command: { type: string; input?: Record<string, unknown> },
      opts: SendOptions,
    ) {
      const tenant = opts.tenant ?? defaultTenant;
      const at = clock.now();
      return typed<TContext>(async (tx) => {
        const record = await tx.getCase(tenant, caseId, { forUpdate: true });
        if (!record) throw errors.notFound(caseId);
        const def = processOf(record.process);
        const policy = registryFor(record.tenant).get(record.policyId, record.policyVersion);
        if (!mayRead(policy, opts.actor, record)) throw errors.notFound(caseId);
        if (opts.expectedVersion !== undefined && opts.expectedVersion !== record.version)
          throw errors.conflict(caseId);
        const cmd = compile(def, policy).commands.get(command.type);
        if (!cmd || (cmd.internal && opts.actor.id !== SYSTEM_ACTOR.id))
          throw errors.unknownCommand(def.id, command.type);
        const rows =
          opts.actor.id === SYSTEM_ACTOR.id ? [] : allowedBy(policy, opts.actor, command.type, record.summary);
        if (opts.actor.id !== SYSTEM_ACTOR.id && rows.length === 0) throw errors.forbidden(command.type);
        const input = command.input ?? {};
        const problems = validateJson(cmd.inputSchema, input);
        if (problems.length) throw errors.invalidInput(problems);
        const c = compile(def, policy);
        const snapshot = restore(def, c, record);
        // The party a command names must be the caller's own, or one a permission row lets it act for.
        const refused =
          opts.actor.id === SYSTEM_ACTOR.id
            ? undefined
            : partyRefused(def, opts.actor, rows, { type: command.type, input }, snapshot.context);
        if (refused !== undefined) {
          const named = (code: string) => ({
            code,
            zh: def.parties?.[code]?.name.zh ?? code,
            en: def.parties?.[code]?.name.en ?? code,
          });
          throw errors.notParty(
            command.type,
            named(refused),
            partiesOf(def, opts.actor)
              .filter((p) => def.parties?.[p] !== undefined || p.startsWith('department:'))
              .map(named),
          );
        }
        const accepts = ruleErrors(c, () => getNextTransitions(snapshot)).some((t) => t.eventType === command.type);
        if (!accepts) throw errors.notNow(command.type, record.state);
        const next = await apply(tx, record, { type: command.type, input, actor: opts.actor, at }, policy, 0, snapshot);
        if (opts.beforeCommit) await opts.beforeCommit(next, tx);
        return next;
      });
    },

    async get<TContext extends object>(caseId: string, opts: CallOptions) {
      return (await readable(caseId, opts)).record as unknown as CaseRecord<TContext>;
    },

    list(query) {
      return store.listCases({ ...query, tenant: query.tenant ?? defaultTenant });
    },

    async history(caseId, opts) {
      const { record } = await readable(caseId, opts);
      const entries = await store.history(record.tenant, record.id);
      const { locale } = opts;
      if (!locale) return entries;
      const registry = registryFor(record.tenant);
      const facts = processes.get(record.process)?.facts;
      return entries.map((e) => explainEntry(e, registry.get(e.policyId, e.policyVersion), locale, facts));
    },

    async availableCommands(caseId, opts) {
      const { record, policy } = await readable(caseId, opts);
      const def = processOf(record.process);
      const c = compile(def, policy);
      const snapshot = restore(def, c, record);
      const types = new Set<string>(getNextTransitions(snapshot).map((t): string => t.eventType as string));
      const offered = def.commands.filter(
        (cmd) =>
          !cmd.internal && types.has(cmd.type) && allowedBy(policy, opts.actor, cmd.type, record.summary).length > 0,
      );
      if (offered.length === 0) return [];
      const prober = (c.prober ??= createCommandProber(c.machine, c.recorder));
      const stored: StoredSnapshot = {
        value: snapshot.value as unknown,
        context: snapshot.context as StoredSnapshot['context'],
      };
      const at = clock.now();
      return offered.map((cmd): AvailableCommand => {
        const probe = prober.probe(stored, { type: cmd.type, actor: opts.actor, at });
        const offer = availabilityOf(probe, cmd, policy);
        if (!offer.available) return { ...cmd, ...offer };
        const rows = allowedBy(policy, opts.actor, cmd.type, record.summary);
        return { ...cmd, ...offer, ...offeredParties(def, opts.actor, rows, cmd, snapshot.context, policy) };
      });
    },

    async tick(opts = {}) {
      const now = clock.now();
      const due = await store.dueCases(now, opts.limit ?? 1000);
      const size = Math.max(1, Math.trunc(opts.casesPerTransaction ?? 1) || 1);
      const result: TickResult = { fired: 0, cases: 0, failed: [] };
      const count = (n: number) => {
        result.fired += n;
        if (n) result.cases++;
      };
      const fireAlone = async ({ tenant, id }: { tenant: string; id: string }) => {
        try {
          count(await store.transaction((tx) => fireDue(tx, tenant, id, now)));
        } catch (error) {
          result.failed.push({ tenant, caseId: id, error });
        }
      };
      for (let start = 0; start < due.length; start += size) {
        const group = due.slice(start, start + size);
        if (group.length === 1) {
          await fireAlone(group[0]!);
          continue;
        }
        let counts: number[];
        try {
          counts = await store.transaction(async (tx) => {
            const out: number[] = [];
            for (const { tenant, id } of group) out.push(await fireDue(tx, tenant, id, now));
            return out;
          });
        } catch {
          // Rolled back as a whole: fire the group's cases one by one, so only a failing case stays behind.
          for (const c of group) await fireAlone(c);
          continue;
        }
        counts.forEach(count);
      }
      return result;
    },

    async indicators({ from, to, unit, tenant = defaultTenant }) {
      // The cases with history in the period, or shortly before it (a deadline falling in the period was set
      // then); each is read with its whole history, which its events need.
      const lead = 60 * 24 * 3_600_000;
      const recent = await store.historyBetween(tenant, from - lead, to);
      const ids = [...new Set(recent.map((e) => e.caseId))];
      const read = await Promise.all(
        ids.map(async (id) => ({ record: await store.getCase(tenant, id), history: await store.history(tenant, id) })),
      );
      const registry = registryFor(tenant);
      const policy = registry.current(policyId, to);
      const pinned = (record: CaseRecord): Policy => {
        try {
          return registry.get(record.policyId, record.policyVersion);
        } catch {
          return policy;
        }
      };
      return computeIndicators({
        policy,
        cases: read.flatMap((r) => (r.record ? [r.record] : [])),
        history: read.flatMap((r) => r.history),
        from,
        to,
        ...(unit ? { unit } : {}),
        policyOf: pinned,
        engine,
      });
    },

    async suggestDuplicates({ tenant = defaultTenant, at = clock.now(), ...criteria }) {
      const page = await store.listCases({
        tenant,
        category: criteria.category,
        open: true,
        sort: 'createdAt',
        order: 'desc',
        limit: 500,
      });
      return suggestDuplicates(page.items, { ...criteria, at });
    },

    migrate(caseIds, toVersion, opts) {
      const tenant = opts.tenant ?? defaultTenant;
      const at = clock.now();
      return store.transaction(async (tx) => {
        const out: CaseRecord[] = [];
        for (const id of caseIds) {
          const record = await tx.getCase(tenant, id, { forUpdate: true });
          if (!record) throw errors.notFound(id);
          if (!record.summary.open) throw errors.closedCase(id);
          const def = processOf(record.process);
          const target = registryFor(tenant).get(record.policyId, toVersion);
          const oldCompiled = compile(def, registryFor(tenant).get(record.policyId, record.policyVersion));
          const snap = restore(def, oldCompiled, record);
          const c = compile(def, target);
          const context: unknown = def.onPolicyChange
            ? def.onPolicyChange(snap.context, snap.value, c.env, at)
            : snap.context;
          const migrated = c.machine.resolveState({ value: snap.value as never, context: context });
          const next = { ...toRecord(def, record, migrated, at), policyVersion: target.version };
          if (!(await tx.updateCase(next, record.version))) throw errors.conflict(id);
          await tx.appendHistory([
            historyEntry(
              next,
              { type: 'case.migrate', input: { fromVersion: record.policyVersion, toVersion }, actor: opts.actor, at },
              record.state,
              [],
            ),
          ]);
          out.push(next);
        }
        return out;
      });
    },
  };
  return runtime;
}
