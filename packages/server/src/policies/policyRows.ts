import type { Policy } from '@gridflow/core';
import type { StoredPolicy } from '../context.js';
import type { SqlExecutor } from '../store/sql.js';
import { policyErrors as errors } from './policyErrors.js';

/**
 * The rows of `policy_versions` and the SQL the repository runs on them. Every statement names the tenant and the
 * policy; values travel as parameters.
 */

/** One row of `policy_versions` as the drivers return it (int8 columns as numbers or strings). */
export interface Row {
  tenant: string;
  id: string;
  version: number;
  status: Policy['status'];
  document: Policy;
  author: string;
  editors: string[];
  reviewed_by: string | null;
  review_note: string | null;
  reviewed_at: number | string | null;
  approved_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
  published_at: number | string | null;
}

/** The columns every read returns. */
export const COLUMNS =
  'tenant, id, version, status, document, author, editors, reviewed_by, review_note, reviewed_at, approved_at, created_at, updated_at, published_at';

/** One version, or `policy.not_found`. */
export async function loadRow(q: SqlExecutor, tenant: string, id: string, version: number): Promise<Row> {
  const { rows } = await q.query<Row>(
    `SELECT ${COLUMNS} FROM policy_versions WHERE tenant = $1 AND id = $2 AND version = $3`,
    [tenant, id, version],
  );
  if (!rows[0]) throw errors.notFound(id, version);
  return rows[0];
}

/** The next version number of a policy (1 for a new one). Call it under the policy's lock. */
export async function nextVersion(q: SqlExecutor, tenant: string, id: string): Promise<number> {
  const { rows } = await q.query<{ max: number | null }>(
    'SELECT max(version) AS max FROM policy_versions WHERE tenant = $1 AND id = $2',
    [tenant, id],
  );
  return Number(rows[0]?.max ?? 0) + 1;
}

/** Inserts a version; `effective_from` is read from the document. */
export async function insertRow(q: SqlExecutor, row: Omit<Row, 'document'> & { document: unknown }): Promise<Row> {
  const { rows } = await q.query<Row>(
    `INSERT INTO policy_versions (${COLUMNS}, effective_from)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7::text[], $8, $9, $10::bigint, $11::bigint, $12::bigint, $13::bigint, $14::bigint, $15::bigint)
     RETURNING ${COLUMNS}`,
    [
      row.tenant,
      row.id,
      row.version,
      row.status,
      JSON.stringify(row.document),
      row.author,
      row.editors,
      row.reviewed_by,
      row.review_note,
      row.reviewed_at,
      row.approved_at,
      row.created_at,
      row.updated_at,
      row.published_at,
      effectiveFrom(row.document),
    ],
  );
  return rows[0]!;
}

/** Writes the workflow columns (and the document's own `status`) of one version. */
export async function updateRow(
  q: SqlExecutor,
  row: Row,
  set: Partial<Omit<Row, 'tenant' | 'id' | 'version'>>,
  now: number,
): Promise<Row> {
  const next: Row = { ...row, ...set, updated_at: now };
  const document = { ...next.document, status: next.status };
  const { rows } = await q.query<Row>(
    `UPDATE policy_versions SET status = $4, document = $5::jsonb, editors = $6::text[], reviewed_by = $7, review_note = $8,
            reviewed_at = $9::bigint, approved_at = $10::bigint, updated_at = $11::bigint, published_at = $12::bigint, effective_from = $13::bigint
      WHERE tenant = $1 AND id = $2 AND version = $3 RETURNING ${COLUMNS}`,
    [
      row.tenant,
      row.id,
      row.version,
      next.status,
      JSON.stringify(document),
      next.editors,
      next.reviewed_by,
      next.review_note,
      next.reviewed_at,
      next.approved_at,
      now,
      next.published_at,
      effectiveFrom(document),
    ],
  );
  return rows[0]!;
}

/**
 * Retires published versions that a newer published version already in effect replaces (all policies of the
 * tenant when `id` is null): at publishing, and when listing, for versions published to take effect later.
 */
export async function retireSuperseded(q: SqlExecutor, tenant: string, id: string | null, now: number): Promise<void> {
  await q.query(
    `UPDATE policy_versions p SET status = 'retired', updated_at = $3::bigint,
            document = jsonb_set(p.document, '{status}', '"retired"')
      WHERE p.tenant = $1 AND ($2::text IS NULL OR p.id = $2) AND p.status = 'published'
        AND EXISTS (SELECT 1 FROM policy_versions n WHERE n.tenant = p.tenant AND n.id = p.id AND n.status = 'published'
                       AND n.version > p.version AND COALESCE(n.effective_from, 0) <= $3::bigint)`,
    [tenant, id, now],
  );
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The stored document: the given one with the fields the repository owns (id, version, status, author) set. */
export function normalise(document: unknown, fields: Pick<Policy, 'id' | 'version' | 'status' | 'author'>): Policy {
  const base = isObject(document) ? structuredClone(document) : {};
  return { ...base, ...fields } as unknown as Policy;
}

/** When a document says it takes effect, as epoch ms (null when it says nothing readable). */
export function effectiveFrom(document: unknown): number | null {
  const text = isObject(document) ? document.effectiveFrom : undefined;
  const at = typeof text === 'string' ? Date.parse(text) : NaN;
  return Number.isFinite(at) ? at : null;
}

export function approvalStatus(row: Row): string {
  return row.status === 'in_review' && row.approved_at !== null ? 'approved' : row.status;
}

const num = (v: number | string | null): number | undefined => (v === null ? undefined : Number(v));

export function toStored(row: Row): StoredPolicy {
  const stored: StoredPolicy = {
    tenant: row.tenant,
    id: row.id,
    version: row.version,
    status: row.status,
    document: row.document,
    author: row.author,
    editors: row.editors,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  if (row.reviewed_by !== null) stored.reviewedBy = row.reviewed_by;
  if (row.review_note !== null) stored.reviewNote = row.review_note;
  const reviewedAt = num(row.reviewed_at);
  if (reviewedAt !== undefined) stored.reviewedAt = reviewedAt;
  const approvedAt = num(row.approved_at);
  if (approvedAt !== undefined) stored.approvedAt = approvedAt;
  const publishedAt = num(row.published_at);
  if (publishedAt !== undefined) stored.publishedAt = publishedAt;
  return stored;
}
