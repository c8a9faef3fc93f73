import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore, type CaseRecord, type CaseStore, type HistoryEntry } from '@gridflow/core';
import { type CaseQuery } from '@gridflow/core/runtime';
import { runStoreContract, sampleCase } from '@gridflow/core/testing';
import {
  createPostgresClient,
  createSqlStore,
  migrate,
  migrations,
  openStore,
  redactUrl,
  type OpenedStore,
  type SqlClient,
} from './index.js';

// These tests need PostgreSQL. They are never skipped: if it does not answer, every test fails saying so.
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// A schema of our own per run, dropped at the end: no other data is touched and runs can go in parallel.
const schema = `gridflow_test_${randomBytes(5).toString('hex')}`;
const otherSchema = `${schema}_open`;

let admin: Client | undefined;
let sql: SqlClient | undefined;
let unavailable: Error | undefined;

beforeAll(async () => {
  const probe = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await probe.connect();
    admin = probe;
  } catch (error) {
    const reason = error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
    unavailable = new Error(
      `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${reason}). Start it or set DATABASE_URL; these tests are never skipped.`,
    );
    return;
  }
  sql = createPostgresClient({ connectionString: databaseUrl, schema, max: 8, connectionTimeoutMillis: 5_000 });
  await migrate(sql, { schema });
});

afterAll(async () => {
  await sql?.close();
  for (const s of [schema, otherSchema]) await admin?.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin?.end();
});

/** The client, or the clear error saying PostgreSQL is missing. */
function db(): SqlClient {
  if (unavailable) throw unavailable;
  if (!sql) throw new Error('PostgreSQL client not initialised');
  return sql;
}

// DELETE is quicker than TRUNCATE (which fsyncs new files) on tables this small; history goes with its case (ON DELETE CASCADE).
const truncate = () => db().query('DELETE FROM cases');

it(`PostgreSQL answers at ${redactUrl(databaseUrl)}`, async () => {
  const { rows } = await db().query<{ schema: string }>('SELECT current_schema() AS schema');
  expect(rows[0]?.schema).toBe(schema);
});

runStoreContract({ describe, it, expect: expect as never, beforeEach, afterAll }, 'PostgreSQL', {
  create: async () => {
    await truncate();
    return createSqlStore(db());
  },
});

describe('SQL store on PostgreSQL', () => {
  let store: CaseStore;
  beforeEach(async () => {
    await truncate();
    store = createSqlStore(db());
  });

  it('runs migrations once: a second run applies nothing', async () => {
    expect(await migrate(db(), { schema })).toEqual({ applied: [], version: migrations.length });
    const { rows } = await db().query<{ version: number }>('SELECT version FROM gridflow_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('lets several processes open (and migrate) a new schema at the same moment', async () => {
    db();
    const opened: OpenedStore[] = [];
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => openStore({ databaseUrl, schema: otherSchema, maxConnections: 2 })),
      );
      for (const r of results) if (r.status === 'fulfilled') opened.push(r.value);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(opened.flatMap((o) => o.migrations.applied).sort((a, b) => a - b)).toEqual(
        migrations.map((m) => m.version),
      );
      const { rows } = await opened[0]!.client.query<{ n: string }>('SELECT count(*) AS n FROM gridflow_migrations');
      expect(Number(rows[0]?.n)).toBe(migrations.length);
      await opened[1]!.store.transaction((tx) => tx.insertCase(sampleCase({ id: 'other-schema' })));
      expect((await opened[2]!.store.getCase('t1', 'other-schema'))?.id).toBe('other-schema');
      expect(await store.getCase('t1', 'other-schema')).toBeNull();
    } finally {
      await Promise.all(opened.map((o) => o.close()));
    }
  });

  it('says which database it could not reach', async () => {
    const error = await openStore({ databaseUrl: 'postgres://gridflow:secret@127.0.0.1:1/nowhere' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'store.unavailable' });
    const { messages } = error as { messages: { zh: string; en: string } };
    expect(messages.en).toContain('127.0.0.1:1/nowhere');
    expect(messages.zh).toContain('无法连接');
    expect(JSON.stringify(messages)).not.toContain('secret');
  });

  it('skips a case another transaction holds, and waits for it without skipLocked', async () => {
    await store.transaction((tx) => tx.insertCase(sampleCase({ id: 'held' })));
    const order: string[] = [];
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = store.transaction(async (tx) => {
      await tx.getCase('t1', 'held', { forUpdate: true });
      locked();
      await holding;
      order.push('holder commits');
    });
    await isLocked;
    expect(await store.transaction((tx) => tx.getCase('t1', 'held', { forUpdate: true, skipLocked: true }))).toBeNull();
    const waiter = store.transaction(async (tx) => {
      const c = await tx.getCase('t1', 'held', { forUpdate: true });
      order.push('waiter reads');
      return c;
    });
    await new Promise((r) => setTimeout(r, 100));
    release();
    expect((await waiter)?.id).toBe('held');
    await holder;
    expect(order).toEqual(['holder commits', 'waiter reads']);
  });

  it('fires each due deadline exactly once with two workers racing', async () => {
    const due = Array.from({ length: 30 }, (_, i) =>
      sampleCase({ id: `due${String(i).padStart(2, '0')}`, nextDueAt: 1_000 + i }),
    );
    await store.transaction(async (tx) => {
      for (const c of due) await tx.insertCase(c);
    });
    // What the runtime's tick() does: list due cases, then re-read each with a skip-locked lock and fire what is still due.
    const worker = async (name: string) => {
      let fired = 0;
      for (const { tenant, id } of await store.dueCases(5_000, 100)) {
        fired += await store.transaction(async (tx) => {
          const c = await tx.getCase(tenant, id, { forUpdate: true, skipLocked: true });
          if (!c || c.nextDueAt === null || c.nextDueAt > 5_000) return 0;
          const next: CaseRecord = { ...c, version: c.version + 1, nextDueAt: null, updatedAt: 5_000 };
          if (!(await tx.updateCase(next, c.version))) return 0;
          await tx.appendHistory([entry(next, next.version, 5_000, name)]);
          return 1;
        });
      }
      return fired;
    };
    const [a, b] = await Promise.all([worker('w1'), worker('w2')]);
    expect(a + b).toBe(30);
    expect(await store.dueCases(5_000, 100)).toEqual([]);
    const { rows } = await db().query<{ n: string }>('SELECT count(*) AS n FROM case_history');
    expect(Number(rows[0]?.n)).toBe(30);
  });

  it('keeps tenants apart in every read, including for equal ids, units and idempotency keys', async () => {
    const cases = ['t1', 't2'].flatMap((tenant) =>
      ['a', tenant === 't1' ? 'b' : 'c'].map((id) =>
        sampleCase({
          id,
          tenant,
          ...(id === 'a' ? { idempotencyKey: 'same-key' } : {}),
          summary: { units: ['grid:g-01'], open: true, title: `${tenant} 噪音` },
        }),
      ),
    );
    await store.transaction(async (tx) => {
      for (const c of cases) await tx.insertCase(c);
      await tx.appendHistory(cases.filter((c) => c.id === 'a').map((c) => entry(c, 1, 1_000, 'u1')));
    });
    const ids = (items: CaseRecord[]) => items.map((c) => `${c.tenant}/${c.id}`).sort();
    expect(
      ids((await store.listCases({ tenant: 't1', units: ['grid:g-01'], text: '噪音', states: ['handling'] })).items),
    ).toEqual(['t1/a', 't1/b']);
    expect(
      ids((await store.listCases({ tenant: 't2', dueBefore: 10_000, sort: 'nextDueAt', limit: 1 })).items),
    ).toEqual(['t2/a']);
    expect(await store.getCase('t2', 'b')).toBeNull();
    expect((await store.transaction((tx) => tx.findByIdempotencyKey('t2', 'same-key')))?.tenant).toBe('t2');
    expect((await store.history('t1', 'a')).map((e) => e.tenant)).toEqual(['t1']);
    expect((await store.historyBetween('t2', 0, 10_000)).map((e) => `${e.tenant}/${e.caseId}`)).toEqual(['t2/a']);
    const t1a = (await store.getCase('t1', 'a'))!;
    expect(await store.transaction((tx) => tx.updateCase({ ...t1a, version: 2, state: 'closed' }, 1))).toBe(true);
    expect((await store.getCase('t2', 'a'))!.state).toBe('handling.working');
  });

  it('lists, pages and finds due cases exactly like the in-memory store (int8 arrives as text from pg)', async () => {
    const memory = createMemoryStore();
    const states = ['triage', 'handling.working', 'handlingX.a', 'grid_x.y', 'gridZx.y', 'closed'];
    const cases = Array.from({ length: 40 }, (_, i) =>
      sampleCase({
        id: `c${String((i * 7) % 40).padStart(2, '0')}`,
        tenant: i % 5 === 0 ? 't2' : 't1',
        state: states[i % states.length]!,
        nextDueAt: i % 4 === 0 ? null : 1_700_000_000_000 + (i % 6) * 1_000,
        createdAt: 1_700_000_000_000 + (i % 9) * 10,
        updatedAt: 1_700_000_000_000 + (i % 3),
        summary: {
          units: i % 3 ? ['grid:g-01'] : ['grid:g-02'],
          open: i % 3 !== 0,
          ...(i % 7 === 3 ? {} : { title: i % 4 === 1 ? `噪音 100%_x ${i}` : `Noise ${i}` }),
        },
      }),
    );
    for (const s of [store, memory])
      await s.transaction(async (tx) => {
        for (const c of cases) await tx.insertCase(c);
      });
    const queries: Omit<CaseQuery, 'tenant'>[] = [
      {},
      { sort: 'nextDueAt' },
      { sort: 'nextDueAt', order: 'desc' },
      { sort: 'updatedAt', order: 'asc' },
      { states: ['handling', 'grid_x'] },
      { units: ['grid:g-02'], text: '100%_' },
      { dueBefore: 1_700_000_002_500, sort: 'nextDueAt', order: 'desc' },
    ];
    const pages = async (s: CaseStore, q: CaseQuery) => {
      const out: { ids: string[]; nextCursor: string | null }[] = [];
      let cursor: string | undefined;
      do {
        const page = await s.listCases({ ...q, ...(cursor ? { cursor } : {}) });
        out.push({ ids: page.items.map((c) => c.id), nextCursor: page.nextCursor });
        cursor = page.nextCursor ?? undefined;
      } while (cursor && out.length < 100);
      return out;
    };
    for (const q of queries) {
      for (const limit of [3, 500]) {
        const query = { ...q, tenant: 't1', limit };
        expect([query, await pages(store, query)]).toEqual([query, await pages(memory, query)]);
      }
    }
    expect(await store.dueCases(1_700_000_003_000, 100)).toEqual(await memory.dueCases(1_700_000_003_000, 100));
    expect(await store.getCase('t1', 'c07')).toEqual(await memory.getCase('t1', 'c07'));
  });

  it('delivers NOTIFY to listeners until they unsubscribe', async () => {
    const got: string[] = [];
    let heard!: () => void;
    const first = new Promise<void>((r) => (heard = r));
    const stop = await db().listen!('gridflow_test', (payload) => {
      got.push(payload);
      heard();
    });
    await db().query('SELECT pg_notify($1, $2)', ['gridflow_test', 'case:t1/a']);
    await first;
    await stop();
    await db().query('SELECT pg_notify($1, $2)', ['gridflow_test', 'after']);
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual(['case:t1/a']);
  });
});

function entry(c: CaseRecord, seq: number, at: number, actor: string): HistoryEntry {
  return {
    caseId: c.id,
    tenant: c.tenant,
    seq,
    at,
    actor: { id: actor, roles: ['system'] },
    command: 'deadline.due',
    input: {},
    from: c.state,
    to: c.state,
    policyId: c.policyId,
    policyVersion: c.policyVersion,
    decisions: [],
  };
}
