import { decodeCursor, encodeCursor } from '@gridflow/core/runtime';
import { GridflowError, type CaseSummary, type HistoryEntry } from '@gridflow/core';
import { HISTORY_COLUMNS, historyEntryOf, type HistoryRow, type Int8 } from '../store/historyRows.js';
import type { SqlExecutor } from '../store/sql.js';
import type { Visibility } from './access.js';
import type { CaseListRow } from './views.js';

/**
 * The list queries of the API. They are written here rather than through `CaseStore.listCases` because what a
 * caller may see is an OR (their units, or their own matters) that `CaseQuery` cannot say, and it must be part of
 * the query itself — filtering after paging would lose rows and leak counts.
 */

const INT8_MAX = '9223372036854775807';

/** Sort keys of the case list and their SQL (the expressions of the `cases` indexes). */
export const CASE_SORTS = {
  deadline: `COALESCE(next_due_at, ${INT8_MAX})`,
  created: 'created_at',
  updated: 'updated_at',
} as const;
export type CaseSort = keyof typeof CASE_SORTS;

/** Filters of `GET /cases`. */
export interface CaseListParams {
  tenant: string;
  actorId: string;
  /** What the caller may see: of every process alike, or per process (processes not in the map: nothing). */
  visibility: Visibility | ReadonlyMap<string, Visibility>;
  process?: string;
  /** Dotted state prefixes: `handling` matches `handling.working`. */
  states?: string[];
  level?: string;
  unit?: string;
  category?: string;
  overdue?: boolean;
  open?: boolean;
  /** Only cases the caller reported or handles. */
  mine?: boolean;
  text?: string;
  sort: CaseSort;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

interface ListRow {
  id: string;
  process: string;
  state: string;
  version: number;
  policy_version: number;
  summary: CaseSummary;
  next_due_at: Int8 | null;
  created_at: Int8;
  updated_at: Int8;
}

const LIST_COLUMNS = 'id, process, state, version, policy_version, summary, next_due_at, created_at, updated_at';

const toListRow = (r: ListRow): CaseListRow => ({
  id: r.id,
  process: r.process,
  state: r.state,
  version: r.version,
  policyVersion: r.policy_version,
  summary: r.summary,
  nextDueAt: r.next_due_at === null ? null : Number(r.next_due_at),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Builds `$n` parameters. */
function parameters(): { params: unknown[]; p: (value: unknown) => string } {
  const params: unknown[] = [];
  return { params, p: (value) => (params.push(value), `$${params.length}`) };
}

/** The SQL condition restricting cases to what a caller may see (null: everything in the tenant). */
function visibilityClause(visibility: Visibility, actorId: string, p: (value: unknown) => string): string | null {
  if (visibility.kind === 'all') return null;
  if (visibility.kind === 'none') return 'false';
  const any: string[] = [];
  if (visibility.units.length > 0) any.push(`units && ${p(visibility.units)}::text[]`);
  if (visibility.own) {
    const me = p(actorId);
    any.push(`reporter_id = ${me}`, `handler_id = ${me}`);
  }
  return any.length > 0 ? `(${any.join(' OR ')})` : 'false';
}

/** The SQL condition for per-process visibility: each process's cases as that process's rows open them. */
function processVisibilityClause(
  visibility: ReadonlyMap<string, Visibility>,
  actorId: string,
  p: (value: unknown) => string,
): string {
  const any: string[] = [];
  for (const [process, v] of visibility) {
    if (v.kind === 'none') continue;
    const clause = visibilityClause(v, actorId, p);
    any.push(clause === null ? `process = ${p(process)}` : `(process = ${p(process)} AND ${clause})`);
  }
  return any.length > 0 ? `(${any.join(' OR ')})` : 'false';
}

/**
 * One page of the cases a caller may see, filtered and sorted, with keyset paging on (sort key, id).
 *
 * @example
 * const page = await listVisibleCases(ctx.sql, { tenant, actorId, visibility, sort: 'deadline', order: 'asc', limit: 50 });
 */
export async function listVisibleCases(
  sql: SqlExecutor,
  q: CaseListParams,
): Promise<{ items: CaseListRow[]; nextCursor: string | null }> {
  const { visibility } = q;
  if (visibility instanceof Map ? visibility.size === 0 : (visibility as Visibility).kind === 'none')
    return { items: [], nextCursor: null };
  const { params, p } = parameters();
  const key = CASE_SORTS[q.sort];
  const where = [`tenant = ${p(q.tenant)}`];
  const visible =
    visibility instanceof Map
      ? processVisibilityClause(visibility, q.actorId, p)
      : visibilityClause(visibility as Visibility, q.actorId, p);
  if (visible) where.push(visible);
  if (q.process) where.push(`process = ${p(q.process)}`);
  if (q.states?.length) {
    where.push(
      `(${q.states.map((s) => `state = ${p(s)} OR (state >= ${p(`${s}.`)} AND state < ${p(`${s}/`)})`).join(' OR ')})`,
    );
  }
  if (q.level) where.push(`level = ${p(q.level)}`);
  if (q.unit) where.push(`units && ${p([q.unit])}::text[]`);
  if (q.category) where.push(`category = ${p(q.category)}`);
  if (q.open !== undefined) where.push(`open = ${p(q.open)}`);
  if (q.overdue !== undefined)
    where.push(`${q.overdue ? '' : 'NOT '}COALESCE(summary->'tags' @> '["overdue"]'::jsonb, false)`);
  if (q.mine) {
    const me = p(q.actorId);
    where.push(`(reporter_id = ${me} OR handler_id = ${me})`);
  }
  if (q.text) where.push(`title ILIKE ${p(`%${escapeLike(q.text)}%`)}`);
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor);
    if (value !== null && !Number.isSafeInteger(value)) throw invalidCursor();
    where.push(`(${key}, id) ${q.order === 'asc' ? '>' : '<'} (${p(value ?? INT8_MAX)}::bigint, ${p(id)})`);
  }
  const dir = q.order === 'asc' ? 'ASC' : 'DESC';
  const { rows } = await sql.query<ListRow>(
    `SELECT ${LIST_COLUMNS} FROM cases WHERE ${where.join(' AND ')} ORDER BY ${key} ${dir}, id ${dir} LIMIT ${p(q.limit + 1)}`,
    params,
  );
  const items = rows.slice(0, q.limit).map(toListRow);
  const last = items[items.length - 1];
  const sortValue = (row: CaseListRow): number | null =>
    q.sort === 'deadline' ? row.nextDueAt : q.sort === 'created' ? row.createdAt : row.updatedAt;
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(sortValue(last), last.id) : null };
}

function invalidCursor(): GridflowError {
  return new GridflowError(
    'query.invalid_cursor',
    { zh: '分页游标无效', en: 'Invalid pagination cursor' },
    { path: '/cursor' },
  );
}

/** A case with its history, for exports. */
export interface ExportedCase extends CaseListRow {
  processVersion: number;
  policyId: string;
  snapshot: { value: unknown; context: Record<string, unknown> };
  history: HistoryEntry[];
}

interface ExportRow extends ListRow {
  process_version: number;
  policy_id: string;
  snapshot: { value: unknown; context: Record<string, unknown> };
}

/**
 * One page of the cases created in [from, to), newest first, each with its whole history: the export policy staff
 * replay for what-if analysis.
 */
export async function exportCases(
  sql: SqlExecutor,
  q: { tenant: string; from: number; to: number; limit: number; cursor?: string; process?: string },
): Promise<{ items: ExportedCase[]; nextCursor: string | null }> {
  const { params, p } = parameters();
  const where = [`tenant = ${p(q.tenant)}`, `created_at >= ${p(q.from)}::bigint`, `created_at < ${p(q.to)}::bigint`];
  if (q.process) where.push(`process = ${p(q.process)}`);
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor);
    if (value === null || !Number.isSafeInteger(value)) throw invalidCursor();
    where.push(`(created_at, id) < (${p(value)}::bigint, ${p(id)})`);
  }
  const { rows } = await sql.query<ExportRow>(
    `SELECT ${LIST_COLUMNS}, process_version, policy_id, snapshot FROM cases WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${p(q.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, q.limit);
  const ids = page.map((r) => r.id);
  const history = new Map<string, HistoryEntry[]>();
  if (ids.length > 0) {
    const { rows: entries } = await sql.query<HistoryRow>(
      `SELECT ${HISTORY_COLUMNS} FROM case_history WHERE tenant = $1 AND case_id = ANY($2::text[]) ORDER BY case_id, seq`,
      [q.tenant, ids],
    );
    for (const e of entries) {
      const list = history.get(e.case_id) ?? [];
      list.push(historyEntryOf(e));
      history.set(e.case_id, list);
    }
  }
  const items = page.map((r) => ({
    ...toListRow(r),
    processVersion: r.process_version,
    policyId: r.policy_id,
    snapshot: r.snapshot,
    history: history.get(r.id) ?? [],
  }));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(last.createdAt, last.id) : null };
}

/**
 * The cases of `ids` the caller may see (the same restriction as {@link listVisibleCases}), by id; others are left
 * out.
 *
 * @example
 * const cases = await visibleCasesByIds(ctx.sql, { tenant, actorId, visibility }, ['c1', 'c2']);
 */
export async function visibleCasesByIds(
  sql: SqlExecutor,
  q: { tenant: string; actorId: string; visibility: Visibility | ReadonlyMap<string, Visibility> },
  ids: readonly string[],
): Promise<Map<string, CaseListRow>> {
  const { visibility } = q;
  if (ids.length === 0) return new Map();
  if (visibility instanceof Map ? visibility.size === 0 : (visibility as Visibility).kind === 'none') return new Map();
  const { params, p } = parameters();
  const where = [`tenant = ${p(q.tenant)}`, `id = ANY(${p([...new Set(ids)])}::text[])`];
  const visible =
    visibility instanceof Map
      ? processVisibilityClause(visibility, q.actorId, p)
      : visibilityClause(visibility as Visibility, q.actorId, p);
  if (visible) where.push(visible);
  const { rows } = await sql.query<ListRow>(`SELECT ${LIST_COLUMNS} FROM cases WHERE ${where.join(' AND ')}`, params);
  return new Map(rows.map((r) => [r.id, toListRow(r)]));
}
