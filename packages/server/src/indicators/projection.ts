import {
  GridflowError,
  type CaseRecord,
  type CaseStore,
  type HistoryEntry,
  type Policy,
  type PolicyRegistry,
  type StoreTransaction,
} from '@gridflow/core';
import { indicatorEvents } from '@gridflow/core/runtime';
import type { SqlExecutor } from '../store/sql.js';
import { sqlExecutorOf } from '../store/sqlStore.js';

/*
 * The indicator projection: core's `indicatorEvents` of every case, kept as rows of `indicator_events` (one per
 * event and unit it counts for, plus one for the tenant as a whole under the empty unit). A case's rows are
 * rewritten whenever history is appended for it, in the same transaction, so the figures are never behind the
 * history and never ahead of it; `rebuildIndicators` recomputes them all from history.
 */

/** The policy version a case is pinned to, read through the transaction's own executor when it must be read. */
export type PolicyResolver = (q: SqlExecutor, tenant: string, id: string, version: number) => Promise<Policy>;

/**
 * Resolves a case's policy: from the registry when it has the version, else from `policy_versions` through the
 * given executor (inside a transaction on PGlite, another connection would wait for this one).
 *
 * @example
 * const resolve = policyResolver((tenant) => policies.registry(tenant));
 */
export function policyResolver(registry?: (tenant: string) => PolicyRegistry): PolicyResolver {
  return async (q, tenant, id, version) => {
    if (registry) {
      try {
        return registry(tenant).get(id, version);
      } catch {
        // not loaded yet (or published within this transaction): read it
      }
    }
    const { rows } = await q.query<{ document: Policy; status: Policy['status'] }>(
      'SELECT document, status FROM policy_versions WHERE tenant = $1 AND id = $2 AND version = $3',
      [tenant, id, version],
    );
    const row = rows[0];
    if (!row) {
      throw new GridflowError('policy.not_found', {
        zh: `找不到政策 ${id} 第 ${version} 版`,
        en: `Policy ${id} version ${version} not found`,
      });
    }
    return { ...row.document, id, version, status: row.status };
  };
}

interface CaseRow {
  id: string;
  process: string;
  policy_id: string;
  policy_version: number;
  snapshot: CaseRecord['snapshot'];
  summary: CaseRecord['summary'];
}

interface HistoryRow {
  case_id: string;
  seq: number;
  at: number | string;
  command: string;
  input: HistoryEntry['input'];
  from_state: string;
  to_state: string;
}

/** The unit's kind: `street` of `street:s-01`; the tenant row (empty unit) has the empty level. */
const levelOf = (unit: string): string => {
  const i = unit.indexOf(':');
  return i < 0 ? unit : unit.slice(0, i);
};

/**
 * Rewrites the projection rows of some cases of a tenant from their record and whole history: what a
 * transaction that appended history for them does before it commits. Cases that do not exist lose their rows.
 *
 * @example
 * await projectCases(q, 'demo', ['c1', 'c2'], resolve);
 */
export async function projectCases(
  q: SqlExecutor,
  tenant: string,
  caseIds: readonly string[],
  resolve: PolicyResolver,
): Promise<number> {
  if (caseIds.length === 0) return 0;
  const ids = [...new Set(caseIds)];
  // One after the other: both run on the transaction's one connection.
  const cases = await q.query<CaseRow>(
    `SELECT id, process, policy_id, policy_version, snapshot, summary FROM cases
      WHERE tenant = $1 AND id = ANY($2::text[])`,
    [tenant, ids],
  );
  const history = await q.query<HistoryRow>(
    `SELECT case_id, seq, at, command, input, from_state, to_state FROM case_history
      WHERE tenant = $1 AND case_id = ANY($2::text[]) ORDER BY case_id, seq`,
    [tenant, ids],
  );
  const byCase = new Map<string, HistoryEntry[]>();
  for (const h of history.rows) {
    const entry = {
      caseId: h.case_id,
      tenant,
      seq: h.seq,
      at: Number(h.at),
      actor: { id: '', roles: [] },
      command: h.command,
      input: h.input,
      from: h.from_state,
      to: h.to_state,
      policyId: '',
      policyVersion: 0,
      decisions: [],
    } satisfies HistoryEntry;
    const list = byCase.get(h.case_id);
    if (list) list.push(entry);
    else byCase.set(h.case_id, [entry]);
  }
  const caseCol: string[] = [];
  const nCol: number[] = [];
  const kindCol: string[] = [];
  const atCol: number[] = [];
  const unitCol: string[] = [];
  const levelCol: string[] = [];
  for (const row of cases.rows) {
    if (row.process !== 'gridEscalation' && row.process !== 'appealEvaluation') continue;
    const policy = await resolve(q, tenant, row.policy_id, row.policy_version);
    const record = {
      id: row.id,
      process: row.process,
      snapshot: row.snapshot,
      summary: row.summary,
    } as CaseRecord;
    indicatorEvents(policy, record, byCase.get(row.id) ?? []).forEach((e, n) => {
      for (const unit of ['', ...new Set(e.units)]) {
        caseCol.push(row.id);
        nCol.push(n);
        kindCol.push(e.kind);
        atCol.push(e.at);
        unitCol.push(unit);
        levelCol.push(levelOf(unit));
      }
    });
  }
  await q.query('DELETE FROM indicator_events WHERE tenant = $1 AND case_id = ANY($2::text[])', [tenant, ids]);
  if (caseCol.length > 0) {
    await q.query(
      `INSERT INTO indicator_events (tenant, case_id, n, kind, at, unit, level)
        SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::bigint[], $6::text[], $7::text[])`,
      [tenant, caseCol, nCol, kindCol, atCol, unitCol, levelCol],
    );
  }
  return caseCol.length;
}

/**
 * Wraps the SQL store so that every transaction that appends history — a command, a fired deadline, an effect on
 * another case, a migration, the demo seed — rewrites the projection of the cases it touched before it commits.
 * A transaction that rolls back leaves the projection as it was.
 *
 * @example
 * const store = projectIndicators(opened.store, policyResolver((t) => policies.registry(t)));
 */
export function projectIndicators(store: CaseStore, resolve: PolicyResolver): CaseStore {
  const projected: CaseStore = {
    getCase: (tenant, id) => store.getCase(tenant, id),
    listCases: (query) => store.listCases(query),
    history: (tenant, caseId) => store.history(tenant, caseId),
    historyBetween: (tenant, from, to) => store.historyBetween(tenant, from, to),
    dueCases: (now, limit) => store.dueCases(now, limit),
    transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      return store.transaction(async (tx) => {
        const touched = new Map<string, Set<string>>();
        const result = await fn({
          getCase: (tenant, id, options) => tx.getCase(tenant, id, options),
          findByIdempotencyKey: (tenant, key) => tx.findByIdempotencyKey(tenant, key),
          insertCase: (record) => tx.insertCase(record),
          updateCase: (record, expected) => tx.updateCase(record, expected),
          async appendHistory(entries) {
            await tx.appendHistory(entries);
            for (const e of entries) {
              let ids = touched.get(e.tenant);
              if (!ids) touched.set(e.tenant, (ids = new Set()));
              ids.add(e.caseId);
            }
          },
          native: tx.native,
        });
        const q = sqlExecutorOf(tx);
        if (q) for (const [tenant, ids] of touched) await projectCases(q, tenant, [...ids], resolve);
        return result;
      });
    },
  };
  if (store.close) {
    const close = store.close.bind(store);
    projected.close = () => close();
  }
  return projected;
}

/** What {@link rebuildIndicators} did. */
export interface RebuildReport {
  tenants: number;
  cases: number;
  rows: number;
}

/**
 * Recomputes the projection from history: every case of a tenant (or of every tenant), in batches of `batch`
 * cases, each batch in its own transaction (a batch's cases are locked while they are rewritten, so a command
 * given meanwhile waits and then rewrites its case itself). Rows of cases that no longer exist are dropped.
 *
 * @example
 * await rebuildIndicators(sql, policyResolver(), { tenant: 'demo' }); // { tenants: 1, cases: 412, rows: 9120 }
 */
export async function rebuildIndicators(
  sql: SqlExecutor,
  resolve: PolicyResolver,
  options: { tenant?: string; batch?: number; onProgress?: (cases: number) => void } = {},
): Promise<RebuildReport> {
  const batch = Math.max(1, options.batch ?? 500);
  const tenants =
    options.tenant !== undefined
      ? [options.tenant]
      : (
          await sql.query<{ tenant: string }>(
            'SELECT tenant FROM cases UNION SELECT tenant FROM indicator_events ORDER BY tenant',
          )
        ).rows.map((r) => r.tenant);
  const cache = new Map<string, Policy>();
  const cached: PolicyResolver = async (q, tenant, id, version) => {
    const key = `${tenant}\u001f${id}\u001f${version}`;
    let policy = cache.get(key);
    if (!policy) cache.set(key, (policy = await resolve(q, tenant, id, version)));
    return policy;
  };
  const report: RebuildReport = { tenants: tenants.length, cases: 0, rows: 0 };
  for (const tenant of tenants) {
    await sql.query(
      `DELETE FROM indicator_events e WHERE tenant = $1
        AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.tenant = e.tenant AND c.id = e.case_id)`,
      [tenant],
    );
    let after = '';
    for (;;) {
      const done = await sql.transaction(async (q) => {
        const { rows } = await q.query<{ id: string }>(
          'SELECT id FROM cases WHERE tenant = $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE',
          [tenant, after, batch],
        );
        if (rows.length === 0) return true;
        report.rows += await projectCases(
          q,
          tenant,
          rows.map((r) => r.id),
          cached,
        );
        report.cases += rows.length;
        after = rows[rows.length - 1]!.id;
        return rows.length < batch;
      });
      options.onProgress?.(report.cases);
      if (done) break;
    }
  }
  return report;
}
