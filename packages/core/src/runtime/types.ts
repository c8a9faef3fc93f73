import type { Actor, CaseSummary, Decision, Deadline } from '../processes/contract/types.js';

/**
 * A case as stored: the machine snapshot plus the columns stores index. `TContext` is the process's machine
 * context (`runtime.get<MediationContext>(id, …).snapshot.context.parties` needs no cast); by default, any
 * process's.
 */
export interface CaseRecord<TContext extends object = Record<string, unknown>> {
  id: string;
  tenant: string;
  process: string;
  /** Version of the machine definition the snapshot was made with. */
  processVersion: number;
  /** The policy version the case is pinned to. */
  policyId: string;
  policyVersion: number;
  /** Current state value (as XState gives it) and its dotted form for queries. */
  state: string;
  /** Optimistic concurrency: increases by one with every accepted command. */
  version: number;
  snapshot: StoredSnapshot<TContext>;
  summary: CaseSummary;
  /** The earliest unfired deadline, or null: the only thing a store needs to find due cases. */
  nextDueAt: number | null;
  createdAt: number;
  updatedAt: number;
  idempotencyKey?: string;
}

/** The persisted machine snapshot: state value and context only (no actor internals). */
export interface StoredSnapshot<TContext extends object = Record<string, unknown>> {
  value: unknown;
  context: { deadlines: Deadline[] } & TContext;
}

/** One immutable history entry, appended for every accepted command. */
export interface HistoryEntry {
  caseId: string;
  tenant: string;
  /** 1-based, equals the case version after the command. */
  seq: number;
  at: number;
  actor: Pick<Actor, 'id' | 'roles'> & { name?: string };
  command: string;
  input: Record<string, unknown>;
  from: string;
  to: string;
  policyId: string;
  policyVersion: number;
  decisions: Decision[];
}

/** Filters for listing cases. All are optional and combined with AND. */
export interface CaseQuery {
  tenant: string;
  process?: string;
  /** Dotted state prefixes: `handling` matches `handling.working`. */
  states?: string[];
  level?: string;
  /** Any of these units (`grid:g-01`, `department:urban_management`…). */
  units?: string[];
  category?: string;
  reporterId?: string;
  open?: boolean;
  /** Only cases whose next deadline is before this time. */
  dueBefore?: number;
  /** Free text over title. */
  text?: string;
  sort?: 'createdAt' | 'updatedAt' | 'nextDueAt';
  order?: 'asc' | 'desc';
  limit?: number;
  /** Opaque cursor returned by the previous page. */
  cursor?: string;
}

export interface CasePage {
  items: CaseRecord[];
  nextCursor: string | null;
}

/** What a store does inside one transaction. */
export interface StoreTransaction {
  /**
   * Reads a case. `forUpdate` locks it until the transaction ends; with `skipLocked` a case another
   * transaction holds is returned as null instead of waiting (how workers share due deadlines).
   */
  getCase(
    tenant: string,
    id: string,
    options?: { forUpdate?: boolean; skipLocked?: boolean },
  ): Promise<CaseRecord | null>;
  findByIdempotencyKey(tenant: string, key: string): Promise<CaseRecord | null>;
  insertCase(record: CaseRecord): Promise<void>;
  /**
   * Replaces a case if its stored version equals `expectedVersion`; returns false (and changes nothing) otherwise.
   */
  updateCase(record: CaseRecord, expectedVersion: number): Promise<boolean>;
  appendHistory(entries: HistoryEntry[]): Promise<void>;
  /**
   * The store's own handle of this transaction (the SQL store: its SQL executor), for an embedding application's
   * writes that must commit or roll back with the case (see `SendOptions.beforeCommit`). Stores that wrap another
   * pass it through.
   */
  readonly native?: unknown;
}

/**
 * Where cases live. The in-memory store here and the PostgreSQL/PGlite store of `@gridflow/server` implement
 * the same interface and pass the same contract suite (`@gridflow/core/testing`).
 */
export interface CaseStore {
  /** Runs `fn` in one transaction: all its writes commit together or not at all (the error propagates). */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  getCase(tenant: string, id: string): Promise<CaseRecord | null>;
  listCases(query: CaseQuery): Promise<CasePage>;
  history(tenant: string, caseId: string): Promise<HistoryEntry[]>;
  /** History of many cases in a time range (for indicators and exports). */
  historyBetween(tenant: string, from: number, to: number): Promise<HistoryEntry[]>;
  /** Ids of cases with a deadline due at or before `now` (all tenants), earliest first, at most `limit`. */
  dueCases(now: number, limit: number): Promise<{ tenant: string; id: string }[]>;
  close?(): Promise<void>;
}
