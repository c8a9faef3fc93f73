import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridflowError, type HistoryEntry } from '@gridflow/core';
import { sampleCase } from '@gridflow/core/testing';
import type { CaseChange } from '../context.js';
import {
  createPostgresClient,
  createSqlStore,
  migrate,
  openPgliteClient,
  redactUrl,
  type SqlClient,
} from '../store/index.js';
import { changesOf, createEventHub, observeStore, parseChange, type EventHub } from './index.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gridflow_test_${randomBytes(5).toString('hex')}`;
const otherSchema = `${schema}_other`;
const tenant = `t_${randomBytes(3).toString('hex')}`;

const change = (caseId: string, version = 1, t = tenant): CaseChange => ({
  tenant: t,
  caseId,
  version,
  state: 'triage',
  command: 'case.submit',
  at: 1_000 + version,
});

const entry = (caseId: string, seq: number, to: string): HistoryEntry => ({
  caseId,
  tenant,
  seq,
  at: 1_000 * seq,
  actor: { id: 'u', roles: ['grid_worker'] },
  command: seq === 1 ? 'case.submit' : 'case.sign',
  input: {},
  from: '',
  to,
  policyId: 'default',
  policyVersion: 1,
  decisions: [],
});

/** Collects what a hub delivers to one tenant's subscriber. */
function collect(hub: EventHub, t = tenant) {
  const got: CaseChange[] = [];
  const stop = hub.subscribe(t, (c) => got.push(c));
  return { got, stop };
}

describe('changesOf and parseChange', () => {
  it('reports one change per case: its last entry, in first-touched order', () => {
    const changes = changesOf([
      entry('a', 1, 'triage'),
      entry('b', 4, 'handling'),
      entry('a', 2, 'handling.dispatched'),
    ]);
    expect(changes.map((c) => `${c.caseId}@${c.version}:${c.state}`)).toEqual([
      'a@2:handling.dispatched',
      'b@4:handling',
    ]);
  });

  it('refuses malformed payloads and those of another schema', () => {
    expect(parseChange('nope')).toBeNull();
    expect(parseChange(JSON.stringify({ tenant: 't' }))).toBeNull();
    expect(parseChange(JSON.stringify({ ...change('a'), s: 'x' }), 'y')).toBeUndefined();
    expect(parseChange(JSON.stringify({ ...change('a'), s: 'x' }), 'x')).toEqual(change('a'));
  });
});

describe('event hub on PGlite (in-process)', () => {
  let sql: SqlClient;
  beforeAll(async () => {
    sql = await openPgliteClient();
    await migrate(sql);
  });
  afterAll(() => sql.close());

  it('delivers committed changes to the tenant’s subscribers only, never for a rolled-back transaction', async () => {
    const hub = await createEventHub(sql);
    const mine = collect(hub);
    const other = collect(hub, 'someone-else');
    const store = observeStore(createSqlStore(sql), (changes) => hub.publishCommitted(changes));
    await store.transaction(async (tx) => {
      await tx.insertCase(sampleCase({ id: 'c1', tenant }));
      await tx.appendHistory([entry('c1', 1, 'triage')]);
    });
    await expect.poll(() => mine.got.map((c) => `${c.caseId}@${c.version}`)).toEqual(['c1@1']);
    await expect(
      store.transaction(async (tx) => {
        await tx.insertCase(sampleCase({ id: 'c2', tenant }));
        await tx.appendHistory([entry('c2', 1, 'triage')]);
        throw new GridflowError('test.rollback', { zh: '回滚', en: 'roll back' });
      }),
    ).rejects.toMatchObject({ code: 'test.rollback' });
    mine.stop();
    await hub.publish(change('c3'));
    await new Promise((r) => setTimeout(r, 50));
    expect(mine.got.map((c) => c.caseId)).toEqual(['c1']);
    expect(other.got).toEqual([]);
    await hub.close();
  });
});

describe('event hub on PostgreSQL (two processes)', () => {
  const admin = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  const clients: SqlClient[] = [];
  const hubs: EventHub[] = [];
  let unavailable: Error | undefined;

  beforeAll(async () => {
    try {
      await admin.connect();
    } catch (error) {
      unavailable = new Error(
        `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${String(error)}); these tests are never skipped.`,
      );
      return;
    }
    for (const s of [schema, schema, otherSchema]) {
      const sql = createPostgresClient({ connectionString: databaseUrl, schema: s, max: 4 });
      clients.push(sql);
      await migrate(sql, { schema: s });
      hubs.push(await createEventHub(sql));
    }
  });

  afterAll(async () => {
    for (const hub of hubs) await hub.close();
    for (const sql of clients) await sql.close();
    for (const s of [schema, otherSchema])
      await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`).catch(() => undefined);
    await admin.end().catch(() => undefined);
  });

  const ready = () => {
    if (unavailable) throw unavailable;
    return { a: hubs[0]!, b: hubs[1]!, elsewhere: hubs[2]!, sqlA: clients[0]! };
  };

  it('delivers a change published by one process to the subscribers of both, once each', async () => {
    const { a, b, elsewhere } = ready();
    const [onA, onB, onElsewhere] = [collect(a), collect(b), collect(elsewhere)];
    await a.publishMany([change('x', 1), change('y', 2)]);
    await b.publish(change('z', 3));
    const expected = ['x@1', 'y@2', 'z@3'];
    await expect
      .poll(() => onA.got.map((c) => `${c.caseId}@${c.version}`).sort(), { timeout: 5_000 })
      .toEqual(expected);
    await expect
      .poll(() => onB.got.map((c) => `${c.caseId}@${c.version}`).sort(), { timeout: 5_000 })
      .toEqual(expected);
    await new Promise((r) => setTimeout(r, 100));
    expect(onA.got).toHaveLength(3);
    expect(onB.got).toHaveLength(3);
    // Same tenant name, other schema (another deployment in the same database): nothing.
    expect(onElsewhere.got).toEqual([]);
    for (const s of [onA, onB, onElsewhere]) s.stop();
  });

  it('carries a commit through an observed store to the other process, and many concurrent ones in order per case', async () => {
    const { a, b, sqlA } = ready();
    const onA = collect(a);
    const onB = collect(b);
    const store = observeStore(createSqlStore(sqlA), (changes) => a.publishCommitted(changes));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.transaction(async (tx) => {
          const id = `k${i}`;
          await tx.insertCase(sampleCase({ id, tenant }));
          await tx.appendHistory([
            entry(id, 1, 'triage'),
            { ...entry(id, 2, 'handling.dispatched'), command: 'case.triage.file' },
          ]);
        }),
      ),
    );
    await expect.poll(() => onB.got.length, { timeout: 5_000 }).toBe(40);
    await expect.poll(() => onA.got.length, { timeout: 5_000 }).toBe(40);
    await new Promise((r) => setTimeout(r, 100));
    // Announced by the database once per case and statement, with the last entry of each case.
    expect(onB.got).toHaveLength(40);
    expect(onA.got).toHaveLength(40);
    expect(new Set(onB.got.map((c) => c.caseId)).size).toBe(40);
    expect(
      onB.got.every((c) => c.version === 2 && c.state === 'handling.dispatched' && c.command === 'case.triage.file'),
    ).toBe(true);
    onA.stop();
    onB.stop();
  });

  it('announces history written by any client when it commits, and nothing for a rolled-back transaction', async () => {
    const { b, sqlA } = ready();
    const onB = collect(b);
    const store = createSqlStore(sqlA);
    await expect(
      store.transaction(async (tx) => {
        await tx.insertCase(sampleCase({ id: 'rolled-back', tenant }));
        await tx.appendHistory([entry('rolled-back', 1, 'triage')]);
        throw new GridflowError('test.rollback', { zh: '回滚', en: 'roll back' });
      }),
    ).rejects.toMatchObject({ code: 'test.rollback' });
    // No hub is told: the store is not observed. The database announces the commit by itself.
    await store.transaction(async (tx) => {
      await tx.insertCase(sampleCase({ id: 'plain', tenant }));
      await tx.appendHistory([entry('plain', 1, 'triage')]);
    });
    await expect.poll(() => onB.got.map((c) => `${c.caseId}@${c.version}`), { timeout: 5_000 }).toEqual(['plain@1']);
    await new Promise((r) => setTimeout(r, 100));
    expect(onB.got.map((c) => c.caseId)).toEqual(['plain']);
    onB.stop();
  });
});
