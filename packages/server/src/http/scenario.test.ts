import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, Runtime } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, START, TENANTS, type Harness } from './harness.js';

/*
 * An integrator's scenario over HTTP only, from a resident's report to the month's figures.
 *
 * Case A (grid g-01, the resident 张三): filed → signed at the grid → escalated to the community → escalated to
 * the street → the street whistles urban management and housing → both check in and report done → feedback,
 * verification, closing. Closing opens three evaluations: the resident's of the street (the answering unit), and
 * the street's of each department it summoned (下评上). The resident rates "unsatisfied, not solved" (a
 * controllable reason): the case goes back to handling for redo, is signed late (past the one-hour signing limit),
 * handled, verified and closed again; the resident then rates "satisfied". The street rates urban management
 * "basically satisfied" and leaves housing unrated.
 *
 * Case B (grid g-02, the resident 李四): a grid worker's patrol report, filed, handled at the grid, verified and
 * closed on 20 March — after its total deadline (7 working days from filing on 2 March) — and rated "unsatisfied"
 * for a reason outside the unit's control (no redo).
 *
 * Then the figures of March for every unit level and the tenant, from GET /api/v1/indicators, its drill-down and
 * the rankings, each derived below from this story (and equal to the runtime's history replay).
 */

const [T] = TENANTS;
const MIN = 60_000;
type Json = Record<string, any>;
type Counts = Record<string, number>;

const housingLiaison: Actor = { id: 'u-housing', roles: ['department_liaison'], units: ['department:housing'] };
const communityStaff2: Actor = {
  id: 'u-comm-2',
  roles: ['community_staff'],
  units: ['community:c-02', 'street:s-02'],
};

/** March 2026 in Beijing, and its parts before and from 10 March (both cases are due on 11 March at the earliest). */
const MARCH = Date.parse('2026-03-01T00:00:00+08:00');
const MARCH_10 = Date.parse('2026-03-10T00:00:00+08:00');
const APRIL = Date.parse('2026-04-01T00:00:00+08:00');
const MARCH_20 = Date.parse('2026-03-20T10:00:00+08:00');

const ZERO: Counts = {
  filed: 0,
  filedInTime: 0,
  dispatched: 0,
  signedInTime: 0,
  contactedInTime: 0,
  returned: 0,
  whistled: 0,
  due: 0,
  closed: 0,
  closedOnTime: 0,
  revisits: 0,
  solved: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  unsatisfied: 0,
  redone: 0,
};

/**
 * Case A's own counters, for each of its units (its grid, community, street and both summoned departments): filed
 * once, 5 minutes after the report (in time); dispatched 4 times (filing, two escalations, the redo); signed in time
 * 3 times (not after the redo) and contacted in time every time; whistled once; due once and closed once, on time
 * (by its first closing); redone once. No return.
 */
const CASE_A: Counts = {
  ...ZERO,
  filed: 1,
  filedInTime: 1,
  dispatched: 4,
  signedInTime: 3,
  contactedInTime: 4,
  whistled: 1,
  due: 1,
  closed: 1,
  closedOnTime: 1,
  redone: 1,
};
/** Case B's: filed in time, dispatched once, signed and contacted in time, due and closed, but late. */
const CASE_B: Counts = {
  ...ZERO,
  filed: 1,
  filedInTime: 1,
  dispatched: 1,
  signedInTime: 1,
  contactedInTime: 1,
  due: 1,
  closed: 1,
  closedOnTime: 0,
};
/** The resident's final rating of A (the rating that counts after a redo): satisfied, solved. */
const RATING_A: Counts = { ...ZERO, revisits: 1, solved: 1, satisfied: 1 };
/** The street's rating of urban management: basically satisfied, solved. */
const RATING_UM: Counts = { ...ZERO, revisits: 1, solved: 1, basicallySatisfied: 1 };
/** The resident's rating of B: unsatisfied, not solved. */
const RATING_B: Counts = { ...ZERO, revisits: 1, unsatisfied: 1 };

const sum = (...parts: Counts[]): Counts => {
  const out: Counts = { ...ZERO };
  for (const p of parts) for (const [k, v] of Object.entries(p)) out[k] = (out[k] ?? 0) + v;
  return out;
};

/**
 * The expected figures of March by unit. A resident's rating counts for the rated unit and the case's area; the
 * street's rating of a department (下评上) for that department only, not for the street; the unrated evaluation of
 * housing counts nowhere.
 */
const EXPECTED: Record<string, Counts> = {
  'grid:g-01': sum(CASE_A, RATING_A),
  'community:c-01': sum(CASE_A, RATING_A),
  'street:s-01': sum(CASE_A, RATING_A),
  'department:urban_management': sum(CASE_A, RATING_UM),
  'department:housing': CASE_A,
  'grid:g-02': sum(CASE_B, RATING_B),
  'community:c-02': sum(CASE_B, RATING_B),
  'street:s-02': sum(CASE_B, RATING_B),
  '': sum(CASE_A, CASE_B, RATING_A, RATING_UM, RATING_B),
};

/** The default policy's rates, as docs/indicators.md defines them (r(a, b) = a / b, or null when b is 0). */
const r = (a: number, b: number): number | null => (b === 0 ? null : a / b);
const RATES: { code: string; weight: number; lower?: true; of: (c: Counts) => number | null }[] = [
  { code: 'response_rate', weight: 0.15, of: (c) => r(c.contactedInTime!, c.dispatched!) },
  { code: 'resolution_rate', weight: 0.25, of: (c) => r(c.solved!, c.revisits!) },
  {
    code: 'satisfaction_rate',
    weight: 0.25,
    of: (c) => r(c.satisfied! + 0.8 * c.basicallySatisfied!, c.revisits!),
  },
  { code: 'on_time_closure_rate', weight: 0.1, of: (c) => r(c.closedOnTime!, c.due!) },
  { code: 'closure_rate', weight: 0.1, of: (c) => r(c.closed!, c.due!) },
  { code: 'timely_signing_rate', weight: 0.05, of: (c) => r(c.signedInTime!, c.dispatched!) },
  { code: 'timely_filing_rate', weight: 0, of: (c) => r(c.filedInTime!, c.filed!) },
  { code: 'return_rate', weight: 0.05, lower: true, of: (c) => r(c.returned!, c.dispatched!) },
  { code: 'redo_rate', weight: 0.05, lower: true, of: (c) => r(c.redone!, c.closed!) },
  { code: 'whistle_rate', weight: 0, of: (c) => r(c.whistled!, c.filed!) },
];
/** Score = 100 × Σ wᵢ·vᵢ / Σ wᵢ over the rates with a value and a weight ("lower" rates as 1 − v), to 0.01. */
function scoreOf(c: Counts): number | null {
  let weighted = 0;
  let weights = 0;
  for (const rate of RATES) {
    const v = rate.of(c);
    if (v === null || rate.weight === 0) continue;
    weighted += rate.weight * (rate.lower ? 1 - v : v);
    weights += rate.weight;
  }
  return weights === 0 ? null : Math.round((weighted / weights) * 10000) / 100;
}

describe.each(ENGINES)('an integrator’s scenario, report to figures, on %s', (engine) => {
  let h: Harness;
  let runtime: Runtime;
  let caseA = '';
  let caseB = '';
  /** The evaluations: the resident's of A, the street's of urban management and of housing, the resident's of B. */
  const ev = { a: '', um: '', housing: '', b: '' };
  /** When the ratings that count were given. */
  const ratedAt = { a: 0, um: 0, b: 0 };
  const log: string[] = [];

  const get = async (as: Actor, url: string) => {
    const res = await h.request(as, { method: 'GET', url });
    expect(res.statusCode, `GET ${url}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json() as Json;
  };
  /** Gives a command as an integrator does: reads what the caller is offered now, then sends it with that version. */
  const act = async (as: Actor, id: string, type: string, input: Json = {}) => {
    const offered = await get(as, `/api/v1/cases/${id}/commands`);
    const command = (offered.commands as Json[]).find((c) => c.type === type);
    expect(command, `${type} offered to ${as.id} in ${offered.state}`).toMatchObject({ available: true });
    const res = await h.request(as, {
      method: 'POST',
      url: `/api/v1/cases/${id}/commands`,
      payload: { type, input, expectedVersion: offered.version },
    });
    expect(res.statusCode, `${type} by ${as.id}: ${res.body.slice(0, 300)}`).toBe(200);
    h.clock.advance(5 * MIN);
    const body = res.json() as Json;
    log.push(`${type} → ${body.state}`);
    return body;
  };
  const pending = async (as: Actor) => (await get(as, '/api/v1/evaluations/pending?limit=100')).items as Json[];
  const rate = async (as: Actor, item: Json, input: Json) => {
    expect(
      (item.commands as Json[]).map((c) => c.type),
      `${as.id} may rate ${item.id}`,
    ).toContain('evaluation.rate');
    const res = await h.request(as, {
      method: 'POST',
      url: `/api/v1/evaluations/${item.id}/rating`,
      payload: { ...input, expectedVersion: item.version },
    });
    expect(res.statusCode, `rating by ${as.id}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json() as Json;
  };
  const indicators = async (unit: string, from = MARCH, to = APRIL) =>
    get(actors.assessor, `/api/v1/indicators?from=${from}&to=${to}${unit ? `&unit=${unit}` : ''}`);
  const drill = async (unit: string, kind: string) =>
    (
      await get(
        actors.assessor,
        `/api/v1/indicators/cases?from=${MARCH}&to=${APRIL}&kind=${kind}&limit=500${unit ? `&unit=${unit}` : ''}`,
      )
    ).items as Json[];

  beforeAll(async () => {
    h = await startHarness(engine);
    runtime = await h.ctx.runtimeFor(T);
    expect(h.clock.now()).toBe(START);

    // Case A: the resident reports from the app.
    const submitted = await h.request(actors.resident, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: { process: 'gridEscalation', input: noiseReport() },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    caseA = (submitted.json() as Json).id;
    h.clock.advance(5 * MIN);
    expect(await act(actors.communityStaff, caseA, 'case.triage.file')).toMatchObject({
      state: 'handling.dispatched',
      summary: { level: 'grid' },
    });
    // The grid signs, contacts, starts, and cannot solve it: up to the community.
    await act(actors.gridWorker, caseA, 'case.sign');
    await act(actors.gridWorker, caseA, 'case.contact', { method: 'phone' });
    await act(actors.gridWorker, caseA, 'case.start');
    expect(await act(actors.gridWorker, caseA, 'case.escalate', { reason: '网格无法协调施工方' })).toMatchObject({
      state: 'handling.dispatched',
      summary: { level: 'community' },
    });
    // The community handles it, and its secretary passes it up to the street.
    await act(actors.communityStaff, caseA, 'case.sign');
    await act(actors.communityStaff, caseA, 'case.contact', { method: 'visit' });
    await act(actors.communityStaff, caseA, 'case.start');
    expect(await act(actors.secretary, caseA, 'case.escalate', { reason: '涉及城管执法' })).toMatchObject({
      state: 'handling.dispatched',
      summary: { level: 'street' },
    });
    // The street's dispatcher takes it; the street leader whistles two departments (吹哨报到).
    await act(actors.dispatcher, caseA, 'case.sign');
    await act(actors.dispatcher, caseA, 'case.contact', { method: 'phone' });
    await act(actors.dispatcher, caseA, 'case.start');
    const whistled = await act(actors.leader, caseA, 'case.whistle', {
      kind: 'tough',
      departments: ['urban_management', 'housing'],
    });
    expect(whistled.summary.units).toEqual(
      expect.arrayContaining(['department:urban_management', 'department:housing']),
    );
    await act(actors.liaison, caseA, 'case.checkin', { department: 'urban_management' });
    await act(housingLiaison, caseA, 'case.checkin', { department: 'housing' });
    await act(actors.liaison, caseA, 'case.department.done', { department: 'urban_management', note: '已责令停工' });
    expect(
      await act(housingLiaison, caseA, 'case.department.done', { department: 'housing', note: '已约谈施工单位' }),
    ).toMatchObject({ state: 'handling.feedback' });
    await act(actors.dispatcher, caseA, 'case.feedback', { note: '工地夜间已停工', resolved: true });
    await act(actors.communityStaff, caseA, 'case.verify.pass');
    expect(await act(actors.communityStaff, caseA, 'case.close')).toMatchObject({ state: 'evaluating' });

    // Closing opened the resident's evaluation of the street (the unit that answered) …
    const mine = (await pending(actors.resident)).filter((e) => e.subjectCaseId === caseA);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      process: 'appealEvaluation',
      state: 'awaitingRating',
      summary: { level: 'street' },
    });
    ev.a = mine[0]!.id;
    // … and the street's of each department it summoned (下评上).
    const street = (await pending(actors.leader)).filter(
      (e) => e.subjectCaseId === caseA && e.summary.tags.includes('evaluator:lower_level'),
    );
    expect(street.map((e) => e.summary.units[0]).sort()).toEqual(['department:housing', 'department:urban_management']);
    ev.um = street.find((e) => e.summary.units[0] === 'department:urban_management')!.id;
    ev.housing = street.find((e) => e.summary.units[0] === 'department:housing')!.id;

    // Unsatisfied, not solved (a controllable reason): the evaluation waits for the redo, the case goes back.
    expect(
      await rate(actors.resident, mine[0]!, { rating: 'unsatisfied', solved: false, reason: 'not_solved' }),
    ).toMatchObject({ state: 'redoPending' });
    const reopened = await get(actors.dispatcher, `/api/v1/cases/${caseA}`);
    expect(reopened).toMatchObject({ state: 'handling.dispatched', summary: { level: 'street' } });
    expect(reopened.summary.tags).toContain('redo');

    // The redo: signed two hours later (past the one-hour signing limit), then handled and closed again.
    h.clock.advance(120 * MIN);
    await act(actors.dispatcher, caseA, 'case.sign');
    await act(actors.dispatcher, caseA, 'case.contact', { method: 'visit' });
    await act(actors.dispatcher, caseA, 'case.start');
    await act(actors.dispatcher, caseA, 'case.feedback', { note: '施工方已加装隔音屏障', resolved: true });
    await act(actors.communityStaff, caseA, 'case.verify.pass');
    expect(await act(actors.communityStaff, caseA, 'case.close')).toMatchObject({ state: 'evaluating' });

    // Closing again opens no second evaluation (一事一评): the open one takes the final rating.
    const again = (await pending(actors.resident)).filter((e) => e.subjectCaseId === caseA);
    expect(again.map((e) => e.id)).toEqual([ev.a]);
    expect(again[0]).toMatchObject({ state: 'redoPending' });
    ratedAt.a = h.clock.now();
    expect(await rate(actors.resident, again[0]!, { rating: 'satisfied', solved: true })).toMatchObject({
      state: 'rated.standing',
    });
    h.clock.advance(5 * MIN);
    const um = (await pending(actors.leader)).find((e) => e.id === ev.um)!;
    ratedAt.um = h.clock.now();
    expect(await rate(actors.leader, um, { rating: 'basically_satisfied', solved: true })).toMatchObject({
      state: 'rated.standing',
    });
    h.clock.advance(5 * MIN);

    // Case B: a grid worker's patrol report of grid g-02, for the resident 李四.
    const b = await h.request(actors.otherGridWorker, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: {
        process: 'gridEscalation',
        input: noiseReport({
          title: '广场舞音响扰民',
          source: 'patrol',
          reporter: { id: actors.otherResident.id, name: '李四', phone: '13900005678' },
          location: { lng: 118.305, lat: 33.965 },
          units: { grid: 'g-02', community: 'c-02', street: 's-02' },
          attributes: { location: '和谐广场', noise_source: 'commercial' },
        }),
      },
    });
    expect(b.statusCode, b.body).toBe(201);
    caseB = (b.json() as Json).id;
    h.clock.advance(5 * MIN);
    await act(communityStaff2, caseB, 'case.triage.file');
    await act(actors.otherGridWorker, caseB, 'case.sign');
    await act(actors.otherGridWorker, caseB, 'case.contact', { method: 'phone' });
    await act(actors.otherGridWorker, caseB, 'case.start');
    await act(actors.otherGridWorker, caseB, 'case.feedback', { note: '已劝导降低音量', resolved: true });
    // Verified and closed on 20 March, past its total deadline.
    h.clock.set(MARCH_20);
    await act(communityStaff2, caseB, 'case.verify.pass');
    expect(await act(communityStaff2, caseB, 'case.close')).toMatchObject({ state: 'evaluating' });
    const theirs = (await pending(actors.otherResident)).filter((e) => e.subjectCaseId === caseB);
    expect(theirs).toHaveLength(1);
    expect(theirs[0]).toMatchObject({ summary: { level: 'grid' } });
    ev.b = theirs[0]!.id;
    ratedAt.b = h.clock.now();
    // Unsatisfied for a reason outside the unit's control: it stands, no redo.
    expect(
      await rate(actors.otherResident, theirs[0]!, {
        rating: 'unsatisfied',
        solved: false,
        reason: 'beyond_authority',
        controllable: false,
      }),
    ).toMatchObject({ state: 'rated.standing' });
    expect(await get(communityStaff2, `/api/v1/cases/${caseB}`)).toMatchObject({ state: 'evaluating' });
    h.clock.advance(5 * MIN);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  it('leaves the street’s evaluation of housing unrated, still waiting in its inbox', async () => {
    const open = await pending(actors.leader);
    expect(open.map((e) => e.id)).toContain(ev.housing);
    expect(open.map((e) => e.id)).not.toContain(ev.um);
    expect(await get(actors.leader, `/api/v1/cases/${ev.housing}`)).toMatchObject({ state: 'awaitingRating' });
    expect((await pending(actors.resident)).map((e) => e.id)).not.toContain(ev.a);
  });

  it('reports every unit level and the tenant for March with exact counts, 满意率 and score, as the replay does', async () => {
    for (const [unit, counts] of Object.entries(EXPECTED)) {
      const label = unit || 'tenant';
      const report = await indicators(unit);
      expect(report.counts, label).toEqual(counts);
      const satisfaction = report.indicators.find((i: Json) => i.code === 'satisfaction_rate');
      const expected = r(counts.satisfied! + 0.8 * counts.basicallySatisfied!, counts.revisits!);
      if (expected === null) expect(satisfaction.value, label).toBeNull();
      else expect(satisfaction.value, label).toBeCloseTo(expected, 12);
      for (const rate of RATES) {
        const value = report.indicators.find((i: Json) => i.code === rate.code)?.value;
        const want = rate.of(counts);
        if (want === null) expect(value, `${label} ${rate.code}`).toBeNull();
        else expect(value, `${label} ${rate.code}`).toBeCloseTo(want, 12);
      }
      expect(report.score, label).toBe(scoreOf(counts));
      // The projection's figures are the history replay's.
      const replay = await runtime.indicators({ from: MARCH, to: APRIL, ...(unit ? { unit } : {}) });
      expect(report.counts, `${label} replay`).toEqual(replay.counts);
      expect(report.indicators, `${label} replay`).toEqual(replay.indicators);
      expect(report.score, `${label} replay`).toBe(replay.score);
    }
    // Spelled out: 满意率 of the tenant is (1 satisfied + 0.8 × 1 basically satisfied) / 3 rated; the street's is 1,
    // urban management's 0.8, grid g-02's 0, and housing, never rated, has none.
    const rateOf = async (unit: string) =>
      (await indicators(unit)).indicators.find((i: Json) => i.code === 'satisfaction_rate').value;
    expect(await rateOf('')).toBeCloseTo(0.6, 12);
    expect(await rateOf('street:s-01')).toBe(1);
    expect(await rateOf('department:urban_management')).toBeCloseTo(0.8, 12);
    expect(await rateOf('grid:g-02')).toBe(0);
    expect(await rateOf('department:housing')).toBeNull();
    // A unit's own staff read the same figures as the assessor.
    const own = await get(actors.leader, `/api/v1/indicators?from=${MARCH}&to=${APRIL}&unit=street:s-01`);
    expect(own.counts).toEqual(EXPECTED['street:s-01']);
  });

  it('counts each event in the period of its instant: closures at the deadline, ratings when given', async () => {
    // Both cases were filed on 2 March and are due 7 working days later (not before 11 March); B was rated on 20 March.
    const early = await indicators('', MARCH, MARCH_10);
    expect(early.counts).toEqual({
      ...EXPECTED['']!,
      due: 0,
      closed: 0,
      closedOnTime: 0,
      revisits: 2,
      unsatisfied: 0,
    });
    const late = await indicators('', MARCH_10, APRIL);
    expect(late.counts).toEqual({ ...ZERO, due: 2, closed: 2, closedOnTime: 1, revisits: 1, unsatisfied: 1 });
    for (const [from, to, report] of [
      [MARCH, MARCH_10, early],
      [MARCH_10, APRIL, late],
    ] as const)
      expect(report.counts).toEqual((await runtime.indicators({ from, to })).counts);
    expect((await indicators('', APRIL, APRIL + 30 * 86_400_000)).counts).toEqual(ZERO);
  });

  it('drills down to exactly the cases behind a figure', async () => {
    const of = (items: Json[]) => items.map((i) => i.caseId).sort();
    // 满意数: the resident's final rating of A, at the instant it was given; nothing else.
    for (const unit of ['', 'grid:g-01', 'community:c-01', 'street:s-01']) {
      const satisfied = await drill(unit, 'satisfied');
      expect(satisfied, unit || 'tenant').toEqual([
        expect.objectContaining({ caseId: ev.a, kind: 'satisfied', at: ratedAt.a }),
      ]);
    }
    expect(await drill('department:urban_management', 'satisfied')).toEqual([]);
    expect(await drill('department:urban_management', 'basicallySatisfied')).toEqual([
      expect.objectContaining({ caseId: ev.um, at: ratedAt.um }),
    ]);
    expect(await drill('grid:g-02', 'unsatisfied')).toEqual([expect.objectContaining({ caseId: ev.b, at: ratedAt.b })]);
    // The first, unsatisfied rating of A was replaced by the final one: no unsatisfied figure in grid g-01.
    expect(await drill('grid:g-01', 'unsatisfied')).toEqual([]);
    // Rated evaluations only: never the unrated one of housing.
    expect(of(await drill('', 'revisits'))).toEqual([ev.a, ev.b, ev.um].sort());
    expect(await drill('department:housing', 'revisits')).toEqual([]);
    expect(of(await drill('', 'redone'))).toEqual([caseA]);
    expect(of(await drill('', 'closed'))).toEqual([caseA, caseB].sort());
    expect(of(await drill('', 'closedOnTime'))).toEqual([caseA]);
    expect(of(await drill('department:housing', 'whistled'))).toEqual([caseA]);
    // Every figure of every unit has exactly as many items as its count.
    for (const [unit, counts] of Object.entries(EXPECTED)) {
      const items = await drill(unit, Object.keys(ZERO).join('&kind='));
      const byKind: Counts = { ...ZERO };
      for (const i of items) byKind[i.kind] = byKind[i.kind]! + 1;
      expect(byKind, unit || 'tenant').toEqual(counts);
    }
  });

  it('ranks every level by score, best first, with the counted units’ figures', async () => {
    const expectRanking = async (kind: string, order: string[]) => {
      const res = await get(actors.assessor, `/api/v1/indicators/rankings?kind=${kind}&from=${MARCH}&to=${APRIL}`);
      const ranked = (res.items as Json[]).filter((i) => i.rank !== null);
      expect(
        ranked.map((i) => i.unit),
        kind,
      ).toEqual(order);
      for (const [n, unit] of order.entries()) {
        const item = ranked[n]!;
        expect(item.rank, unit).toBe(n + 1);
        expect(item.counts, unit).toEqual(EXPECTED[unit]);
        expect(item.score, unit).toBe(scoreOf(EXPECTED[unit]!));
        const satisfaction = item.indicators.find((i: Json) => i.code === 'satisfaction_rate').value;
        const want = RATES.find((x) => x.code === 'satisfaction_rate')!.of(EXPECTED[unit]!);
        if (want === null) expect(satisfaction, unit).toBeNull();
        else expect(satisfaction, unit).toBeCloseTo(want, 12);
      }
      // The rest counted nothing and have no score.
      for (const i of (res.items as Json[]).filter((x) => x.rank === null)) {
        expect(i.score, i.unit).toBeNull();
        expect(i.counts, i.unit).toEqual(ZERO);
      }
      return ranked;
    };
    // g-01: 0.15 + 0.25 + 0.25 + 0.10 + 0.10 + 0.05 × 0.75 + 0.05 × 1 + 0.05 × 0 = 0.9375 → 93.75;
    // g-02: 0.15 + 0 + 0 + 0 + 0.10 + 0.05 + 0.05 + 0.05 = 0.40 → 40.
    const grids = await expectRanking('grid', ['grid:g-01', 'grid:g-02']);
    expect(grids.map((i) => i.score)).toEqual([93.75, 40]);
    await expectRanking('community', ['community:c-01', 'community:c-02']);
    await expectRanking('street', ['street:s-01', 'street:s-02']);
    // Urban management: 满意率 0.8 → 88.75; housing, unrated, has no 解决率 or 满意率: 0.4375 / 0.5 → 87.5.
    const departments = await expectRanking('department', ['department:urban_management', 'department:housing']);
    expect(departments.map((i) => i.score)).toEqual([88.75, 87.5]);
  });
});
