import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeadlineWorker } from '../deadlines/index.js';
import { actors, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';
import { IDEMPOTENCY_RETENTION_MS, pruneIdempotencyKeys, STALE_AFTER_MS } from './idempotency.js';

/** Idempotency keys past their retention are removed by the deadline worker; fresh ones stay (PGlite). */

const [T] = TENANTS;
const HOUR = 3_600_000;

describe('idempotency keys past their retention (pglite)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('pglite');
  });
  afterAll(async () => {
    await h?.close();
  });

  const submit = (key: string, title = '夜间施工噪声') =>
    h.request(actors.gridWorker, {
      method: 'POST',
      url: '/api/v1/cases',
      headers: { 'idempotency-key': key },
      payload: { process: 'gridEscalation', input: { ...noiseReport(), title } },
    });
  const keys = async () =>
    (
      await h.ctx.sql.query<{ key: string; status: string }>(
        'SELECT key, status FROM idempotency_keys WHERE tenant = $1 ORDER BY key',
        [T],
      )
    ).rows.map((r) => `${r.key}:${r.status}`);
  const age = (key: string, ms: number) =>
    h.ctx.sql.query(
      'UPDATE idempotency_keys SET updated_at = updated_at - $2, created_at = created_at - $2 WHERE key = $1',
      [key, ms],
    );
  const pending = (key: string, updatedAt: number) =>
    h.ctx.sql.query(
      `INSERT INTO idempotency_keys (tenant, scope, key, request_hash, status, claim, case_id, created_at, updated_at)
       VALUES ($1, 'caller:u-gone', $2, 'h', 'pending', 'c', NULL, $3, $3)`,
      [T, key, updatedAt],
    );

  it('the deadline worker removes a done key older than 24 hours and an abandoned pending one, keeps fresh ones', async () => {
    const old = await submit('retention-old-0001');
    expect(old.statusCode).toBe(201);
    expect((await submit('retention-fresh-0001')).statusCode).toBe(201);
    await age('retention-old-0001', IDEMPOTENCY_RETENTION_MS + HOUR);
    // A fresh one just inside the retention stays too.
    await submit('retention-edge-0001');
    await age('retention-edge-0001', IDEMPOTENCY_RETENTION_MS - HOUR);
    await pending('retention-pending-abandoned', Date.now() - IDEMPOTENCY_RETENTION_MS - HOUR);
    await pending('retention-pending-running', Date.now() - 1_000);
    expect(await keys()).toHaveLength(5);

    const removed: number[] = [];
    const worker = startDeadlineWorker(h.ctx, {
      intervalMs: 3_600_000,
      immediate: false,
      onPruned: (n) => removed.push(n),
      onError: (error) => {
        throw error;
      },
    });
    try {
      await worker.runOnce();
      expect(removed).toEqual([2]);
      expect(await keys()).toEqual([
        'retention-edge-0001:done',
        'retention-fresh-0001:done',
        'retention-pending-running:pending',
      ]);
      // At most one prune per interval: a row aged now stays until the next one.
      await age('retention-fresh-0001', IDEMPOTENCY_RETENTION_MS + HOUR);
      await worker.runOnce();
      expect(removed).toEqual([2]);
      expect(await keys()).toContain('retention-fresh-0001:done');
    } finally {
      await worker.stop();
    }

    // A retry after the key was removed still gets the first case: the case carries the key.
    const again = await submit('retention-old-0001');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: old.json<{ id: string }>().id });
  });

  it('keeps a pending key while it may still be running, however long the stale time is set', async () => {
    const now = Date.now();
    await pending('retention-pending-long-stale', now - IDEMPOTENCY_RETENTION_MS - HOUR);
    const staleAfterMs = IDEMPOTENCY_RETENTION_MS + 2 * HOUR;
    // The done key aged in the test before goes; the pending one stays while its stale time has not passed.
    expect(await pruneIdempotencyKeys(h.ctx.sql, { now, staleAfterMs })).toBe(1);
    expect(await keys()).toEqual([
      'retention-edge-0001:done',
      'retention-old-0001:done', // written again by the retry above
      'retention-pending-long-stale:pending',
      'retention-pending-running:pending',
    ]);
    // With the default stale time it is long abandoned; batches of one remove every expired row.
    await age('retention-edge-0001', 2 * HOUR);
    expect(STALE_AFTER_MS).toBeLessThan(IDEMPOTENCY_RETENTION_MS);
    expect(await pruneIdempotencyKeys(h.ctx.sql, { now, batchSize: 1 })).toBe(2);
    expect(await keys()).toEqual(['retention-old-0001:done', 'retention-pending-running:pending']);
  });
});
