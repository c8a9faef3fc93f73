import type { CasePage, CaseQuery, CaseRecord, CaseStore, HistoryEntry, StoreTransaction } from './types.js';
import { GridflowError } from '../errors.js';

/**
 * Freezes a value and everything reachable from it. The memory store shares stored objects with readers
 * instead of copying them (copies dominated the cost of a transition); freezing makes that safe: nobody can
 * change what is stored except through the store.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

/** A stored case (frozen). */
interface Row {
  record: CaseRecord;
}

function toRow(record: CaseRecord): Row {
  // A copy of the top level only: the caller keeps its own object; nested parts are frozen and shared.
  return { record: deepFreeze({ ...record }) };
}

const fromRow = (row: Row | null | undefined): CaseRecord | null => row?.record ?? null;

const key = (tenant: string, id: string) => `${tenant}\u0000${id}`;

/**
 * Compares two cases for a sort field, then by id so the order is total (cursor pagination needs that).
 */
function compareBy(field: 'createdAt' | 'updatedAt' | 'nextDueAt', order: 'asc' | 'desc') {
  const dir = order === 'asc' ? 1 : -1;
  return (a: CaseRecord, b: CaseRecord): number => {
    const av = a[field] ?? Number.MAX_SAFE_INTEGER;
    const bv = b[field] ?? Number.MAX_SAFE_INTEGER;
    if (av !== bv) return (av - bv) * dir;
    return a.id < b.id ? -dir : a.id > b.id ? dir : 0;
  };
}

/** Encodes the position after a record for cursor pagination. */
export function encodeCursor(value: number | null, id: string): string {
  return btoa(encodeURIComponent(JSON.stringify([value, id])));
}

/** Decodes a cursor; a malformed cursor is a client error. */
export function decodeCursor(cursor: string): [number | null, string] {
  try {
    const parsed: unknown = JSON.parse(decodeURIComponent(atob(cursor)));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[1] === 'string' &&
      (parsed[0] === null || typeof parsed[0] === 'number')
    ) {
      return [parsed[0] as number | null, parsed[1]];
    }
  } catch {
    // fall through
  }
  throw new GridflowError(
    'query.invalid_cursor',
    { zh: '分页游标无效', en: 'Invalid pagination cursor' },
    { path: '/cursor' },
  );
}

/** True when a case matches every filter of a query (except cursor, sort and limit). */
export function matchesQuery(c: CaseRecord, q: CaseQuery): boolean {
  if (c.tenant !== q.tenant) return false;
  if (q.process && c.process !== q.process) return false;
  if (q.states?.length && !q.states.some((s) => c.state === s || c.state.startsWith(s + '.'))) return false;
  if (q.level && c.summary.level !== q.level) return false;
  if (q.units?.length && !q.units.some((u) => c.summary.units.includes(u))) return false;
  if (q.category && c.summary.category !== q.category) return false;
  if (q.reporterId && c.summary.reporterId !== q.reporterId) return false;
  if (q.open !== undefined && c.summary.open !== q.open) return false;
  if (q.dueBefore !== undefined && (c.nextDueAt === null || c.nextDueAt > q.dueBefore)) return false;
  if (q.text && !(c.summary.title ?? '').toLowerCase().includes(q.text.toLowerCase())) return false;
  return true;
}

/**
 * An in-memory {@link CaseStore}: for tests, simulations and a browser. Transactions are serialised and
 * staged, so a failing transaction leaves nothing behind. Stored records and history entries are deeply frozen
 * and shared with readers (no copies): treat what a store returns as immutable, as the runtime does.
 *
 * @example
 * const store = createMemoryStore();
 * const runtime = createRuntime({ store, clock, policies: createPolicyRegistry([policy]), processes: builtInProcesses });
 * store.size(); // 0
 */
export function createMemoryStore(): CaseStore & { size(): number } {
  const cases = new Map<string, Row>();
  const idempotency = new Map<string, string>();
  const history = new Map<string, HistoryEntry[]>();
  let lock: Promise<unknown> = Promise.resolve();

  const store: CaseStore & { size(): number } = {
    size: () => cases.size,
    transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        const staged = new Map<string, Row>();
        const stagedKeys = new Map<string, string>();
        const stagedHistory: HistoryEntry[] = [];
        const read = (tenant: string, id: string) => staged.get(key(tenant, id)) ?? cases.get(key(tenant, id)) ?? null;
        const tx: StoreTransaction = {
          getCase: (tenant, id) => Promise.resolve(fromRow(read(tenant, id))),
          findByIdempotencyKey: (tenant, k) => {
            const id = stagedKeys.get(key(tenant, k)) ?? idempotency.get(key(tenant, k));
            return Promise.resolve(id ? fromRow(read(tenant, id)) : null);
          },
          insertCase: (record) => {
            const k = key(record.tenant, record.id);
            if (read(record.tenant, record.id)) {
              return Promise.reject(
                new GridflowError('case.conflict', { zh: '案件已存在', en: 'The case already exists' }),
              );
            }
            staged.set(k, toRow(record));
            if (record.idempotencyKey) stagedKeys.set(key(record.tenant, record.idempotencyKey), record.id);
            return Promise.resolve();
          },
          updateCase: (record, expectedVersion) => {
            const current = read(record.tenant, record.id);
            if (!current || current.record.version !== expectedVersion) return Promise.resolve(false);
            staged.set(key(record.tenant, record.id), toRow(record));
            return Promise.resolve(true);
          },
          appendHistory: (entries) => {
            for (const e of entries) stagedHistory.push(deepFreeze({ ...e }));
            return Promise.resolve();
          },
        };
        const result = await fn(tx);
        for (const [k, v] of staged) cases.set(k, v);
        for (const [k, v] of stagedKeys) idempotency.set(k, v);
        for (const e of stagedHistory) {
          const k = key(e.tenant, e.caseId);
          const list = history.get(k);
          if (list) list.push(e);
          else history.set(k, [e]);
        }
        return result;
      };
      const next = lock.then(run, run);
      lock = next.catch(() => undefined);
      return next;
    },
    getCase: (tenant, id) => Promise.resolve(fromRow(cases.get(key(tenant, id)))),
    listCases(query: CaseQuery): Promise<CasePage> {
      const sort = query.sort ?? 'createdAt';
      const order = query.order ?? (sort === 'nextDueAt' ? 'asc' : 'desc');
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      const cmp = compareBy(sort, order);
      let list = [...cases.values()]
        .map((r) => r.record)
        .filter((c) => matchesQuery(c, query))
        .sort(cmp);
      if (query.cursor) {
        const [value, id] = decodeCursor(query.cursor);
        const pivot = { [sort]: value, id } as unknown as CaseRecord;
        list = list.filter((c) => cmp(c, pivot) > 0);
      }
      const items = list.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor = list.length > limit && last ? encodeCursor(last[sort] ?? null, last.id) : null;
      return Promise.resolve({ items, nextCursor });
    },
    history: (tenant, caseId) => Promise.resolve([...(history.get(key(tenant, caseId)) ?? [])]),
    historyBetween(tenant, from, to) {
      const out: HistoryEntry[] = [];
      for (const list of history.values())
        for (const e of list) if (e.tenant === tenant && e.at >= from && e.at < to) out.push(e);
      out.sort((a, b) => a.at - b.at || a.caseId.localeCompare(b.caseId) || a.seq - b.seq);
      return Promise.resolve(out);
    },
    dueCases(now, limit) {
      const due: CaseRecord[] = [];
      for (const { record: c } of cases.values()) if (c.nextDueAt !== null && c.nextDueAt <= now) due.push(c);
      due.sort((a, b) => (a.nextDueAt ?? 0) - (b.nextDueAt ?? 0) || a.id.localeCompare(b.id));
      return Promise.resolve(due.slice(0, limit).map((c) => ({ tenant: c.tenant, id: c.id })));
    },
  };
  return store;
}
