import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR, type Actor, type CaseRecord, type Runtime } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, START, TENANTS, type Harness } from './harness.js';

/*
 * Indicators from the projection over HTTP: the figures of a unit, the drill-down to the cases behind any
 * figure (paged), the ranking, and the same counts as the history replay of the runtime.
 */

const [T] = TENANTS;
const MIN = 60_000;
type Json = Record<string, any>;

describe.each(ENGINES)('indicators and their drill-down on %s', (engine) => {
  let h: Harness;
  let runtime: Runtime;
  const cases: CaseRecord[] = [];
  const from = START - 86_400_000;
  const to = START + 30 * 86_400_000;
  const period = `from=${from}&to=${to}`;

  const get = async (as: Actor | null, url: string) => {
    const res = await h.request(as, { method: 'GET', url });
    return { status: res.statusCode, body: res.json() as Json };
  };
  const send = async (c: CaseRecord, type: string, who: Actor, input: Record<string, unknown> = {}) =>
    runtime.send(c.id, { type, input }, { actor: who });

  beforeAll(async () => {
    h = await startHarness(engine);
    runtime = await h.ctx.runtimeFor(T);
    // Two noise cases in grid g-01, filed at 09:00: the first signed for in time, the second late (at 11:10).
    for (let i = 0; i < 2; i++) {
      const c = await runtime.submit({ process: 'gridEscalation', input: noiseReport(), actor: actors.gridWorker });
      cases.push(await send(c, 'case.triage.file', actors.communityStaff));
    }
    h.clock.advance(10 * MIN);
    await send(cases[0]!, 'case.sign', actors.gridWorker);
    h.clock.advance(120 * MIN);
    await send(cases[1]!, 'case.sign', actors.gridWorker);
    await send(cases[1]!, 'case.return', actors.gridWorker, { reason: 'unclear_ownership', note: '不属本网格' });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('counts a unit’s figures from the projection, as the history replay does', async () => {
    const res = await get(actors.gridWorker, `/api/v1/indicators?unit=grid:g-01&${period}`);
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({ filed: 2, dispatched: 2, signedInTime: 1, returned: 1 });
    const rate = res.body.indicators.find((i: Json) => i.code === 'timely_signing_rate');
    expect(rate.value).toBeCloseTo(0.5);
    const replay = await runtime.indicators({ from, to, unit: 'grid:g-01' });
    expect(res.body.counts).toEqual(replay.counts);
    const tenant = await get(actors.assessor, `/api/v1/indicators?${period}`);
    expect(tenant.body.counts).toEqual((await runtime.indicators({ from, to })).counts);
  });

  it('lists the cases behind a figure, as many as it counts, a page at a time', async () => {
    const signed = await get(actors.gridWorker, `/api/v1/indicators/cases?unit=grid:g-01&kind=signedInTime&${period}`);
    expect(signed.status).toBe(200);
    expect(signed.body.items).toEqual([
      expect.objectContaining({ caseId: cases[0]!.id, kind: 'signedInTime', at: START + 10 * MIN }),
    ]);
    // The case comes as the case list shows it.
    expect(signed.body.items[0].case).toMatchObject({ id: cases[0]!.id, process: 'gridEscalation' });
    expect(signed.body.nextCursor).toBeNull();

    // Every figure: its items are exactly its count.
    const report = await get(actors.gridWorker, `/api/v1/indicators?unit=grid:g-01&${period}`);
    const all = await get(actors.gridWorker, `/api/v1/indicators/cases?unit=grid:g-01&limit=500&${period}`);
    const byKind: Record<string, number> = {};
    for (const item of all.body.items as Json[]) byKind[item.kind] = (byKind[item.kind] ?? 0) + 1;
    for (const [kind, count] of Object.entries(report.body.counts as Record<string, number>))
      expect(byKind[kind] ?? 0, kind).toBe(count);

    // Paged one by one, the dispatches come in order, each once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: Json } = await get(
        actors.gridWorker,
        `/api/v1/indicators/cases?unit=grid:g-01&kind=dispatched&kind=filed&limit=1&${period}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((i: Json) => `${i.kind}:${i.caseId}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(
      [...cases.map((c) => `dispatched:${c.id}`), ...cases.map((c) => `filed:${c.id}`)].sort(),
    );
  });

  it('keeps the drill-down to the caller’s units and refuses bad queries with 4xx', async () => {
    expect((await get(actors.otherGridWorker, `/api/v1/indicators/cases?unit=grid:g-01`)).status).toBe(403);
    expect((await get(actors.resident, `/api/v1/indicators/cases`)).status).toBe(403);
    expect((await get(null, `/api/v1/indicators/cases`)).status).toBe(401);
    const other = await get(actors.otherGridWorker, `/api/v1/indicators/cases?unit=grid:g-02&${period}`);
    expect(other.status).toBe(200);
    expect(other.body.items).toEqual([]);
    for (const query of ['kind=planets', 'cursor=nonsense', 'limit=0', 'limit=501', `from=${to}&to=${from}`]) {
      const bad = await get(actors.assessor, `/api/v1/indicators/cases?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body).toMatchObject({ code: expect.any(String), message_zh: expect.any(String) });
    }
  });

  it('ranks the grids from the projection', async () => {
    const res = await get(actors.leader, `/api/v1/indicators/rankings?kind=grid&${period}`);
    expect(res.status).toBe(200);
    const g1 = res.body.items.find((r: Json) => r.unit === 'grid:g-01');
    const g2 = res.body.items.find((r: Json) => r.unit === 'grid:g-02');
    expect(g1.counts).toMatchObject({ filed: 2, signedInTime: 1 });
    expect(g1.rank).toBe(1);
    expect(g2.counts.filed).toBe(0);
    expect(g2.rank).toBeNull();
    // The indicators' names come once; each item gives their values by code.
    expect(res.body.indicators.map((i: Json) => i.code)).toEqual(g1.indicators.map((i: Json) => i.code));
    expect(res.body.indicators[0]).toMatchObject({ name: { zh: expect.any(String) }, weight: expect.any(Number) });
    expect(Object.keys(g1.indicators[0]).sort()).toEqual(['code', 'value']);
    expect(g1.indicators.find((i: Json) => i.code === 'timely_signing_rate').value).toBeCloseTo(0.5);
  });

  it('masks personal data in the cases it lists, as the case list does', async () => {
    const c = await runtime.submit({
      process: 'gridEscalation',
      input: noiseReport({
        title: '夜间施工噪声，回电 13912345678',
        units: { grid: 'g-02', community: 'c-02', street: 's-02' },
        location: { lng: 118.305, lat: 33.965 },
      }),
      actor: actors.otherGridWorker,
    });
    await send(c, 'case.triage.file', SYSTEM_ACTOR);
    const res = await get(actors.assessor, `/api/v1/indicators/cases?unit=grid:g-02&kind=filed&${period}`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: Json) => i.caseId)).toEqual([c.id]);
    expect(res.body.items[0].case.summary.title).toBe('夜间施工噪声，回电 139****5678');
  });
});
