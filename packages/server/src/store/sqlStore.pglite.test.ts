import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore, GridflowError, type CaseRecord, type CaseStore, type HistoryEntry } from '@gridflow/core';
import { type CaseQuery } from '@gridflow/core/runtime';
import { runStoreContract, sampleCase } from '@gridflow/core/testing';
import {
  createSqlStore,
  LOCK_FILE,
  lockDataDir,
  migrate,
  migrations,
  openPgliteClient,
  openStore,
  type SqlClient,
} from './index.js';

// One in-memory PGlite for the whole file (creating one takes seconds); tables are emptied between tests.
let client: SqlClient;
beforeAll(async () => {
  client = await openPgliteClient();
  await migrate(client);
});
afterAll(() => client.close());

// DELETE is quicker than TRUNCATE on tables this small; history goes with its case (ON DELETE CASCADE).
const truncate = () => client.query('DELETE FROM cases');

runStoreContract({ describe, it, expect: expect as never, beforeEach, afterAll }, 'PGlite', {
  create: async () => {
    await truncate();
    return createSqlStore(client);
  },
});

describe('SQL store on PGlite', () => {
  let store: CaseStore;
  beforeEach(async () => {
    await truncate();
    store = createSqlStore(client);
  });

  it('runs migrations once: a second run applies nothing', async () => {
    expect(await migrate(client)).toEqual({ applied: [], version: migrations.length });
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM gridflow_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('applies an appended migration, then refuses older code on the newer schema', async () => {
    const extra = {
      version: migrations.length + 1,
      name: 'test table',
      statements: ['CREATE TABLE gridflow_test_extra (tenant text, PRIMARY KEY (tenant))'],
    };
    try {
      expect(await migrate(client, { migrations: [...migrations, extra] })).toEqual({
        applied: [extra.version],
        version: extra.version,
      });
      await expect(migrate(client)).rejects.toMatchObject({ code: 'store.schema_too_new' });
    } finally {
      await client.query('DELETE FROM gridflow_migrations WHERE version = $1', [extra.version]);
      await client.query('DROP TABLE IF EXISTS gridflow_test_extra');
    }
  });

  it('keeps tenants apart in every read, including for equal ids, units and idempotency keys', async () => {
    await seedTwoTenants(store);
    const ids = (items: CaseRecord[]) => items.map((c) => `${c.tenant}/${c.id}`).sort();
    expect(ids((await store.listCases({ tenant: 't1' })).items)).toEqual(['t1/a', 't1/b']);
    expect(
      ids(
        (await store.listCases({ tenant: 't1', units: ['grid:g-01'], text: '噪音', states: ['handling'], open: true }))
          .items,
      ),
    ).toEqual(['t1/a', 't1/b']);
    expect(ids((await store.listCases({ tenant: 't2', dueBefore: 10_000, sort: 'nextDueAt' })).items)).toEqual([
      't2/a',
      't2/c',
    ]);
    const paged: CaseRecord[] = [];
    for (let cursor: string | null | undefined; cursor !== null;) {
      const page = await store.listCases({ tenant: 't2', limit: 1, ...(cursor ? { cursor } : {}) });
      paged.push(...page.items);
      cursor = page.nextCursor;
    }
    expect(ids(paged)).toEqual(['t2/a', 't2/c']);
    expect((await store.getCase('t2', 'a'))?.summary.title).toBe('t2 噪音');
    expect(await store.getCase('t2', 'b')).toBeNull();
    expect((await store.transaction((tx) => tx.findByIdempotencyKey('t2', 'same-key')))?.tenant).toBe('t2');
    expect((await store.history('t1', 'a')).map((e) => e.tenant)).toEqual(['t1']);
    expect((await store.historyBetween('t2', 0, 10_000)).map((e) => `${e.tenant}/${e.caseId}`)).toEqual(['t2/a']);
    // A stale tenant in an update never touches the other tenant's row.
    const t1a = (await store.getCase('t1', 'a'))!;
    expect(await store.transaction((tx) => tx.updateCase({ ...t1a, tenant: 't3', version: 2 }, 1))).toBe(false);
    expect(await store.transaction((tx) => tx.updateCase({ ...t1a, version: 2, state: 'closed' }, 1))).toBe(true);
    expect((await store.getCase('t2', 'a'))!.state).toBe('handling.working');
  });

  it('leads every key of every table with the tenant (shardable by tenant)', async () => {
    const { rows } = await client.query<{ table: string; columns: string[] }>(
      `SELECT c.conrelid::regclass::text AS table, array_agg(a.attname ORDER BY k.ord)::text[] AS columns
         FROM pg_constraint c
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE c.contype IN ('p', 'u', 'f') AND c.connamespace = current_schema()::regnamespace
          AND c.conrelid::regclass::text <> 'gridflow_migrations'
        GROUP BY c.oid, c.conrelid`,
    );
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect([row.table, row.columns[0]]).toEqual([row.table, 'tenant']);
  });

  it('gives back deep-equal JSON and leaves an absent idempotency key absent', async () => {
    const tricky = sampleCase({
      id: 'json',
      snapshot: {
        value: { handling: { parallel: ['a', 'b'] } },
        context: {
          deadlines: [
            {
              id: 'd"1\\',
              kind: 'handle',
              dueAt: 1_700_000_000_123,
              firedAt: 0,
              data: { level: 'grid', n: 0.1, ok: false },
            },
          ],
          text: '引号"\'反斜杠\\ 换行\n emoji 🚧',
          nested: { empty: {}, list: [[], [null], { deep: [1.5e-7, 0, 2 ** 53 - 1, 1e21] }] },
        },
      },
    });
    await store.transaction((tx) => tx.insertCase(tricky));
    const back = await store.getCase('t1', 'json');
    expect(back).toEqual(tricky);
    expect(back && 'idempotencyKey' in back).toBe(false);
  });

  it('refuses a second case with the same idempotency key as a conflict, and the transaction goes on', async () => {
    await store.transaction(async (tx) => {
      await tx.insertCase(sampleCase({ id: 'i1', idempotencyKey: 'k' }));
      await expect(tx.insertCase(sampleCase({ id: 'i2', idempotencyKey: 'k' }))).rejects.toMatchObject({
        code: 'case.conflict',
      });
      await tx.insertCase(sampleCase({ id: 'i3', idempotencyKey: 'k3' }));
    });
    expect((await store.listCases({ tenant: 't1' })).items.map((c) => c.id).sort()).toEqual(['i1', 'i3']);
  });

  it('appends a history batch larger than one statement takes, in order', async () => {
    const c = sampleCase({ id: 'long' });
    const entries = Array.from({ length: 6_000 }, (_, i): HistoryEntry => ({
      ...historyEntry(c, 1_000 + i),
      seq: i + 1,
    }));
    await store.transaction(async (tx) => {
      await tx.insertCase(c);
      await tx.appendHistory(entries);
    });
    const back = await store.history('t1', 'long');
    expect(back).toHaveLength(6_000);
    expect(back[5_999]).toEqual(entries[5_999]);
  });

  it('lists, pages and finds due cases exactly like the in-memory store', async () => {
    await expectSameAsMemoryStore(store);
  });

  it('refuses a tampered cursor and an unknown sort', async () => {
    await expect(store.listCases({ tenant: 't1', cursor: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'query.invalid_cursor',
    });
    await expect(store.listCases({ tenant: 't1', cursor: btoa(JSON.stringify([1.5, 'x'])) })).rejects.toMatchObject({
      code: 'query.invalid_cursor',
    });
    await expect(store.listCases({ tenant: 't1', sort: 'title' as never })).rejects.toMatchObject({
      code: 'query.invalid',
      path: '/sort',
    });
  });

  it('delivers NOTIFY to listeners until they unsubscribe', async () => {
    const got: string[] = [];
    const stop = await client.listen!('gridflow_test', (payload) => got.push(payload));
    await client.query('SELECT pg_notify($1, $2)', ['gridflow_test', 'case:t1/a']);
    await stop();
    await client.query('SELECT pg_notify($1, $2)', ['gridflow_test', 'after']);
    expect(got).toEqual(['case:t1/a']);
  });

  it('refuses, rather than hangs on, a query on the client from inside one of its transactions', async () => {
    await expect(store.transaction(() => store.getCase('t1', 'x'))).rejects.toThrow(/transaction handle/);
    await expect(client.transaction(() => client.transaction(() => Promise.resolve(1)))).rejects.toThrow(
      /one connection/,
    );
    // Concurrent callers outside the transaction simply wait their turn.
    const results = await Promise.all([store.transaction(() => Promise.resolve('tx')), store.getCase('t1', 'x')]);
    expect(results).toEqual(['tx', null]);
  });

  it('rolls back only the inner part of a nested transaction (savepoint)', async () => {
    await client.transaction(async (q) => {
      await q.query(`INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary, open, created_at, updated_at)
                     VALUES ('t1', 'outer', 'p', 1, 'x', 1, 's', 1, '{}', '{}', true, 0, 0)`);
      await expect(
        q.transaction(async (inner) => {
          await inner.query(`UPDATE cases SET state = 'changed' WHERE id = 'outer'`);
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
    });
    expect((await client.query<{ state: string }>(`SELECT state FROM cases WHERE id = 'outer'`)).rows).toEqual([
      { state: 's' },
    ]);
  });
});

describe('PGlite data folder lock', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridflow-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a second opener of a data folder with a message naming the folder and the pid', async () => {
    const dataDir = tempDir();
    const first = await openStore({ dataDir });
    try {
      const error = await openStore({ dataDir }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GridflowError);
      const { code, messages } = error as GridflowError;
      expect(code).toBe('store.data_dir_locked');
      for (const text of [messages.zh, messages.en]) {
        expect(text).toContain(dataDir);
        expect(text).toContain(String(process.pid));
      }
      expect(messages.zh).toContain('数据目录');
      await first.store.transaction((tx) => tx.insertCase(sampleCase({ id: 'kept' })));
    } finally {
      await first.close();
    }
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    const again = await openStore({ dataDir });
    try {
      expect(again.migrations.applied).toEqual([]);
      expect((await again.store.getCase('t1', 'kept'))?.id).toBe('kept');
    } finally {
      await again.close();
    }
  });

  it('refuses a folder held by another live process', () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'test' }));
    expect(() => lockDataDir(dir)).toThrow(
      expect.objectContaining({
        code: 'store.data_dir_locked',
        details: expect.objectContaining({ pid: process.ppid }),
      }),
    );
  });

  it('takes over a stale lock of a dead process, a leftover of its own pid, and an unreadable one', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    for (const content of [
      { pid: dead, host: hostname(), since: 'test' },
      { pid: process.pid, host: hostname(), since: 'old run' },
      'garbage',
    ]) {
      const dir = tempDir();
      writeFileSync(join(dir, LOCK_FILE), typeof content === 'string' ? content : JSON.stringify(content));
      const release = lockDataDir(dir);
      expect(() => lockDataDir(dir)).toThrow(expect.objectContaining({ code: 'store.data_dir_locked' }));
      release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });
});

/** Cases in t1 and t2 sharing ids, units, titles and idempotency keys. */
function historyEntry(c: CaseRecord, at: number): HistoryEntry {
  return {
    caseId: c.id,
    tenant: c.tenant,
    seq: 1,
    at,
    actor: { id: 'u1', roles: ['grid_worker'] },
    command: 'case.submit',
    input: { note: `at ${at}` },
    from: 'new',
    to: c.state,
    policyId: c.policyId,
    policyVersion: c.policyVersion,
    decisions: [{ rule: 'routing:r-1', inputs: { 'case.category': 'noise' }, result: 'grid' }],
  };
}

async function seedTwoTenants(store: CaseStore): Promise<void> {
  const summary = (tenant: string) => ({ units: ['grid:g-01'], open: true, title: `${tenant} 噪音` });
  const cases = [
    sampleCase({ id: 'a', tenant: 't1', idempotencyKey: 'same-key', summary: summary('t1') }),
    sampleCase({ id: 'b', tenant: 't1', summary: summary('t1') }),
    sampleCase({ id: 'a', tenant: 't2', idempotencyKey: 'same-key', summary: summary('t2') }),
    sampleCase({ id: 'c', tenant: 't2', summary: summary('t2') }),
  ];
  await store.transaction(async (tx) => {
    for (const c of cases) await tx.insertCase(c);
    await tx.appendHistory(cases.filter((c) => c.id === 'a').map((c) => historyEntry(c, 1_000)));
  });
}

/** Seeds varied cases into `store` and a memory store and checks every query pages identically in both. */
async function expectSameAsMemoryStore(store: CaseStore): Promise<void> {
  const memory = createMemoryStore();
  const states = ['triage', 'handling.working', 'handling.signed', 'handlingX.a', 'grid_x.y', 'gridZx.y', 'closed'];
  const units = [['grid:g-01'], ['grid:g-02', 'community:c-01'], [], ['department:urban_management']];
  const cases = Array.from({ length: 45 }, (_, i) =>
    sampleCase({
      id: `c${String((i * 7) % 45).padStart(2, '0')}`,
      tenant: i % 5 === 0 ? 't2' : 't1',
      process: i % 6 === 0 ? 'propertyCoordination' : 'gridEscalation',
      state: states[i % states.length]!,
      nextDueAt: i % 4 === 0 ? null : 10_000 + (i % 6) * 1_000,
      createdAt: 1_000 + (i % 9) * 10,
      updatedAt: 2_000 + (i % 3),
      summary: {
        units: units[i % units.length]!,
        open: i % 3 !== 0,
        ...(i % 2 ? { level: 'grid' } : { level: 'community' }),
        ...(i % 5 === 1 ? {} : { category: i % 2 ? 'noise' : 'sanitation', reporterId: `u${i % 3}` }),
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
    { order: 'asc' },
    { sort: 'nextDueAt' },
    { sort: 'nextDueAt', order: 'desc' },
    { sort: 'updatedAt', order: 'asc' },
    { states: ['handling'] },
    { states: ['grid_x', 'closed'] },
    { units: ['grid:g-02', 'department:urban_management'] },
    { text: '100%_' },
    { text: 'NOISE 1' },
    { dueBefore: 12_500, sort: 'nextDueAt', order: 'desc' },
    { open: false, level: 'grid' },
    { process: 'propertyCoordination', category: 'sanitation' },
    { reporterId: 'u1', sort: 'updatedAt' },
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
    for (const limit of [1, 4, 500]) {
      for (const tenant of ['t1', 't2']) {
        const query = { ...q, tenant, limit };
        expect([query, await pages(store, query)]).toEqual([query, await pages(memory, query)]);
      }
    }
  }
  for (const [now, limit] of [
    [12_000, 100],
    [20_000, 5],
    [0, 10],
  ] as const) {
    expect(await store.dueCases(now, limit)).toEqual(await memory.dueCases(now, limit));
  }
}
