import { AsyncLocalStorage } from 'node:async_hooks';
import type { CaseStore, Clock, StoreTransaction } from '@gridflow/core';

/** Which share of the due cases a tick loop of this process works on (set by the deadline worker). */
export interface DueSlot {
  slot: number;
  of: number;
}

/**
 * The share of the current tick loop: the worker runs each of its loops inside `dueSlots.run({ slot, of })`, and
 * {@link claimDueOnly} then hands each loop only the due cases of its share, so the loops of one process never
 * try the same case.
 */
export const dueSlots = new AsyncLocalStorage<DueSlot>();

/** Options of {@link claimDueOnly}. */
export interface ClaimOptions {
  /** How long a case whose deadline transaction failed is left aside before it is tried again (ms, default 30 000). */
  retryAfterMs?: number;
  /**
   * Read a case without a lock before claiming it (default true). Only worth it when other processes may have
   * fired the case already: a single-process store (PGlite) can turn it off.
   */
  peek?: boolean;
}

/** A stable small hash of a case id (FNV-1a), for sharing due cases between tick loops. */
export function slotOf(tenant: string, id: string, of: number): number {
  let h = 0x811c9dc5;
  const key = `${tenant}\u001f${id}`;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % of;
}

/**
 * Makes deadline claims cheap when several ticks (in one process or many) go through the same list of due cases.
 *
 * The runtime's `tick()` claims each due case with `getCase(…, { forUpdate: true, skipLocked: true })` and then
 * checks what is still due. A case another tick has just fired is no longer due, but locking it would still
 * write the row's lock and make the transaction's commit wait for a disk flush. With this decorator a
 * skip-locked read — which only the deadline claim uses — first reads the case without a lock, and claims
 * (locks) it only when its next deadline is due by `clock`; otherwise it answers null, exactly as for a case
 * another transaction holds. The locked read then returns the latest committed row, which the runtime checks
 * again, so nothing fires twice. Other reads are passed through unchanged.
 *
 * Inside {@link dueSlots}, `dueCases` answers only the current loop's share of the earliest due cases. A case
 * whose claim transaction failed (e.g. its policy version cannot be loaded) is left out of `dueCases` for
 * `retryAfterMs`, so one broken case never stops the deadlines due after it; the error still reaches the worker.
 *
 * @example
 * const runtime = createRuntime({ store: claimDueOnly(store, clock), clock, policies, processes });
 */
export function claimDueOnly(store: CaseStore, clock: Clock, options: ClaimOptions = {}): CaseStore {
  const retryMs = options.retryAfterMs ?? 30_000;
  const peekFirst = options.peek ?? true;
  /** Cases whose deadline transaction failed, by key, with the real time after which they are tried again. */
  const failing = new Map<string, number>();
  const key = (tenant: string, id: string) => `${tenant}\u001f${id}`;
  const usable = (c: { tenant: string; id: string }, at: number): boolean => {
    const until = failing.get(key(c.tenant, c.id));
    if (until === undefined) return true;
    if (until > at) return false;
    failing.delete(key(c.tenant, c.id));
    return true;
  };

  const wrapped: CaseStore = {
    getCase: (tenant, id) => store.getCase(tenant, id),
    listCases: (query) => store.listCases(query),
    history: (tenant, caseId) => store.history(tenant, caseId),
    historyBetween: (tenant, from, to) => store.historyBetween(tenant, from, to),
    async dueCases(now, limit) {
      const share = dueSlots.getStore();
      const of = share && share.of > 1 ? share.of : 1;
      const due = await store.dueCases(now, limit * of + failing.size);
      const at = Date.now();
      return due
        .filter((c) => usable(c, at) && (of === 1 || slotOf(c.tenant, c.id, of) === share!.slot))
        .slice(0, limit);
    },
    async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      /** The cases this transaction tried to claim. */
      const tried = new Set<string>();
      try {
        return await store.transaction((tx) =>
          fn({
            async getCase(tenant, id, opts) {
              if (!(opts?.forUpdate && opts.skipLocked)) return tx.getCase(tenant, id, opts);
              tried.add(key(tenant, id));
              if (peekFirst) {
                const peek = await tx.getCase(tenant, id);
                if (peek === null || peek.nextDueAt === null || peek.nextDueAt > clock.now()) return null;
              }
              return tx.getCase(tenant, id, opts);
            },
            findByIdempotencyKey: (tenant, k) => tx.findByIdempotencyKey(tenant, k),
            insertCase: (record) => tx.insertCase(record),
            updateCase: (record, expected) => tx.updateCase(record, expected),
            appendHistory: (entries) => tx.appendHistory(entries),
            native: tx.native,
          }),
        );
      } catch (error) {
        // A case whose deadlines cannot be fired must not hold up the ones due after it: set it aside a while.
        // A transaction of several cases says nothing about which one failed (the runtime retries them one by one).
        if (tried.size === 1) failing.set([...tried][0]!, Date.now() + retryMs);
        throw error;
      }
    },
  };
  if (store.close) {
    const close = store.close.bind(store);
    wrapped.close = () => close();
  }
  return wrapped;
}
