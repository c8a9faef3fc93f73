import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import { sampleCase } from '../testing/storeContract.js';
import type { CaseRecord, HistoryEntry } from './types.js';
import { computeIndicators, countIndicatorEvents, indicatorEvents, rankUnits } from './indicators.js';

const bj = (local: string): number => Date.parse(`${local}+08:00`);
const policy = createDefaultPolicy();

/** A small month by hand: three grid cases in grid g-01 and two evaluations (see the comments for the counts). */
function month(): { cases: CaseRecord[]; history: HistoryEntry[] } {
  const history: HistoryEntry[] = [];
  const seqs = new Map<string, number>();
  const add = (
    caseId: string,
    local: string,
    command: string,
    from: string,
    to: string,
    input: Record<string, unknown> = {},
  ) => {
    const seq = (seqs.get(caseId) ?? 0) + 1;
    seqs.set(caseId, seq);
    history.push({
      caseId,
      tenant: 't1',
      seq,
      at: bj(local),
      actor: { id: 'u', roles: [] },
      command,
      input,
      from,
      to,
      policyId: 'default',
      policyVersion: 1,
      decisions: [],
    });
  };
  const grid = (id: string) =>
    sampleCase({
      id,
      summary: { units: ['grid:g-01', 'community:c-01'], open: true, urgency: 'general', category: 'noise' },
    });
  // A: signed 09:30 (≤ 10:00), contacted 10:00 (≤ 11:30), closed 4 March (total P7D working → due 11 March 09:00).
  add('A', '2026-03-02T09:00', 'case.submit', '', 'triage');
  add('A', '2026-03-02T09:00', 'case.triage.file', 'triage', 'handling.dispatched');
  add('A', '2026-03-02T09:30', 'case.sign', 'handling.dispatched', 'handling.signed');
  add('A', '2026-03-02T10:00', 'case.contact', 'handling.signed', 'handling.contacted');
  add('A', '2026-03-04T10:00', 'case.close', 'verified', 'evaluating');
  // B: signed late (11:00 > 10:00), contacted late (15:00 > 14:30 = 11:00 + 2 working hours over lunch),
  // returned and re-dispatched, then signed and contacted in time; closed late on 20 March; redone on 15 March.
  add('B', '2026-03-02T09:00', 'case.submit', '', 'triage');
  add('B', '2026-03-02T09:00', 'case.triage.file', 'triage', 'handling.dispatched');
  add('B', '2026-03-02T11:00', 'case.sign', 'handling.dispatched', 'handling.signed');
  add('B', '2026-03-02T15:00', 'case.contact', 'handling.signed', 'handling.contacted');
  add('B', '2026-03-02T16:00', 'case.return', 'handling.contacted', 'returned', { reason: 'unclear_ownership' });
  add('B', '2026-03-03T09:00', 'case.return.accept', 'returned', 'handling.dispatched');
  add('B', '2026-03-03T09:10', 'case.sign', 'handling.dispatched', 'handling.signed');
  add('B', '2026-03-03T09:20', 'case.contact', 'handling.signed', 'handling.contacted');
  add('B', '2026-03-15T10:00', 'case.reopen', 'evaluating', 'handling.dispatched');
  add('B', '2026-03-20T10:00', 'case.close', 'verified', 'evaluating');
  // C: whistled, never signed, never closed.
  add('C', '2026-03-02T09:00', 'case.submit', '', 'triage');
  add('C', '2026-03-02T09:00', 'case.triage.file', 'triage', 'handling.dispatched');
  add('C', '2026-03-02T12:00', 'case.whistle', 'handling.dispatched', 'whistle.summoned');
  // Evaluations: E1 satisfied and solved; E2 unsatisfied, then after the redo basically satisfied and solved.
  add('E1', '2026-03-05T10:00', 'evaluation.rate', 'awaitingRating', 'rated', { rating: 'satisfied', solved: true });
  add('E2', '2026-03-14T10:00', 'evaluation.rate', 'awaitingRating', 'redoPending', {
    rating: 'unsatisfied',
    solved: false,
  });
  add('E2', '2026-03-21T10:00', 'evaluation.rate', 'redoPending', 'rated', {
    rating: 'basically_satisfied',
    solved: true,
  });
  const evaluation = (id: string) =>
    sampleCase({ id, process: 'appealEvaluation', summary: { units: ['grid:g-01'], open: false } });
  return { cases: [grid('A'), grid('B'), grid('C'), evaluation('E1'), evaluation('E2')], history };
}

const from = bj('2026-03-01T00:00');
const to = bj('2026-04-01T00:00');

describe('computeIndicators', () => {
  it('counts a hand-computed month', () => {
    const { cases, history } = month();
    const report = computeIndicators({ policy, cases, history, from, to, unit: 'grid:g-01' });
    expect(report.counts).toEqual({
      filed: 3,
      filedInTime: 3, // all filed at once, within one working hour of submission
      dispatched: 5, // A, B, B again after the return, B again on reopen, C
      signedInTime: 2,
      contactedInTime: 2,
      returned: 1,
      whistled: 1,
      due: 3,
      closed: 2,
      closedOnTime: 1,
      revisits: 2,
      solved: 2,
      satisfied: 1,
      basicallySatisfied: 1,
      unsatisfied: 0,
      redone: 1,
    });
  });

  it('及时立案率: filed within the filing limit by a person; late, after the reminder, or by rule autoFile is not in time', () => {
    const entry = (caseId: string, seq: number, local: string, command: string, from: string, to: string, input = {}) =>
      ({
        caseId,
        tenant: 't1',
        seq,
        at: bj(local),
        actor: { id: 'u', roles: [] },
        command,
        input,
        from,
        to,
        policyId: 'default',
        policyVersion: 1,
        decisions: [],
      }) satisfies HistoryEntry;
    const grid = (id: string, context: Record<string, unknown> = {}) => {
      const c = sampleCase({
        id,
        summary: { units: ['grid:g-01'], open: true, urgency: 'general', category: 'noise' },
      });
      return { ...c, snapshot: { ...c.snapshot, context: { ...c.snapshot.context, ...context } } };
    };
    const filingDue = { kind: 'filing', deadlineId: 'filing:1' };
    const history: HistoryEntry[] = [
      // In time: 09:50, within one working hour of 09:00.
      entry('ok', 1, '2026-03-02T09:00', 'case.submit', '', 'triage'),
      entry('ok', 2, '2026-03-02T09:50', 'case.triage.file', 'triage', 'handling.dispatched'),
      // Late, with no deadline recorded (a case from before filing limits): the limit from submission, 10:00.
      entry('late', 1, '2026-03-02T09:00', 'case.submit', '', 'triage'),
      entry('late', 2, '2026-03-02T10:30', 'case.triage.file', 'triage', 'handling.dispatched'),
      // Filed after its filing deadline fired (the machine's own due time, recounted to 11:00 by a migration).
      entry('reminded', 1, '2026-03-02T09:00', 'case.submit', '', 'triage'),
      entry('reminded', 2, '2026-03-02T11:00', 'deadline.due', 'triage', 'triage', filingDue),
      entry('reminded', 3, '2026-03-02T11:00', 'case.triage.file', 'triage', 'handling.dispatched'),
      // Filed by rule autoFile when the limit passed: filed, not in time.
      entry('auto', 1, '2026-03-02T09:00', 'case.submit', '', 'triage'),
      entry('auto', 2, '2026-03-02T10:00', 'deadline.due', 'triage', 'handling.dispatched', filingDue),
      // Never filed: counts nothing.
      entry('waiting', 1, '2026-03-02T09:00', 'case.submit', '', 'triage'),
      entry('waiting', 2, '2026-03-02T10:00', 'deadline.due', 'triage', 'triage', filingDue),
    ];
    const cases = [
      grid('ok'),
      grid('late'),
      grid('reminded', { filingDueAt: bj('2026-03-02T11:00') }),
      grid('auto', { filingDueAt: bj('2026-03-02T10:00') }),
      grid('waiting', { filingDueAt: bj('2026-03-02T10:00') }),
    ];
    const report = computeIndicators({ policy, cases, history, from, to });
    expect(report.counts).toMatchObject({ filed: 4, filedInTime: 1, dispatched: 4 });
    expect(report.indicators.find((i) => i.code === 'timely_filing_rate')).toMatchObject({
      name: { zh: '及时立案率', en: 'Timely filing rate' },
      value: 0.25,
    });
    // Both count at the filing, in the period it fell in.
    const events = indicatorEvents(policy, cases[0]!, history);
    expect(events.filter((e) => e.kind === 'filed' || e.kind === 'filedInTime')).toEqual([
      { kind: 'filed', at: bj('2026-03-02T09:50'), units: ['grid:g-01'] },
      { kind: 'filedInTime', at: bj('2026-03-02T09:50'), units: ['grid:g-01'] },
    ]);
  });

  it('applies the policy formulas and weights', () => {
    const { cases, history } = month();
    const report = computeIndicators({ policy, cases, history, from, to });
    const value = (code: string) => report.indicators.find((i) => i.code === code)?.value;
    expect(value('response_rate')).toBeCloseTo(2 / 5);
    expect(value('resolution_rate')).toBeCloseTo(1);
    expect(value('satisfaction_rate')).toBeCloseTo((1 + 0.8 * 1) / 2);
    expect(value('on_time_closure_rate')).toBeCloseTo(1 / 3);
    expect(value('closure_rate')).toBeCloseTo(2 / 3);
    expect(value('timely_signing_rate')).toBeCloseTo(2 / 5);
    expect(value('return_rate')).toBeCloseTo(1 / 5);
    expect(value('redo_rate')).toBeCloseTo(1 / 2);
    expect(value('whistle_rate')).toBeCloseTo(1 / 3);
    // 0.15·0.4 + 0.25·1 + 0.25·0.9 + 0.1·⅓ + 0.1·⅔ + 0.05·0.4 + 0.05·(1 − 0.2) + 0.05·(1 − 0.5) + 0·⅓ = 0.72
    expect(report.score).toBeCloseTo(72, 1);
  });

  it('counts the first rating when the policy says so', () => {
    const { cases, history } = month();
    const first = { ...policy, evaluation: { ...policy.evaluation, ratingThatCounts: 'first' as const } };
    const report = computeIndicators({ policy: first, cases, history, from, to });
    expect(report.counts).toMatchObject({
      revisits: 2,
      solved: 1,
      satisfied: 1,
      basicallySatisfied: 0,
      unsatisfied: 1,
    });
  });

  it('counts a case closed twice (after a redo) once among the closed', () => {
    const { cases, history } = month();
    const seq = history.filter((e) => e.caseId === 'A').length;
    history.push({
      ...history.find((e) => e.caseId === 'A' && e.command === 'case.close')!,
      seq: seq + 1,
      at: bj('2026-03-06T10:00'),
    });
    const report = computeIndicators({ policy, cases, history, from, to });
    expect(report.counts.closed).toBe(2);
    expect(report.counts.closedOnTime).toBe(1);
    expect(report.indicators.find((i) => i.code === 'closure_rate')?.value).toBeLessThanOrEqual(1);
  });

  it('gives null for rates without a denominator and filters by unit and period', () => {
    const { cases, history } = month();
    const empty = computeIndicators({ policy, cases, history, from, to, unit: 'grid:g-99' });
    expect(empty.indicators.every((i) => i.value === null)).toBe(true);
    expect(empty.score).toBeNull();
    const april = computeIndicators({ policy, cases, history, from: to, to: bj('2026-05-01T00:00') });
    expect(april.counts.filed).toBe(0);
  });

  it('ranks units by score, best first', () => {
    const { cases, history } = month();
    const a = computeIndicators({ policy, cases, history, from, to, unit: 'grid:g-01' });
    const b = { ...a, unit: 'grid:g-02', score: 90 };
    const c = { ...a, unit: 'grid:g-03', score: null };
    expect(rankUnits([a, b, c]).map((r) => [r.unit, r.rank])).toEqual([
      ['grid:g-02', 1],
      ['grid:g-01', 2],
      ['grid:g-03', null],
    ]);
  });
});

/** One case's history, entry by entry, with seq numbers in order. */
function caseHistory(caseId: string) {
  const entries: HistoryEntry[] = [];
  const add = (local: string, command: string, from: string, to: string, input: Record<string, unknown> = {}) => {
    entries.push({
      caseId,
      tenant: 't1',
      seq: entries.length + 1,
      at: bj(local),
      actor: { id: 'u', roles: [] },
      command,
      input,
      from,
      to,
      policyId: 'default',
      policyVersion: 1,
      decisions: [],
    });
    return add;
  };
  return { entries, add };
}

const gridCase = (id: string) =>
  sampleCase({
    id,
    summary: { units: ['grid:g-01', 'community:c-01', 'street:s-01'], open: false, urgency: 'general' },
  });
const evaluationCase = (id: string, context: Record<string, unknown> = {}) =>
  sampleCase({
    id,
    process: 'appealEvaluation',
    snapshot: {
      value: { rated: 'standing' },
      context: {
        deadlines: [],
        evaluatorKind: 'resident',
        unit: 'grid:g-01',
        subjectUnits: ['grid:g-01', 'community:c-01', 'street:s-01'],
        excluded: false,
        ...context,
      },
    },
    summary: { units: ['grid:g-01', 'community:c-01', 'street:s-01'], open: false },
  });

const march = [bj('2026-03-01T00:00'), bj('2026-04-01T00:00')] as const;
const april = [bj('2026-04-01T00:00'), bj('2026-05-01T00:00')] as const;

describe('indicators: an evaluation counts once it is rated', () => {
  it('never counts the creation of an evaluation, whatever name an older history gave it', () => {
    const { cases, history } = month();
    // E3 was opened and never rated; its creation was stored as `evaluation.rate` (before it had a name of its own).
    history.push({
      ...history.find((e) => e.caseId === 'E1')!,
      caseId: 'E3',
      seq: 1,
      command: 'evaluation.rate',
      from: '',
      to: 'awaitingRating',
      input: { subjectCaseId: 'A' },
    });
    const e4 = caseHistory('E4');
    e4.add('2026-03-05T09:00', 'evaluation.open', '', 'awaitingRating', { subjectCaseId: 'A' });
    history.push(...e4.entries);
    const evaluation = (id: string) =>
      sampleCase({ id, process: 'appealEvaluation', summary: { units: ['grid:g-01'], open: true } });
    const report = computeIndicators({
      policy,
      cases: [...cases, evaluation('E3'), evaluation('E4')],
      history,
      from,
      to,
      unit: 'grid:g-01',
    });
    expect(report.counts).toMatchObject({ revisits: 2, satisfied: 1, basicallySatisfied: 1, unsatisfied: 0 });
    expect(report.indicators.find((i) => i.code === 'satisfaction_rate')?.value).toBeCloseTo(0.9);
  });

  it('counts a lower level’s rating (下评上) for the rated unit only, a resident’s for the area too', () => {
    const resident = caseHistory('R');
    resident.add('2026-03-05T09:00', 'evaluation.open', '', 'awaitingRating');
    resident.add('2026-03-06T09:00', 'evaluation.rate', 'awaitingRating', 'rated.standing', {
      rating: 'satisfied',
      solved: true,
    });
    const street = caseHistory('S');
    street.add('2026-03-05T09:00', 'evaluation.open', '', 'awaitingRating');
    street.add('2026-03-06T09:00', 'evaluation.rate', 'awaitingRating', 'rated.standing', {
      rating: 'unsatisfied',
      solved: false,
    });
    const cases = [
      evaluationCase('R', { unit: 'street:s-01' }),
      evaluationCase('S', {
        evaluatorKind: 'lower_level',
        unit: 'department:fire',
        evaluatorUnit: 'street:s-01',
        subjectUnits: ['grid:g-01', 'community:c-01', 'street:s-01', 'department:fire'],
      }),
    ];
    const history = [...resident.entries, ...street.entries];
    const counts = (unit: string) =>
      computeIndicators({ policy, cases, history, from: march[0], to: march[1], unit }).counts;
    expect(counts('street:s-01')).toMatchObject({ revisits: 1, satisfied: 1, unsatisfied: 0 });
    expect(counts('grid:g-01')).toMatchObject({ revisits: 1, satisfied: 1, unsatisfied: 0 });
    expect(counts('department:fire')).toMatchObject({ revisits: 1, satisfied: 0, unsatisfied: 1 });
  });

  it('applies an assessor’s upheld correction to the rating that counts', () => {
    const h = caseHistory('R');
    h.add('2026-03-05T09:00', 'evaluation.open', '', 'awaitingRating');
    h.add('2026-03-06T09:00', 'evaluation.rate', 'awaitingRating', 'rated.standing', {
      rating: 'unsatisfied',
      solved: false,
    });
    h.add('2026-03-07T09:00', 'evaluation.appeal', 'rated.standing', 'rated.appealed', { reason: '与事实不符' });
    h.add('2026-04-02T09:00', 'evaluation.appeal.decide', 'rated.appealed', 'rated.standing', {
      upheld: true,
      note: '录音核实',
      correctedRating: 'basically_satisfied',
      correctedSolved: true,
    });
    const events = indicatorEvents(policy, evaluationCase('R'), h.entries);
    // The rating keeps the time it was given: it counts in March, as corrected.
    expect(countIndicatorEvents(events, ...march, 'grid:g-01')).toMatchObject({
      revisits: 1,
      solved: 1,
      basicallySatisfied: 1,
      unsatisfied: 0,
    });
    expect(countIndicatorEvents(events, ...april).revisits).toBe(0);
  });
});

describe('indicators: the period a case counts in', () => {
  it('a case filed in one month and closed in the next: filed then, due and closed in the month it was due', () => {
    const h = caseHistory('A');
    h.add('2026-03-30T09:00', 'case.submit', '', 'triage')(
      '2026-03-30T09:00',
      'case.triage.file',
      'triage',
      'handling.dispatched',
    )('2026-03-30T09:20', 'case.sign', 'handling.dispatched', 'handling.signed')(
      '2026-03-30T09:40',
      'case.contact',
      'handling.signed',
      'handling.contacted',
    )('2026-04-02T10:00', 'case.close', 'verified', 'evaluating');
    const events = indicatorEvents(policy, gridCase('A'), h.entries);
    // Seven working days from Monday 30 March 09:00 (general urgency), 清明 Monday 6 April off: 9 April 09:00.
    expect(events.find((e) => e.kind === 'due')?.at).toBe(bj('2026-04-09T09:00'));
    expect(countIndicatorEvents(events, ...march, 'street:s-01')).toMatchObject({
      filed: 1,
      dispatched: 1,
      signedInTime: 1,
      contactedInTime: 1,
      due: 0,
      closed: 0,
      closedOnTime: 0,
    });
    expect(countIndicatorEvents(events, ...april, 'street:s-01')).toMatchObject({
      filed: 0,
      dispatched: 0,
      due: 1,
      closed: 1,
      closedOnTime: 1,
    });
  });

  it('a case due in one month and closed late in the next counts as closed late in the month it was due', () => {
    const h = caseHistory('B');
    h.add('2026-03-20T09:00', 'case.triage.file', 'triage', 'handling.dispatched')(
      '2026-04-02T10:00',
      'case.close',
      'verified',
      'evaluating',
    );
    const events = indicatorEvents(policy, gridCase('B'), h.entries);
    expect(events.find((e) => e.kind === 'due')?.at).toBe(bj('2026-03-31T09:00'));
    expect(countIndicatorEvents(events, ...march)).toMatchObject({ filed: 1, due: 1, closed: 1, closedOnTime: 0 });
    expect(countIndicatorEvents(events, ...april)).toMatchObject({ filed: 0, due: 0, closed: 0, closedOnTime: 0 });
    // Until it is closed, it is due in March and not closed.
    const open = indicatorEvents(policy, gridCase('B'), h.entries.slice(0, 1));
    expect(countIndicatorEvents(open, ...march)).toMatchObject({ due: 1, closed: 0 });
  });

  it('a redone case: the reopening and its dispatch count when they happen, the case is closed once', () => {
    const grid = caseHistory('C');
    grid.add('2026-03-02T09:00', 'case.triage.file', 'triage', 'handling.dispatched')(
      '2026-03-04T10:00',
      'case.close',
      'verified',
      'evaluating',
    )('2026-04-01T10:00', 'case.reopen', 'evaluating', 'handling.dispatched', { reason: 'not_solved' })(
      '2026-04-01T10:20',
      'case.sign',
      'handling.dispatched',
      'handling.signed',
    )('2026-04-03T10:00', 'case.close', 'verified', 'evaluating');
    const ev = caseHistory('EC');
    ev.add('2026-03-04T10:00', 'evaluation.open', '', 'awaitingRating')(
      '2026-03-31T10:00',
      'evaluation.rate',
      'awaitingRating',
      'redoPending',
      { rating: 'unsatisfied', solved: false, reason: 'not_solved' },
    )('2026-04-05T10:00', 'evaluation.rate', 'redoPending', 'rated.standing', { rating: 'satisfied', solved: true });
    const events = [
      ...indicatorEvents(policy, gridCase('C'), grid.entries),
      ...indicatorEvents(policy, evaluationCase('EC'), ev.entries),
    ];
    expect(countIndicatorEvents(events, ...march)).toMatchObject({
      dispatched: 1,
      due: 1,
      closed: 1,
      closedOnTime: 1,
      redone: 0,
      // The final rating counts (ratingThatCounts: final), and it was given in April.
      revisits: 0,
    });
    expect(countIndicatorEvents(events, ...april)).toMatchObject({
      dispatched: 1,
      signedInTime: 1,
      redone: 1,
      closed: 0,
      revisits: 1,
      satisfied: 1,
      unsatisfied: 0,
    });
    // With the first rating counting, the unsatisfied one counts in March.
    const first = { ...policy, evaluation: { ...policy.evaluation, ratingThatCounts: 'first' as const } };
    expect(countIndicatorEvents(indicatorEvents(first, evaluationCase('EC'), ev.entries), ...march)).toMatchObject({
      revisits: 1,
      unsatisfied: 1,
    });
  });

  it('an excluded evaluation counts in no period, even one it was rated in before the exclusion', () => {
    const h = caseHistory('X');
    h.add('2026-03-04T10:00', 'evaluation.open', '', 'awaitingRating')(
      '2026-03-05T10:00',
      'evaluation.rate',
      'awaitingRating',
      'rated.standing',
      { rating: 'unsatisfied', solved: false },
    )('2026-04-02T10:00', 'evaluation.exclusion.approve', 'rated.standing', 'excluded', { approved: true });
    const rated = indicatorEvents(policy, evaluationCase('X'), h.entries.slice(0, 2));
    expect(countIndicatorEvents(rated, ...march).revisits).toBe(1);
    const excluded = indicatorEvents(policy, evaluationCase('X', { excluded: true }), h.entries);
    expect(excluded).toEqual([]);
  });
});
