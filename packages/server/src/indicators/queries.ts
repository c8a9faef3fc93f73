import { GridflowError } from '@gridflow/core';
import {
  INDICATOR_KINDS,
  decodeCursor,
  emptyIndicatorCounts,
  encodeCursor,
  type IndicatorCounts,
  type IndicatorKind,
} from '@gridflow/core/runtime';
import type { SqlExecutor } from '../store/sql.js';

/*
 * Figures from the projection (`indicator_events`), with SQL aggregates: a unit's counts for a period, the counts
 * of every unit of a level (a ranking), and the cases behind one count (the drill-down). The tenant as a whole is
 * the empty unit. Periods are [from, to) in epoch milliseconds.
 */

const known = new Set<string>(INDICATOR_KINDS);

function countsOf(rows: readonly { kind: string; count: number | string }[]): IndicatorCounts {
  const counts = emptyIndicatorCounts();
  for (const r of rows) if (known.has(r.kind)) counts[r.kind as IndicatorKind] += Number(r.count);
  return counts;
}

/**
 * A unit's counts (or the tenant's, with no unit) for [from, to).
 *
 * @example
 * await unitCounts(sql, 'demo', from, to, 'street:s-01'); // { filed: 120, dispatched: 131, … }
 */
export async function unitCounts(
  q: SqlExecutor,
  tenant: string,
  from: number,
  to: number,
  unit?: string,
): Promise<IndicatorCounts> {
  const { rows } = await q.query<{ kind: string; count: number | string }>(
    `SELECT kind, count(*) AS count FROM indicator_events
      WHERE tenant = $1 AND unit = $2 AND at >= $3 AND at < $4 GROUP BY kind`,
    [tenant, unit ?? '', from, to],
    { name: 'gridflow_indicator_unit_counts' },
  );
  return countsOf(rows);
}

/**
 * The counts of every unit of a level (`street`, `grid`…) that has any event in [from, to), by unit.
 *
 * @example
 * (await levelCounts(sql, 'demo', 'street', from, to)).get('street:s-01')?.filed; // 120
 */
export async function levelCounts(
  q: SqlExecutor,
  tenant: string,
  level: string,
  from: number,
  to: number,
): Promise<Map<string, IndicatorCounts>> {
  // A month of the grids of a city is about 700,000 rows in 75,000 (unit, kind) groups: with the default work_mem
  // (4 MB) PostgreSQL sorts them on disk (720 ms at 1,000,000 cases), with 32 MB for this query it hashes them
  // in memory (about 400 ms). SET LOCAL ends with the transaction.
  const rows = await q.transaction(async (t) => {
    await t.query(`SET LOCAL work_mem = '32MB'`);
    return (
      await t.query<{ unit: string; kind: string; count: number | string }>(
        `SELECT unit, kind, count(*) AS count FROM indicator_events
          WHERE tenant = $1 AND level = $2 AND at >= $3 AND at < $4 GROUP BY unit, kind`,
        [tenant, level, from, to],
        { name: 'gridflow_indicator_level_counts' },
      )
    ).rows;
  });
  const byUnit = new Map<string, { kind: string; count: number | string }[]>();
  for (const r of rows) {
    const list = byUnit.get(r.unit);
    if (list) list.push(r);
    else byUnit.set(r.unit, [r]);
  }
  return new Map([...byUnit].map(([unit, list]) => [unit, countsOf(list)]));
}

/** One event behind a figure: the case, and when it counted. */
export interface DrillDownItem {
  caseId: string;
  kind: IndicatorKind;
  at: number;
}

/**
 * The events behind counts of a unit (or of the tenant) for [from, to), oldest first, a page at a time: one
 * row per event (a case dispatched twice in the period appears twice). `kinds` narrows to some counters.
 *
 * @example
 * await drillDown(sql, 'demo', { unit: 'grid:g-01', from, to, kinds: ['signedInTime'], limit: 50 });
 */
export async function drillDown(
  q: SqlExecutor,
  tenant: string,
  options: { unit?: string; from: number; to: number; kinds?: readonly string[]; limit: number; cursor?: string },
): Promise<{ items: DrillDownItem[]; nextCursor: string | null }> {
  const params: unknown[] = [tenant, options.unit ?? '', options.from, options.to];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = ['tenant = $1', 'unit = $2', 'at >= $3', 'at < $4'];
  if (options.kinds?.length) where.push(`kind = ANY(${p([...options.kinds])}::text[])`);
  if (options.cursor) {
    const [at, key] = decodeCursor(options.cursor);
    const sep = key.lastIndexOf('/');
    const n = Number(key.slice(sep + 1));
    if (typeof at !== 'number' || !Number.isSafeInteger(at) || sep < 0 || !Number.isSafeInteger(n))
      throw new GridflowError(
        'query.invalid_cursor',
        { zh: '分页游标无效', en: 'Invalid pagination cursor' },
        { path: '/cursor' },
      );
    where.push(`(at, case_id, n) > (${p(at)}, ${p(key.slice(0, sep))}, ${p(n)})`);
  }
  const { rows } = await q.query<{ case_id: string; n: number; kind: string; at: number | string }>(
    `SELECT case_id, n, kind, at FROM indicator_events WHERE ${where.join(' AND ')}
      ORDER BY at, case_id, n LIMIT ${p(options.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, options.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => ({ caseId: r.case_id, kind: r.kind as IndicatorKind, at: Number(r.at) })),
    nextCursor: rows.length > options.limit && last ? encodeCursor(Number(last.at), `${last.case_id}/${last.n}`) : null,
  };
}
