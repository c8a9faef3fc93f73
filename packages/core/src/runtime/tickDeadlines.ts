import type { CaseStore, StoreTransaction } from './types.js';

/**
 * The deadline tick: the cases with deadlines due now, fired in groups of transactions, a failing group fired
 * again case by case so that only the failing case stays behind.
 */

/** Options of `Runtime.tick`. */
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

/** Fires every deadline due at `now` (at most `opts.limit` cases), each case with `fireDue` inside a transaction. */
export async function tickDeadlines(
  store: CaseStore,
  now: number,
  opts: TickOptions,
  fireDue: (tx: StoreTransaction, tenant: string, id: string, now: number) => Promise<number>,
): Promise<TickResult> {
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
}
