import { getNextTransitions } from 'xstate';
import type { Clock } from '../clock.js';
import type { Policy } from '../policy/types.js';
import { createRuleEngine, type RuleEngine } from '../rules/engine.js';
import { SYSTEM_ACTOR, type Actor, type ProcessDefinition } from '../processes/contract/types.js';
import { canRead, allowedBy, partiesOf, partyRefused } from './permissions.js';
import type { PolicyRegistry } from './policyRegistry.js';
import type { CasePage, CaseQuery, CaseRecord, CaseStore, HistoryEntry, StoreTransaction } from './types.js';
import { validateJson } from './validateJson.js';
import { errors } from './runtimeErrors.js';
import type { ProcessDescription } from './describeProcess.js';
import { explainEntry, type ExplainedHistoryEntry } from './explainHistory.js';
import type { AvailableCommand } from './probeCommand.js';
import type { Locale } from '../i18n.js';
import { computeIndicators, type IndicatorReport } from './indicators.js';
import { suggestDuplicates, type DuplicateCriteria, type DuplicateSuggestion } from './duplicates.js';
import { defaultId, pinnedPolicy } from './caseRecords.js';
import { createProcessCatalog, ruleErrors } from './processCatalog.js';
import { createCaseTransitions } from './caseTransitions.js';
import { tickDeadlines, type TickOptions, type TickResult } from './tickDeadlines.js';
import { availableCommands } from './availableCommands.js';
import { migrateCases } from './migrateCases.js';

export { stateKey } from './caseRecords.js';
export type { TickOptions, TickResult } from './tickDeadlines.js';

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
 * const gridWorker = { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01', 'community:c-01', 'street:s-01'] };
 * const c = await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: gridWorker });
 * c.state; // 'triage'
 * const staff = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] };
 * (await runtime.send(c.id, { type: 'case.triage.file' }, { actor: staff, expectedVersion: c.version })).state;
 * // 'handling.dispatched'
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
  const catalog = createProcessCatalog({ engine, clock, registryFor, policyId, defaultTenant });
  for (const p of options.processes) catalog.register(p);
  const { processOf, compile, restore, describe, readersOf } = catalog;
  const { create, apply, fireDue } = createCaseTransitions({ catalog, registryFor, policyId, newId });

  const mayRead = (policy: Policy, actor: Actor, record: CaseRecord): boolean =>
    actor.id === SYSTEM_ACTOR.id || canRead(policy, actor, record.summary, readersOf(processOf(record.process)));

  const readable = async (caseId: string, opts: CallOptions): Promise<{ record: CaseRecord; policy: Policy }> => {
    const record = await store.getCase(opts.tenant ?? defaultTenant, caseId);
    if (!record) throw errors.notFound(caseId);
    const policy = pinnedPolicy(registryFor, record);
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
    register: catalog.register,
    canRead: (record, actor) => mayRead(pinnedPolicy(registryFor, record), actor, record),
    readCommands: (id) => readersOf(processOf(id)),
    processes: (opts) => catalog.all().map((def) => describe(def, opts?.tenant)),
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
        const policy = pinnedPolicy(registryFor, record);
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
      const facts = catalog.find(record.process)?.facts;
      return entries.map((e) => explainEntry(e, registry.get(e.policyId, e.policyVersion), locale, facts));
    },

    async availableCommands(caseId, opts) {
      const { record, policy } = await readable(caseId, opts);
      const def = processOf(record.process);
      const c = compile(def, policy);
      const snapshot = restore(def, c, record);
      return availableCommands(def, c, record, snapshot, policy, opts.actor, clock.now());
    },

    tick: (opts = {}) => tickDeadlines(store, clock.now(), opts, fireDue),

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
      return store.transaction((tx) =>
        migrateCases(tx, catalog, registryFor, { caseIds, toVersion, tenant, actor: opts.actor, at }),
      );
    },
  };
  return runtime;
}
