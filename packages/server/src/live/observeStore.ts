import type { CaseStore, HistoryEntry, StoreTransaction } from '@gridflow/core';
import type { CaseChange } from '../context.js';

/**
 * The changes a committed transaction made: one per case, from the last history entry it appended to that case
 * (its version, state, command and time). Cases appear in the order they were first touched.
 *
 * @example
 * changesOf(entries); // [{ tenant: 'demo', caseId: 'c1', version: 3, state: 'handling.working', command: 'case.sign', at }]
 */
export function changesOf(entries: readonly HistoryEntry[]): CaseChange[] {
  const last = new Map<string, HistoryEntry>();
  for (const e of entries) {
    const key = `${e.tenant}\u001f${e.caseId}`;
    const seen = last.get(key);
    if (!seen || e.seq >= seen.seq) {
      // Keep first-touched order: delete and re-set would move it; only replace the value.
      last.set(key, e);
    }
  }
  return [...last.values()].map((e) => ({
    tenant: e.tenant,
    caseId: e.caseId,
    version: e.seq,
    state: e.to,
    command: e.command,
    at: e.at,
  }));
}

/**
 * Wraps a {@link CaseStore} so that every transaction that appended history reports, after it committed, one
 * {@link CaseChange} per case it changed. A transaction that rolls back reports nothing. `onCommit` runs after the
 * transaction's result is known and is not awaited by it; its failures go to `onError`.
 *
 * This is how every runtime command and every fired deadline reaches live clients without the runtime knowing.
 *
 * @example
 * const hub = await createEventHub(sql);
 * const store = observeStore(opened.store, (changes) => hub.publishMany(changes));
 */
export function observeStore(
  store: CaseStore,
  onCommit: (changes: CaseChange[]) => void | Promise<void>,
  onError: (error: unknown) => void = () => undefined,
): CaseStore {
  const observed: CaseStore = {
    getCase: (tenant, id) => store.getCase(tenant, id),
    listCases: (query) => store.listCases(query),
    history: (tenant, caseId) => store.history(tenant, caseId),
    historyBetween: (tenant, from, to) => store.historyBetween(tenant, from, to),
    dueCases: (now, limit) => store.dueCases(now, limit),
    async transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      const appended: HistoryEntry[] = [];
      const result = await store.transaction((tx) =>
        fn({
          getCase: (tenant, id, options) => tx.getCase(tenant, id, options),
          findByIdempotencyKey: (tenant, key) => tx.findByIdempotencyKey(tenant, key),
          insertCase: (record) => tx.insertCase(record),
          updateCase: (record, expected) => tx.updateCase(record, expected),
          async appendHistory(entries) {
            await tx.appendHistory(entries);
            appended.push(...entries);
          },
          native: tx.native,
        }),
      );
      if (appended.length > 0) {
        try {
          void Promise.resolve(onCommit(changesOf(appended))).catch(onError);
        } catch (error) {
          onError(error);
        }
      }
      return result;
    },
  };
  if (store.close) {
    const close = store.close.bind(store);
    observed.close = () => close();
  }
  return observed;
}
