import { GridflowError, type CaseRecord, type CaseStore, type StoreTransaction } from '@gridflow/core';
import { decodeCursor, encodeCursor, type CasePage, type CaseQuery } from '@gridflow/core/runtime';
import { HISTORY_COLUMNS, historyEntryOf, type HistoryRow, type Int8 } from './historyRows.js';
import { SqlStates, sqlState, type SqlExecutor } from './sql.js';

interface CaseRow {
  tenant: string;
  id: string;
  process: string;
  process_version: number;
  policy_id: string;
  policy_version: number;
  state: string;
  version: number;
  snapshot: CaseRecord['snapshot'];
  summary: CaseRecord['summary'];
  next_due_at: Int8 | null;
  created_at: Int8;
  updated_at: Int8;
  idempotency_key: string | null;
}

const CASE_COLUMNS =
  'tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary, next_due_at, created_at, updated_at, idempotency_key';

/** Columns written from a record, in the order of {@link caseValues}; the casts make both drivers agree. */
const WRITE_COLUMNS: readonly (readonly [column: string, cast: string])[] = [
  ['tenant', ''],
  ['id', ''],
  ['process', ''],
  ['process_version', ''],
  ['policy_id', ''],
  ['policy_version', ''],
  ['state', ''],
  ['version', ''],
  ['snapshot', '::jsonb'],
  ['summary', '::jsonb'],
  ['level', ''],
  ['units', '::text[]'],
  ['category', ''],
  ['reporter_id', ''],
  ['handler_id', ''],
  ['title', ''],
  ['open', ''],
  ['next_due_at', '::bigint'],
  ['created_at', '::bigint'],
  ['updated_at', '::bigint'],
  ['idempotency_key', ''],
];

const INSERT_CASE = `INSERT INTO cases (${WRITE_COLUMNS.map(([c]) => c).join(', ')})
  VALUES (${WRITE_COLUMNS.map(([, cast], i) => `$${i + 1}${cast}`).join(', ')})
  ON CONFLICT DO NOTHING RETURNING id`;

/** Sets every column but the key; `$1`/`$2` are tenant and id, the last parameter the expected version. */
const UPDATE_CASE = `UPDATE cases SET ${WRITE_COLUMNS.slice(2)
  .map(([c, cast], i) => `${c} = $${i + 3}${cast}`)
  .join(', ')}
  WHERE tenant = $1 AND id = $2 AND version = $${WRITE_COLUMNS.length + 1} RETURNING 1 AS changed`;

const HISTORY_CASTS = ['', '', '', '::bigint', '::jsonb', '', '::jsonb', '', '', '', '', '::jsonb'];
const HISTORY_CHUNK = 1_000;

/** The largest int8: where a case without a deadline sorts (as in the memory store: after every deadline). */
const INT8_MAX = '9223372036854775807';

/**
 * Sort keys of {@link CaseQuery} and their SQL (the only SQL a query chooses by its input). The deadline key is the
 * expression of the `cases_tenant_next_due` index, so paging by deadline is an index range scan.
 */
const SORT_KEYS = {
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  nextDueAt: `COALESCE(next_due_at, ${INT8_MAX})`,
} as const;

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/**
 * A {@link CaseStore} over PostgreSQL or PGlite, with the semantics of core's in-memory store (and its contract
 * suite). `client` is a `SqlClient` (or a transaction's handle); the caller owns it and the store never
 * closes it. The schema must be migrated first (`migrate`).
 *
 * Locking: `tx.getCase(…, { forUpdate: true })` is `SELECT … FOR UPDATE` (with `skipLocked`, `SKIP LOCKED`), and
 * `tx.updateCase` only writes when the stored version is the expected one. `dueCases` takes no lock: a lock taken
 * outside a transaction ends with the statement. Workers share due cases by re-reading each in its own
 * transaction with `{ forUpdate: true, skipLocked: true }` and checking what is still due.
 *
 * @example
 * const sql = await openPgliteClient();
 * await migrate(sql);
 * const store = createSqlStore(sql);
 * (await store.listCases({ tenant: 'demo' })).items; // []
 */
export function createSqlStore(client: SqlExecutor): CaseStore {
  return {
    transaction: <T>(fn: (tx: StoreTransaction) => Promise<T>) => client.transaction((q) => fn(storeTransaction(q))),
    getCase: (tenant, id) => readCase(client, tenant, id, ''),
    listCases: (query) => listCases(client, query),
    async history(tenant, caseId) {
      const { rows } = await client.query<HistoryRow>(
        `SELECT ${HISTORY_COLUMNS} FROM case_history WHERE tenant = $1 AND case_id = $2 ORDER BY seq`,
        [tenant, caseId],
      );
      return rows.map(historyEntryOf);
    },
    async historyBetween(tenant, from, to) {
      const { rows } = await client.query<HistoryRow>(
        `SELECT ${HISTORY_COLUMNS} FROM case_history WHERE tenant = $1 AND at >= $2 AND at < $3 ORDER BY at, case_id, seq`,
        [tenant, int8(from, Math.ceil, '/from'), int8(to, Math.ceil, '/to')],
      );
      return rows.map(historyEntryOf);
    },
    async dueCases(now, limit) {
      const { rows } = await client.query<{ tenant: string; id: string }>(
        'SELECT tenant, id FROM cases WHERE next_due_at <= $1 ORDER BY next_due_at, id, tenant LIMIT $2',
        [int8(now, Math.floor, '/now'), Math.max(0, Math.trunc(limit) || 0)],
      );
      return rows.map((r) => ({ tenant: r.tenant, id: r.id }));
    },
  };
}

/**
 * The SQL executor of a transaction of the SQL store (also through stores that wrap it and pass `native` on),
 * for writes that must commit with the case; undefined for a transaction of another store.
 *
 * @example
 * await runtime.send(id, command, { actor, beforeCommit: (record, tx) => audit(sqlExecutorOf(tx) ?? sql, record) });
 */
export function sqlExecutorOf(tx: StoreTransaction): SqlExecutor | undefined {
  const native = tx.native as Partial<SqlExecutor> | undefined;
  return typeof native?.query === 'function' && typeof native.transaction === 'function'
    ? (native as SqlExecutor)
    : undefined;
}

function storeTransaction(q: SqlExecutor): StoreTransaction {
  return {
    native: q,
    getCase: (tenant, id, options = {}) =>
      readCase(
        q,
        tenant,
        id,
        options.forUpdate ? (options.skipLocked ? ' FOR UPDATE SKIP LOCKED' : ' FOR UPDATE') : '',
      ),
    async findByIdempotencyKey(tenant, key) {
      const { rows } = await q.query<CaseRow>(
        `SELECT ${CASE_COLUMNS} FROM cases WHERE tenant = $1 AND idempotency_key = $2`,
        [tenant, key],
        { name: 'gridflow_case_by_key' },
      );
      return rows[0] ? rowToCase(rows[0]) : null;
    },
    async insertCase(record) {
      // ON CONFLICT DO NOTHING instead of a caught unique violation: on PostgreSQL an error would abort the transaction.
      const { rows } = await q
        .query(INSERT_CASE, caseValues(record), { name: 'gridflow_insert_case' })
        .catch(mapWriteError);
      if (rows.length === 0) throw conflict();
    },
    async updateCase(record, expectedVersion) {
      const { rows } = await q
        .query(UPDATE_CASE, [...caseValues(record), expectedVersion], { name: 'gridflow_update_case' })
        .catch(mapWriteError);
      return rows.length > 0;
    },
    async appendHistory(entries) {
      // Several rows per statement, in chunks that stay under PostgreSQL's 65,535 parameters.
      for (let start = 0; start < entries.length; start += HISTORY_CHUNK) {
        const params: unknown[] = [];
        const tuples = entries.slice(start, start + HISTORY_CHUNK).map((e) => {
          const base = params.length;
          params.push(
            e.tenant,
            e.caseId,
            e.seq,
            e.at,
            JSON.stringify(e.actor),
            e.command,
            JSON.stringify(e.input),
            e.from,
            e.to,
            e.policyId,
            e.policyVersion,
            JSON.stringify(e.decisions),
          );
          return `(${HISTORY_CASTS.map((cast, i) => `$${base + i + 1}${cast}`).join(', ')})`;
        });
        // The usual appends (one to a few entries) are prepared once per connection.
        const named = tuples.length <= 4 ? { name: `gridflow_append_history_${tuples.length}` } : {};
        await q
          .query(`INSERT INTO case_history (${HISTORY_COLUMNS}) VALUES ${tuples.join(', ')}`, params, named)
          .catch(mapWriteError);
      }
    },
  };
}

const READ_CASE_NAMES = {
  '': 'gridflow_read_case',
  ' FOR UPDATE': 'gridflow_read_case_locked',
  ' FOR UPDATE SKIP LOCKED': 'gridflow_read_case_skip_locked',
} as const;

async function readCase(
  q: SqlExecutor,
  tenant: string,
  id: string,
  lock: '' | ' FOR UPDATE' | ' FOR UPDATE SKIP LOCKED',
): Promise<CaseRecord | null> {
  const { rows } = await q.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM cases WHERE tenant = $1 AND id = $2${lock}`,
    [tenant, id],
    { name: READ_CASE_NAMES[lock] },
  );
  return rows[0] ? rowToCase(rows[0]) : null;
}

async function listCases(q: SqlExecutor, query: CaseQuery): Promise<CasePage> {
  const sort = query.sort ?? 'createdAt';
  if (!Object.hasOwn(SORT_KEYS, sort)) throw invalidQuery('/sort', sort);
  const key = SORT_KEYS[sort];
  const order = query.order ?? (sort === 'nextDueAt' ? 'asc' : 'desc');
  if (order !== 'asc' && order !== 'desc') throw invalidQuery('/order', order);
  const requested = Math.trunc(query.limit ?? DEFAULT_LIMIT);
  const limit = Number.isNaN(requested) ? DEFAULT_LIMIT : Math.min(Math.max(requested, 1), MAX_LIMIT);

  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [`tenant = ${p(query.tenant)}`];
  if (query.process) where.push(`process = ${p(query.process)}`);
  if (query.states?.length) {
    // `handling` matches `handling` and `handling.*`: in the "C" collation, exactly the range ['handling.', 'handling/').
    const states = query.states.map((s) => `state = ${p(s)} OR (state >= ${p(`${s}.`)} AND state < ${p(`${s}/`)})`);
    where.push(`(${states.join(' OR ')})`);
  }
  if (query.level) where.push(`level = ${p(query.level)}`);
  if (query.units?.length) where.push(`units && ${p(query.units)}::text[]`);
  if (query.category) where.push(`category = ${p(query.category)}`);
  if (query.reporterId) where.push(`reporter_id = ${p(query.reporterId)}`);
  if (query.open !== undefined) where.push(`open = ${p(query.open)}`);
  if (query.dueBefore !== undefined) where.push(`next_due_at <= ${p(int8(query.dueBefore, Math.floor, '/dueBefore'))}`);
  if (query.text) where.push(`title ILIKE ${p(`%${escapeLike(query.text)}%`)}`);
  if (query.cursor) {
    const [value, id] = decodeCursor(query.cursor);
    if (value !== null && !Number.isSafeInteger(value)) throw invalidCursor();
    // Keyset paging: a row comparison the sort index serves directly (a null deadline sorts as the largest value).
    where.push(`(${key}, id) ${order === 'asc' ? '>' : '<'} (${p(value ?? INT8_MAX)}, ${p(id)})`);
  }
  const orderBy = order === 'asc' ? `${key} ASC, id ASC` : `${key} DESC, id DESC`;
  const { rows } = await q.query<CaseRow>(
    `SELECT ${CASE_COLUMNS} FROM cases WHERE ${where.join(' AND ')} ORDER BY ${orderBy} LIMIT ${p(limit + 1)}`,
    params,
  );
  const items = rows.slice(0, limit).map(rowToCase);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(last[sort] ?? null, last.id) : null;
  return { items, nextCursor };
}

function caseValues(r: CaseRecord): unknown[] {
  const s = r.summary;
  return [
    r.tenant,
    r.id,
    r.process,
    r.processVersion,
    r.policyId,
    r.policyVersion,
    r.state,
    r.version,
    JSON.stringify(r.snapshot),
    JSON.stringify(s),
    s.level ?? null,
    s.units,
    s.category ?? null,
    s.reporterId ?? null,
    s.handlerId ?? null,
    s.title ?? null,
    s.open,
    r.nextDueAt,
    r.createdAt,
    r.updatedAt,
    r.idempotencyKey ?? null,
  ];
}

function rowToCase(row: CaseRow): CaseRecord {
  const record: CaseRecord = {
    id: row.id,
    tenant: row.tenant,
    process: row.process,
    processVersion: row.process_version,
    policyId: row.policy_id,
    policyVersion: row.policy_version,
    state: row.state,
    version: row.version,
    snapshot: row.snapshot,
    summary: row.summary,
    nextDueAt: row.next_due_at === null ? null : Number(row.next_due_at),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.idempotency_key !== null) record.idempotencyKey = row.idempotency_key;
  return record;
}

/** A time for an int8 comparison: rounded the way that keeps the comparison exact, and kept in range. */
function int8(value: number, round: (x: number) => number, path: string): number {
  const n = round(value);
  if (Number.isNaN(n)) throw invalidQuery(path, value);
  return Math.min(Math.max(n, -Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
}

/** Escapes `%`, `_` and `\` so user text matches literally in LIKE/ILIKE (whose escape character is `\`). */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conflict(): GridflowError {
  return new GridflowError('case.conflict', { zh: '案件已存在', en: 'The case already exists' });
}

function invalidCursor(): GridflowError {
  return new GridflowError(
    'query.invalid_cursor',
    { zh: '分页游标无效', en: 'Invalid pagination cursor' },
    { path: '/cursor' },
  );
}

function invalidQuery(path: string, value: unknown): GridflowError {
  return new GridflowError(
    'query.invalid',
    { zh: '查询参数无效', en: 'Invalid query parameter' },
    { path, details: { value } },
  );
}

/** Maps the database errors a caller can cause to Gridflow errors; others propagate as they are. */
function mapWriteError(error: unknown): never {
  const state = sqlState(error);
  if (state === SqlStates.UNIQUE_VIOLATION)
    throw new GridflowError(
      'case.conflict',
      { zh: '案件已存在或已被修改', en: 'The case already exists or was changed' },
      { cause: error },
    );
  if (state === SqlStates.FOREIGN_KEY_VIOLATION) {
    throw new GridflowError(
      'case.not_found',
      { zh: '历史记录所属的案件不存在', en: 'The case of a history entry does not exist' },
      { cause: error },
    );
  }
  throw error;
}
