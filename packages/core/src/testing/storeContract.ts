import type { CaseRecord, CaseStore, HistoryEntry } from '../runtime/types.js';

/** The parts of a test framework the contract needs (vitest and jest both fit). */
export interface TestApi {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void> | void) => void;
  beforeEach: (fn: () => Promise<void> | void) => void;
  afterAll: (fn: () => Promise<void> | void) => void;
  expect: (value: unknown) => {
    toBe(v: unknown): void;
    toEqual(v: unknown): void;
    toBeNull(): void;
    toHaveLength(n: number): void;
    toBeGreaterThan(n: number): void;
    rejects: { toThrow(v?: unknown): Promise<void> };
  };
}

/** A store factory for the contract: a fresh, empty store per test (and cleanup at the end). */
export interface StoreFixture {
  create(): Promise<CaseStore>;
  destroy?(): Promise<void>;
}

/** Builds a plausible case record for store tests. */
export function sampleCase(overrides: Partial<CaseRecord> & { id: string }): CaseRecord {
  const { id } = overrides;
  return {
    tenant: 't1',
    process: 'gridEscalation',
    processVersion: 1,
    policyId: 'default',
    policyVersion: 1,
    state: 'handling.working',
    version: 1,
    snapshot: {
      value: { handling: 'working' },
      context: { deadlines: [{ id: 'handle:1', kind: 'handle', dueAt: 5_000 }], note: `case ${id}` },
    },
    summary: {
      units: ['grid:g-01', 'community:c-01'],
      open: true,
      level: 'grid',
      category: 'noise',
      reporterId: 'u-res',
      title: `噪音扰民 ${id}`,
    },
    nextDueAt: 5_000,
    createdAt: 1_000,
    updatedAt: 1_000,
    ...overrides,
  };
}

function entry(c: CaseRecord, seq: number, at: number): HistoryEntry {
  return {
    caseId: c.id,
    tenant: c.tenant,
    seq,
    at,
    actor: { id: 'u1', roles: ['grid_worker'] },
    command: 'case.sign',
    input: { note: '收到' },
    from: 'handling.dispatched',
    to: 'handling.signed',
    policyId: c.policyId,
    policyVersion: c.policyVersion,
    decisions: [{ rule: 'escalate', inputs: { 'case.elapsedHours': 49 }, result: true }],
  };
}

/**
 * The contract every {@link CaseStore} must meet. The in-memory store and the PostgreSQL/PGlite store run it.
 *
 * @example
 * // In a test file (it registers the suite's tests; runtime/memoryStore.test.ts does exactly this):
 * import { describe, it, expect, beforeEach, afterAll } from 'vitest';
 * runStoreContract({ describe, it, expect, beforeEach, afterAll }, 'memory', { create: async () => createMemoryStore() });
 */
export function runStoreContract(t: TestApi, name: string, fixture: StoreFixture): void {
  const { describe, it, expect, beforeEach, afterAll } = t;
  describe(`CaseStore contract: ${name}`, () => {
    let store: CaseStore;
    beforeEach(async () => {
      store = await fixture.create();
    });
    afterAll(async () => {
      await fixture.destroy?.();
    });

    it('stores a case and reads back an equal copy', async () => {
      const c = sampleCase({ id: 'a1' });
      await store.transaction((tx) => tx.insertCase(c));
      expect(await store.getCase('t1', 'a1')).toEqual(c);
      expect(await store.getCase('t1', 'missing')).toBeNull();
    });

    it('keeps tenants apart', async () => {
      await store.transaction(async (tx) => {
        await tx.insertCase(sampleCase({ id: 'same' }));
        await tx.insertCase(
          sampleCase({ id: 'same', tenant: 't2', summary: { units: [], open: true, title: 'other district' } }),
        );
      });
      expect(((await store.getCase('t2', 'same')) as CaseRecord).summary.title).toBe('other district');
      const page = await store.listCases({ tenant: 't1' });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]!.tenant).toBe('t1');
      expect(await store.getCase('t3', 'same')).toBeNull();
    });

    it('finds a case by its idempotency key within its tenant only', async () => {
      await store.transaction((tx) => tx.insertCase(sampleCase({ id: 'k1', idempotencyKey: 'key-1' })));
      const found = await store.transaction((tx) => tx.findByIdempotencyKey('t1', 'key-1'));
      expect(found?.id).toBe('k1');
      expect(await store.transaction((tx) => tx.findByIdempotencyKey('t2', 'key-1'))).toBeNull();
    });

    it('refuses an update with a stale version and changes nothing', async () => {
      const c = sampleCase({ id: 'v1' });
      await store.transaction((tx) => tx.insertCase(c));
      const ok = await store.transaction((tx) => tx.updateCase({ ...c, version: 2, state: 'closed' }, 1));
      expect(ok).toBe(true);
      const stale = await store.transaction((tx) => tx.updateCase({ ...c, version: 2, state: 'archived' }, 1));
      expect(stale).toBe(false);
      expect((await store.getCase('t1', 'v1'))!.state).toBe('closed');
    });

    it('rolls back every write of a failed transaction', async () => {
      const c = sampleCase({ id: 'r1' });
      await store.transaction((tx) => tx.insertCase(c));
      await expect(
        store.transaction(async (tx) => {
          await tx.updateCase({ ...c, version: 2, state: 'closed' }, 1);
          await tx.insertCase(sampleCase({ id: 'r2' }));
          await tx.appendHistory([entry(c, 2, 2_000)]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await store.getCase('t1', 'r1'))!.state).toBe('handling.working');
      expect(await store.getCase('t1', 'r2')).toBeNull();
      expect(await store.history('t1', 'r1')).toHaveLength(0);
    });

    it('sees its own writes inside a transaction', async () => {
      await store.transaction(async (tx) => {
        await tx.insertCase(sampleCase({ id: 'w1', idempotencyKey: 'kw' }));
        expect((await tx.getCase('t1', 'w1', { forUpdate: true }))?.id).toBe('w1');
        expect((await tx.findByIdempotencyKey('t1', 'kw'))?.id).toBe('w1');
      });
    });

    it('appends history in order and reads it per case and per period', async () => {
      const a = sampleCase({ id: 'h1' });
      const b = sampleCase({ id: 'h2' });
      await store.transaction(async (tx) => {
        await tx.insertCase(a);
        await tx.insertCase(b);
        await tx.appendHistory([entry(a, 1, 1_000), entry(a, 2, 3_000), entry(b, 1, 2_000)]);
      });
      const h = await store.history('t1', 'h1');
      expect(h.map((e) => e.seq)).toEqual([1, 2]);
      expect(h[1]).toEqual(entry(a, 2, 3_000));
      const between = await store.historyBetween('t1', 1_500, 3_500);
      expect(between.map((e) => `${e.caseId}:${e.seq}`)).toEqual(['h2:1', 'h1:2']);
      expect(await store.historyBetween('t2', 0, 10_000)).toHaveLength(0);
    });

    it('lists with filters', async () => {
      await store.transaction(async (tx) => {
        await tx.insertCase(sampleCase({ id: 'f1', state: 'handling.working' }));
        await tx.insertCase(
          sampleCase({
            id: 'f2',
            state: 'closed',
            summary: {
              units: ['grid:g-02'],
              open: false,
              level: 'community',
              category: 'sanitation',
              title: '垃圾清运',
            },
          }),
        );
        await tx.insertCase(
          sampleCase({ id: 'f3', state: 'triage', process: 'propertyCoordination', nextDueAt: null }),
        );
      });
      const ids = async (q: Omit<Parameters<CaseStore['listCases']>[0], 'tenant'>) =>
        (await store.listCases({ tenant: 't1', ...q })).items.map((c) => c.id).sort();
      expect(await ids({ states: ['handling'] })).toEqual(['f1']);
      expect(await ids({ units: ['grid:g-02'] })).toEqual(['f2']);
      expect(await ids({ level: 'community' })).toEqual(['f2']);
      expect(await ids({ category: 'noise' })).toEqual(['f1', 'f3']);
      expect(await ids({ open: false })).toEqual(['f2']);
      expect(await ids({ process: 'propertyCoordination' })).toEqual(['f3']);
      expect(await ids({ dueBefore: 6_000 })).toEqual(['f1', 'f2']);
      expect(await ids({ text: '垃圾' })).toEqual(['f2']);
      expect(await ids({ reporterId: 'u-res', open: true })).toEqual(['f1', 'f3']);
    });

    it('pages with a cursor without gaps or repeats, sorted by deadline', async () => {
      await store.transaction(async (tx) => {
        for (let i = 0; i < 25; i++) {
          await tx.insertCase(
            sampleCase({
              id: `p${String(i).padStart(2, '0')}`,
              nextDueAt: 10_000 - (i % 7) * 100,
              createdAt: 1_000 + i,
            }),
          );
        }
      });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listCases({
          tenant: 't1',
          sort: 'nextDueAt',
          order: 'asc',
          limit: 10,
          ...(cursor ? { cursor } : {}),
        });
        seen.push(...page.items.map((c) => `${c.nextDueAt}:${c.id}`));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(25);
      const sorted = [...seen].sort((x, y) => {
        const [dx, ix] = x.split(':');
        const [dy, iy] = y.split(':');
        return Number(dx) - Number(dy) || (ix! < iy! ? -1 : 1);
      });
      expect(seen).toEqual(sorted);
    });

    it('finds due cases earliest first, across tenants, up to a limit', async () => {
      await store.transaction(async (tx) => {
        await tx.insertCase(sampleCase({ id: 'd1', nextDueAt: 3_000 }));
        await tx.insertCase(sampleCase({ id: 'd2', nextDueAt: 1_000, tenant: 't2' }));
        await tx.insertCase(sampleCase({ id: 'd3', nextDueAt: 9_000 }));
        await tx.insertCase(sampleCase({ id: 'd4', nextDueAt: null }));
      });
      expect(await store.dueCases(5_000, 10)).toEqual([
        { tenant: 't2', id: 'd2' },
        { tenant: 't1', id: 'd1' },
      ]);
      expect(await store.dueCases(10_000, 1)).toEqual([{ tenant: 't2', id: 'd2' }]);
    });

    it('serialises concurrent updates: exactly one of two racing writers wins', async () => {
      const c = sampleCase({ id: 'race' });
      await store.transaction((tx) => tx.insertCase(c));
      const attempt = (state: string) =>
        store.transaction(async (tx) => {
          const cur = await tx.getCase('t1', 'race', { forUpdate: true });
          if (!cur || cur.version !== 1) return false;
          return tx.updateCase({ ...cur, version: 2, state }, 1);
        });
      const results = await Promise.all([attempt('a'), attempt('b')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getCase('t1', 'race'))!.version).toBe(2);
    });
  });
}
