import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators } from '@gridflow/core/runtime';
import {
  createDefaultPolicy,
  createPolicyRegistry,
  type CaseRecord,
  type CaseStore,
  type HistoryEntry,
} from '@gridflow/core';
import { sampleCase } from '@gridflow/core/testing';
import { createPostgresClient, createSqlStore, migrate, openPgliteClient, type SqlClient } from '../store/index.js';
import { levelCounts, unitCounts } from './queries.js';
import { policyResolver, projectIndicators, rebuildIndicators } from './projection.js';

/*
 * The projection against the history replay: random histories of grid cases and evaluations, written in several
 * transactions through the projecting store, give in SQL the counts core's computeIndicators gives over the same
 * cases and history — for the tenant, for units, for levels, for random periods — and so does a rebuild.
 */

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const policy = createDefaultPolicy();
const resolve = policyResolver(() => createPolicyRegistry([policy]));
const START = Date.parse('2026-03-01T00:00:00+08:00');
const SPAN = 90 * 86_400_000;

const UNITS = ['grid:g-01', 'grid:g-02', 'community:c-01', 'street:s-01', 'street:s-02', 'department:fire'];
const GRID_STEPS: [command: string, from: string, to: string][] = [
  ['case.triage.file', 'triage', 'handling.dispatched'],
  ['case.sign', 'handling.dispatched', 'handling.signed'],
  ['case.contact', 'handling.signed', 'handling.contacted'],
  ['case.return', 'handling.contacted', 'returned'],
  ['case.return.accept', 'returned', 'handling.dispatched'],
  ['deadline.due', 'handling.dispatched', 'handling.dispatched'],
  ['case.whistle', 'handling.working', 'handling.whistle'],
  ['case.close', 'verified', 'evaluating'],
  ['case.reopen', 'evaluating', 'handling.dispatched'],
];
const RATINGS = ['satisfied', 'basically_satisfied', 'unsatisfied', 'meh'];

interface Generated {
  record: CaseRecord;
  /** Its history, in the chunks written one transaction each. */
  chunks: HistoryEntry[][];
}

const entry = (caseId: string, seq: number, at: number, command: string, from: string, to: string, input = {}) =>
  ({
    caseId,
    tenant: '',
    seq,
    at,
    actor: { id: 'u', roles: [] },
    command,
    input,
    from,
    to,
    policyId: 'default',
    policyVersion: 1,
    decisions: [],
  }) satisfies HistoryEntry;

const unitsArb = fc.uniqueArray(fc.constantFrom(...UNITS), { minLength: 0, maxLength: 4 });
const timesArb = (n: number) =>
  fc.array(fc.integer({ min: 0, max: SPAN }), { minLength: n, maxLength: n }).map((ts) => ts.sort((a, b) => a - b));

const gridArb = fc
  .record({
    units: unitsArb,
    urgency: fc.constantFrom('general', 'urgent', 'emergency', 'unknown'),
    steps: fc.array(fc.constantFrom(...GRID_STEPS), { maxLength: 12 }),
    cuts: fc.array(fc.nat(12), { maxLength: 3 }),
  })
  .chain((g) => timesArb(g.steps.length + 1).map((times) => ({ ...g, times })));

const evaluationArb = fc
  .record({
    units: unitsArb,
    unit: fc.constantFrom(...UNITS),
    lowerLevel: fc.boolean(),
    excluded: fc.boolean(),
    legacyCreation: fc.boolean(),
    steps: fc.array(
      fc.oneof(
        fc.record({ rating: fc.constantFrom(...RATINGS), solved: fc.boolean() }),
        fc.record({
          upheld: fc.boolean(),
          correctedRating: fc.option(fc.constantFrom(...RATINGS), { nil: undefined }),
          correctedSolved: fc.option(fc.boolean(), { nil: undefined }),
        }),
        fc.constant({ attempt: true }),
      ),
      { maxLength: 4 },
    ),
    cuts: fc.array(fc.nat(4), { maxLength: 2 }),
  })
  .chain((g) => timesArb(g.steps.length + 1).map((times) => ({ ...g, times })));

function chunked(entries: HistoryEntry[], cuts: number[]): HistoryEntry[][] {
  const at = [...new Set(cuts.filter((c) => c > 0 && c < entries.length))].sort((a, b) => a - b);
  const out: HistoryEntry[][] = [];
  let start = 0;
  for (const c of [...at, entries.length]) {
    out.push(entries.slice(start, c));
    start = c;
  }
  return out.filter((c) => c.length > 0);
}

const casesArb = fc
  .tuple(fc.array(gridArb, { maxLength: 8 }), fc.array(evaluationArb, { maxLength: 8 }))
  .map(([grids, evaluations]): Generated[] => [
    ...grids.map((g, i) => {
      const id = `g${i}`;
      const entries = [entry(id, 1, START + g.times[0]!, 'case.submit', '', 'triage')];
      g.steps.forEach(([command, from, to], k) =>
        entries.push(entry(id, k + 2, START + g.times[k + 1]!, command, from, to)),
      );
      const record = sampleCase({
        id,
        summary: { units: g.units, open: true, urgency: g.urgency },
        version: entries.length,
      });
      return { record, chunks: chunked(entries, g.cuts) };
    }),
    ...evaluations.map((e, i) => {
      const id = `e${i}`;
      const entries = [
        entry(
          id,
          1,
          START + e.times[0]!,
          e.legacyCreation ? 'evaluation.rate' : 'evaluation.open',
          '',
          'awaitingRating',
        ),
      ];
      e.steps.forEach((step, k) => {
        const at = START + e.times[k + 1]!;
        if ('rating' in step)
          entries.push(entry(id, k + 2, at, 'evaluation.rate', 'awaitingRating', 'rated.standing', step));
        else if ('upheld' in step)
          entries.push(entry(id, k + 2, at, 'evaluation.appeal.decide', 'rated.appealed', 'rated.standing', step));
        else
          entries.push(
            entry(id, k + 2, at, 'evaluation.revisit.attempt', 'awaitingRating', 'awaitingRating', {
              channel: 'phone',
              reached: false,
            }),
          );
      });
      const record = sampleCase({
        id,
        process: 'appealEvaluation',
        version: entries.length,
        snapshot: {
          value: 'awaitingRating',
          context: {
            deadlines: [],
            unit: e.unit,
            evaluatorKind: e.lowerLevel ? 'lower_level' : 'resident',
            subjectUnits: e.units,
            excluded: e.excluded,
          },
        },
        summary: { units: [...new Set([e.unit, ...e.units])], open: true },
      });
      return { record, chunks: chunked(entries, e.cuts) };
    }),
  ]);

const periodArb = fc
  .tuple(fc.integer({ min: -86_400_000, max: SPAN + 20 * 86_400_000 }), fc.integer({ min: 1, max: SPAN }))
  .map(([from, length]) => [START + from, START + from + length] as const);

/** Writes the cases as the runtime would: the record, then its history in chunks, each in its own transaction. */
async function write(store: CaseStore, tenant: string, cases: Generated[]): Promise<HistoryEntry[]> {
  const all: HistoryEntry[] = [];
  for (const { record, chunks } of cases) {
    let version = 0;
    for (const chunk of chunks) {
      const entries = chunk.map((e) => ({ ...e, tenant }));
      const last = entries[entries.length - 1]!;
      const next = { ...record, tenant, version: last.seq, updatedAt: last.at };
      await store.transaction(async (tx) => {
        if (version === 0) await tx.insertCase({ ...next, createdAt: entries[0]!.at });
        else expect(await tx.updateCase(next, version)).toBe(true);
        await tx.appendHistory(entries);
      });
      version = last.seq;
      all.push(...entries);
    }
  }
  return all;
}

async function compare(
  sql: SqlClient,
  tenant: string,
  cases: CaseRecord[],
  history: HistoryEntry[],
  periods: (readonly [number, number])[],
) {
  for (const [from, to] of periods) {
    for (const unit of [undefined, ...UNITS]) {
      const replay = computeIndicators({ policy, cases, history, from, to, ...(unit ? { unit } : {}) }).counts;
      expect(await unitCounts(sql, tenant, from, to, unit), `${unit ?? 'tenant'} [${from}, ${to})`).toEqual(replay);
    }
    const streets = await levelCounts(sql, tenant, 'street', from, to);
    for (const unit of ['street:s-01', 'street:s-02']) {
      const replay = computeIndicators({ policy, cases, history, from, to, unit }).counts;
      const counted = streets.get(unit);
      if (counted) expect(counted).toEqual(replay);
      else expect(Object.values(replay).every((n) => n === 0)).toBe(true);
    }
  }
}

describe.each(['pglite', 'postgres'] as const)('indicator projection on %s', (engine) => {
  let sql: SqlClient;
  let admin: Client | undefined;
  const schema = `gridflow_ind_${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    if (engine === 'pglite') {
      sql = await openPgliteClient('memory://');
      await migrate(sql);
    } else {
      admin = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
      await admin.connect();
      sql = createPostgresClient({ connectionString: DATABASE_URL, schema, max: 4 });
      await migrate(sql, { schema });
    }
  }, 60_000);

  afterAll(async () => {
    await sql?.close();
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it('gives the counts of the history replay, kept with every append, and again after a rebuild', async () => {
    const store = projectIndicators(createSqlStore(sql), resolve);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(casesArb, fc.array(periodArb, { minLength: 1, maxLength: 3 }), async (generated, periods) => {
        const tenant = `t-${engine}-${run++}`;
        const history = await write(store, tenant, generated);
        const cases = generated.map((g) => ({ ...g.record, tenant }));
        await compare(sql, tenant, cases, history, periods);
        // Rebuilt from history (after losing the projection), the figures are the same.
        await sql.query('DELETE FROM indicator_events WHERE tenant = $1', [tenant]);
        const report = await rebuildIndicators(sql, resolve, { tenant, batch: 3 });
        expect(report.cases).toBe(generated.length);
        await compare(sql, tenant, cases, history, periods);
      }),
      { numRuns: 20 },
    );
  }, 240_000);

  it('leaves the projection as it was when the transaction rolls back', async () => {
    const store = projectIndicators(createSqlStore(sql), resolve);
    const tenant = `t-${engine}-rollback`;
    const record = sampleCase({ id: 'r1', tenant, summary: { units: ['grid:g-01'], open: true, urgency: 'general' } });
    await store.transaction(async (tx) => {
      await tx.insertCase({ ...record, version: 1 });
      await tx.appendHistory([{ ...entry('r1', 1, START, 'case.submit', '', 'triage'), tenant }]);
    });
    const before = await unitCounts(sql, tenant, START, START + SPAN);
    await expect(
      store.transaction(async (tx) => {
        await tx.updateCase({ ...record, version: 2 }, 1);
        await tx.appendHistory([
          { ...entry('r1', 2, START + 1000, 'case.triage.file', 'triage', 'handling.dispatched'), tenant },
        ]);
        throw new Error('refused later in the command');
      }),
    ).rejects.toThrow('refused later');
    expect(await unitCounts(sql, tenant, START, START + SPAN)).toEqual(before);
    expect(before.filed).toBe(0);
    await store.transaction(async (tx) => {
      await tx.updateCase({ ...record, version: 2 }, 1);
      await tx.appendHistory([
        { ...entry('r1', 2, START + 1000, 'case.triage.file', 'triage', 'handling.dispatched'), tenant },
      ]);
    });
    expect(await unitCounts(sql, tenant, START, START + SPAN, 'grid:g-01')).toMatchObject({ filed: 1, dispatched: 1 });
  }, 60_000);
});
