import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import {
  createDefaultPolicy,
  createManualClock,
  createRuntime,
  type CaseRecord,
  type CaseStore,
  type ProcessDefinition,
} from '@gridflow/core';
import { sampleCase } from '@gridflow/core/testing';
import { createPolicyRepository, type SqlPolicyRepository } from '../policies/index.js';
import { createSqlStore, migrate, openPgliteClient, type SqlClient } from '../store/index.js';
import { claimDueOnly, dueSlots, slotOf } from './claimDue.js';

const text = (zh: string, en: string) => ({ zh, en });
const tiny: ProcessDefinition = {
  id: 'tiny',
  version: 1,
  name: text('小', 'Tiny'),
  inputSchema: { type: 'object' },
  commands: [{ type: 'deadline.due', name: text('到期', 'Due'), inputSchema: { type: 'object' }, internal: true }],
  states: { waiting: { name: text('等待', 'Waiting') }, fired: { name: text('到期', 'Fired') } },
  summarize: (_c, value) => ({ units: [], open: value === 'waiting' }),
  createMachine: () =>
    setup({}).createMachine({
      id: 'tiny',
      context: { deadlines: [], fired: 0 },
      initial: 'waiting',
      states: {
        waiting: { on: { 'deadline.due': { target: 'fired', actions: assign({ fired: 1 }) } } },
        fired: {},
      },
    }),
};

const waiting = (id: string, dueAt: number, overrides: Partial<CaseRecord> = {}): CaseRecord =>
  sampleCase({
    id,
    process: 'tiny',
    state: 'waiting',
    snapshot: { value: 'waiting', context: { deadlines: [{ id: 'd', kind: 'handle', dueAt }], fired: 0 } },
    summary: { units: [], open: true },
    nextDueAt: dueAt,
    ...overrides,
  });

describe('claimDueOnly', () => {
  const clock = createManualClock(10_000);
  let sql: SqlClient;
  let policies: SqlPolicyRepository;
  let store: CaseStore;

  beforeAll(async () => {
    sql = await openPgliteClient();
    await migrate(sql);
    policies = createPolicyRepository(sql, clock);
    await policies.publishDocument('t1', createDefaultPolicy(), 'test');
    await policies.load('t1');
    store = claimDueOnly(createSqlStore(sql), clock, { retryAfterMs: 60_000 });
  });
  afterAll(async () => {
    await policies.close();
    await sql.close();
  });

  it('sets a case whose deadline cannot be fired aside, so the ones due after it still fire', async () => {
    await store.transaction(async (tx) => {
      await tx.insertCase(waiting('broken', 1_000, { process: 'no-such-process' }));
      await tx.insertCase(waiting('fine', 2_000));
    });
    const runtime = createRuntime({
      store,
      clock,
      policies: (t) => policies.registry(t),
      processes: [tiny],
      tenant: 't1',
    });
    // The broken case fails alone; the case due after it fires in the same tick.
    const first = await runtime.tick();
    expect(first).toMatchObject({ fired: 1, cases: 1 });
    expect(first.failed.map((f) => [f.caseId, (f.error as { code?: string }).code])).toEqual([
      ['broken', 'process.not_found'],
    ]);
    // Set aside: the next tick does not try it again.
    expect(await runtime.tick()).toEqual({ fired: 0, cases: 0, failed: [] });
    expect((await store.getCase('t1', 'fine'))?.state).toBe('fired');
    expect((await store.getCase('t1', 'broken'))?.nextDueAt).toBe(1_000);
    expect(await store.dueCases(clock.now(), 10)).toEqual([]);
  });

  it('does not claim a case whose deadline is not due, and shares due cases between tick loops', async () => {
    await store.transaction(async (tx) => {
      await tx.insertCase(waiting('later', 50_000));
      for (let i = 0; i < 20; i++) await tx.insertCase(waiting(`due-${i}`, 3_000 + i));
    });
    expect(
      await store.transaction((tx) => tx.getCase('t1', 'later', { forUpdate: true, skipLocked: true })),
    ).toBeNull();
    expect((await store.transaction((tx) => tx.getCase('t1', 'later', { forUpdate: true })))?.id).toBe('later');

    const shares = await Promise.all(
      [0, 1, 2].map((slot) => dueSlots.run({ slot, of: 3 }, () => store.dueCases(clock.now(), 100))),
    );
    shares.forEach((share, slot) => expect(share.every((c) => slotOf(c.tenant, c.id, 3) === slot)).toBe(true));
    const all = shares
      .flat()
      .map((c) => c.id)
      .sort();
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => `due-${i}`).sort());
  });
});
