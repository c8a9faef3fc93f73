import { createHash, randomUUID } from 'node:crypto';
import { GridflowError, systemClock, type CaseRecord, type Clock } from '@gridflow/core';
import type { SqlExecutor } from '../store/sql.js';
import { HttpError } from './errors.js';

/**
 * Idempotency keys of submissions (`Idempotency-Key`, IETF draft-ietf-httpapi-idempotency-key-header).
 *
 * A key belongs to its caller: to the verified caller's id, or, for an anonymous report, to the key together
 * with a hash of the body (so two residents who happen to send one key never see each other's case). Each key is
 * a row of `idempotency_keys`, inserted first as `pending`: the request that inserts it runs the submission; any
 * other request with that key, in this process or another on the same database, finds the row and
 *
 * - with another body: 422 `idempotency.key_reused`;
 * - while the first is still running: 409 `idempotency.in_flight` (retry later);
 * - once it is done: the first case again (200, `Idempotent-Replayed: true`).
 *
 * A submission that fails removes its row, so a corrected retry may use the key again. A row left pending by a
 * process that died is taken over after `staleAfterMs` (server setting `GRIDFLOW_IDEMPOTENCY_STALE_MS`, default
 * {@link STALE_AFTER_MS}); the case itself carries the key too (unique per
 * tenant), so a takeover finds a case the dead process committed instead of making a second one.
 */

/** How long a pending key protects its request: a submission that takes longer is taken to have died. */
export const STALE_AFTER_MS = 60_000;

/**
 * How long a finished key is kept: 24 hours, the expiry the IETF draft suggests. After that the deadline worker
 * removes it ({@link pruneIdempotencyKeys}); a retry with the key still gets the same case (the case carries the
 * key), but a different body with it is no longer told 422 `idempotency.key_reused`.
 */
export const IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;

/** Whose key it is: a verified caller, or an anonymous report with this body. */
export type IdempotencyOwner = { callerId: string } | { anonymous: true };

/** What an idempotent submission returned: the case, and whether it was made by an earlier request. */
export interface IdempotentResult {
  record: CaseRecord;
  replayed: boolean;
}

/** Options of {@link idempotentSubmit}. */
export interface IdempotentSubmitOptions {
  sql: SqlExecutor;
  tenant: string;
  owner: IdempotencyOwner;
  /** The `Idempotency-Key` header. */
  key: string;
  /** The request body the key is bound to. */
  body: unknown;
  /** Makes the case; given the key the case carries (unique per tenant). */
  submit(caseKey: string): Promise<CaseRecord>;
  /** Reads a case made earlier. */
  load(caseId: string): Promise<CaseRecord | null>;
  /** Real time, for staleness (never the demo clock: it may jump); default the system clock. */
  clock?: Clock;
  /** How long a pending key protects its request (default {@link STALE_AFTER_MS}). */
  staleAfterMs?: number;
}

/**
 * JSON with object keys in code-point order at every depth: one text for one value, whatever order its keys were
 * sent in. Linear in the size of the value apart from sorting each object's keys.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/** The SHA-256 (hex) of a request body's canonical JSON. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** The scope of a key: `caller:<id>`, or `anonymous:<body hash>`. */
export function scopeOf(owner: IdempotencyOwner, hash: string): string {
  return 'callerId' in owner ? `caller:${owner.callerId}` : `anonymous:${hash}`;
}

export const idempotencyErrors = {
  keyReused: () =>
    new HttpError(
      422,
      'idempotency.key_reused',
      '该幂等键已用于另一份请求内容：请为新的上报使用新的 Idempotency-Key',
      'This Idempotency-Key was used for a different request body: use a new key for a new submission',
      { path: '/headers/idempotency-key' },
    ),
  inFlight: () =>
    new HttpError(
      409,
      'idempotency.in_flight',
      '使用该幂等键的请求仍在处理中，请稍后重试',
      'A request with this Idempotency-Key is still being processed: retry later',
      { path: '/headers/idempotency-key' },
    ),
};

interface KeyRow {
  request_hash: string;
  status: 'pending' | 'done';
  case_id: string | null;
}

/**
 * Runs a submission once per key and owner (see the module comment).
 *
 * @throws HttpError 422 `idempotency.key_reused`, 409 `idempotency.in_flight`; whatever `submit` throws.
 * @example
 * const { record, replayed } = await idempotentSubmit({
 *   sql, tenant, owner: { callerId: actor.id }, key, body,
 *   submit: (caseKey) => runtime.submit({ ...request, idempotencyKey: caseKey }),
 *   load: (id) => store.getCase(tenant, id),
 * });
 */
export function idempotentSubmit(options: IdempotentSubmitOptions): Promise<IdempotentResult> {
  return attempt(options, 0);
}

async function attempt(options: IdempotentSubmitOptions, tries: number): Promise<IdempotentResult> {
  const { sql, tenant, key } = options;
  const clock = options.clock ?? systemClock;
  const hash = requestHash(options.body);
  const scope = scopeOf(options.owner, hash);
  const caseKey = `${scope}\u001f${key}`;
  const claim = randomUUID();
  const now = clock.now();

  let mine =
    (
      await sql.query(
        `INSERT INTO idempotency_keys (tenant, scope, key, request_hash, status, claim, case_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'pending', $5, NULL, $6, $6)
         ON CONFLICT (tenant, scope, key) DO NOTHING
         RETURNING 1`,
        [tenant, scope, key, hash, claim, now],
      )
    ).rows.length > 0;

  if (!mine) {
    const { rows } = await sql.query<KeyRow>(
      'SELECT request_hash, status, case_id FROM idempotency_keys WHERE tenant = $1 AND scope = $2 AND key = $3',
      [tenant, scope, key],
    );
    const row = rows[0];
    // Gone between the two statements: its request failed and released it; this one may try again.
    if (!row) {
      if (tries >= 2) throw idempotencyErrors.inFlight();
      return attempt(options, tries + 1);
    }
    if (row.request_hash !== hash) throw idempotencyErrors.keyReused();
    if (row.status === 'done' && row.case_id !== null) {
      const record = await options.load(row.case_id);
      if (record) return { record, replayed: true };
    }
    // Pending: still running, unless its process died long ago; then this request takes it over.
    mine =
      (
        await sql.query(
          `UPDATE idempotency_keys SET claim = $4, status = 'pending', case_id = NULL, updated_at = $5
           WHERE tenant = $1 AND scope = $2 AND key = $3 AND request_hash = $6
             AND (status = 'done' OR updated_at < $7)
           RETURNING 1`,
          [tenant, scope, key, claim, now, hash, now - (options.staleAfterMs ?? STALE_AFTER_MS)],
        )
      ).rows.length > 0;
    if (!mine) throw idempotencyErrors.inFlight();
  }

  try {
    // A taken-over key may already have its case: the dead request committed it and died before saying so.
    const { rows: existing } = await sql.query<{ id: string }>(
      'SELECT id FROM cases WHERE tenant = $1 AND idempotency_key = $2',
      [tenant, caseKey],
    );
    let record: CaseRecord;
    let replayed = existing.length > 0;
    try {
      record = await options.submit(caseKey);
    } catch (error) {
      // A request that took over a stale key raced the one it thought dead: that one's case won the unique key.
      if (!(error instanceof GridflowError) || error.code !== 'case.conflict') throw error;
      record = await options.submit(caseKey);
      replayed = true;
    }
    await sql.query(
      `UPDATE idempotency_keys SET status = 'done', case_id = $5, updated_at = $6
       WHERE tenant = $1 AND scope = $2 AND key = $3 AND claim = $4`,
      [tenant, scope, key, claim, record.id, clock.now()],
    );
    return { record, replayed };
  } catch (error) {
    await sql
      .query('DELETE FROM idempotency_keys WHERE tenant = $1 AND scope = $2 AND key = $3 AND claim = $4', [
        tenant,
        scope,
        key,
        claim,
      ])
      .catch(() => undefined);
    throw error;
  }
}

/** Options of {@link pruneIdempotencyKeys}. */
export interface PruneIdempotencyOptions {
  /** Real time now (epoch ms; never the demo clock). */
  now: number;
  /** How long a done key is kept (default {@link IDEMPOTENCY_RETENTION_MS}). */
  retentionMs?: number;
  /**
   * How long a pending key protects its request (the server's `idempotencyStaleMs`, default
   * {@link STALE_AFTER_MS}): a pending key is removed only once it is older than both this and the retention,
   * i.e. long after any retry could have taken it over.
   */
  staleAfterMs?: number;
  /** Rows deleted per statement (default 1000), so one prune never holds many row locks at once. */
  batchSize?: number;
}

/**
 * Removes the keys past their retention: done keys last written more than `retentionMs` ago, and pending keys
 * abandoned by a process that died (older than the retention and the stale time). Deletes in batches until none
 * is left; safe to run from several processes at once. Resolves to the number of rows removed.
 *
 * @example
 * const removed = await pruneIdempotencyKeys(ctx.sql, { now: Date.now() });
 */
export async function pruneIdempotencyKeys(sql: SqlExecutor, options: PruneIdempotencyOptions): Promise<number> {
  const retention = options.retentionMs ?? IDEMPOTENCY_RETENTION_MS;
  const doneBefore = options.now - retention;
  const pendingBefore = options.now - Math.max(retention, options.staleAfterMs ?? STALE_AFTER_MS);
  const batch = Math.max(1, Math.floor(options.batchSize ?? 1000));
  let removed = 0;
  for (;;) {
    const { rows } = await sql.query(
      `DELETE FROM idempotency_keys WHERE (tenant, scope, key) IN (
         SELECT tenant, scope, key FROM idempotency_keys
         WHERE (status = 'done' AND updated_at < $1) OR (status = 'pending' AND updated_at < $2)
         LIMIT $3)
       RETURNING 1`,
      [doneBefore, pendingBefore, batch],
    );
    removed += rows.length;
    if (rows.length < batch) return removed;
  }
}
