import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import type { Policy } from '../../policy/types.js';
import { validatePolicy } from '../../policy/validatePolicy.js';
import type { Actor } from '../contract/types.js';
import { gridEscalationProcess } from './process.js';
import { explainEntry } from '../../runtime/explainHistory.js';
import type { HistoryEntry } from '../../runtime/types.js';
import { recomputeDeadlines, type GridEscalationContext } from './index.js';
import { createProcessDriver, type ProcessDriver, type StepResult } from '../../testing/processDriver.js';
import { createProcessEnv } from '../contract/env.js';

/* The filing limit (立案时限): a report waits in triage against `timeLimits.filing`, counted from submission on
 * the business calendar (Asia/Shanghai, Mon–Fri 09:00–12:00 and 13:30–17:30). */
const bj = (local: string): number => Date.parse(`${local}+08:00`);
const iso = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? String(ms) : new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

const gridWorker: Actor = { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01'] };
const dispatcher: Actor = { id: 'u-dispatcher', roles: ['street_dispatcher'], units: ['street:s-01'] };

type Driver = ProcessDriver<GridEscalationContext>;

function report(at: string, input: Record<string, unknown> = {}, policy?: Policy): Driver {
  const d = createProcessDriver<GridEscalationContext>(gridEscalationProcess, {
    now: bj(at),
    actor: dispatcher,
    caseId: 'case-1',
    ...(policy ? { policy } : {}),
  });
  d.start(
    {
      category: 'noise',
      title: '夜间施工噪声',
      description: '小区旁工地夜间施工',
      source: 'walk_in',
      anonymous: false,
      reporter: { id: 'u-resident' },
      units: { grid: 'g-01', community: 'c-01', street: 's-01' },
      attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
      ...input,
    },
    { actor: gridWorker },
  );
  return d;
}

const summary = (d: Driver) => gridEscalationProcess.summarize(d.context, d.snapshot.value);
const nextDue = (d: Driver): number | null => {
  const pending = d.context.deadlines.filter((x) => x.firedAt === undefined).map((x) => x.dueAt);
  return pending.length === 0 ? null : Math.min(...pending);
};

describe('gridEscalation: the filing limit', () => {
  it('the default policy validates clean with filing limits and rule autoFile', () => {
    const policy = createDefaultPolicy();
    expect(policy.timeLimits.filing?.length).toBeGreaterThan(0);
    expect(policy.rules.autoFile).toBeDefined();
    expect(validatePolicy(policy).problems).toEqual([]);
  });

  it('sets the filing deadline at submission, by urgency and source, on the business calendar', () => {
    // General: one working hour. Submitted Friday 17:00, the hour ends Monday 09:30.
    const general = report('2026-03-06T17:00');
    expect(general.state).toBe('triage');
    expect(general.context.filingCellId).toBe('f-general');
    expect(iso(general.context.filingDueAt)).toBe('2026-03-09T09:30');
    expect(general.pending('filing')).toMatchObject({ id: 'filing:1', dueAt: general.context.filingDueAt });
    // What a store keeps to find due cases and to sort an inbox by deadline.
    expect(nextDue(general)).toBe(general.context.filingDueAt);

    // An emergency counts on the clock: one hour, through the night.
    const emergency = report('2026-03-06T17:00', { urgency: 'emergency' });
    expect(iso(emergency.context.filingDueAt)).toBe('2026-03-06T18:00');

    // An online report (12345: accepted within two hours), two working hours, across lunch.
    const online = report('2026-03-02T11:00', { source: 'app' });
    expect(online.context.filingCellId).toBe('f-general-app');
    expect(iso(online.context.filingDueAt)).toBe('2026-03-02T14:30');

    // A policy without filing limits: one working hour for every report.
    const policy = createDefaultPolicy();
    delete policy.timeLimits.filing;
    const bare = report('2026-03-02T11:30', { urgency: 'emergency' }, policy);
    expect(bare.context.filingCellId).toBe('fallback:filing');
    expect(iso(bare.context.filingDueAt)).toBe('2026-03-02T14:00');
  });

  it('filing in time drops the deadline and counts as filed in time', () => {
    const d = report('2026-03-02T09:00');
    d.advance(30 * 60_000);
    d.send('case.triage.file', {});
    expect(d.state).toBe('handling.dispatched');
    expect(d.pending('filing')).toBeUndefined();
    expect(d.context.filedInTime).toBe(true);
    expect(summary(d).tags ?? []).not.toContain('overdue');
    expect(summary(d).tags ?? []).not.toContain('filed_late');
  });

  it('past the limit the unfiled report is overdue, and filing it later counts as late', () => {
    const d = report('2026-03-02T09:00');
    expect(summary(d).tags ?? []).not.toContain('overdue');
    const [fired] = d.fireDue(bj('2026-03-02T10:00'));
    expect(fired?.changed).toBe(true);
    expect(d.state).toBe('triage');
    expect(d.context.filingOverdue).toBe(true);
    expect(d.context.deadlines.find((x) => x.id === 'filing:1')?.firedAt).toBe(bj('2026-03-02T10:00'));
    expect(summary(d).tags).toContain('overdue');
    // A walk-in report waits for a person: the rule said no, with the facts it read.
    const autoFile = fired!.decisions.find((x) => x.rule === 'autoFile');
    expect(autoFile).toMatchObject({
      result: false,
      inputs: { 'case.filingElapsedHours': 1, 'case.filingLimitHours': 1, 'case.source': 'walk_in' },
    });

    d.advance(60 * 60_000);
    d.send('case.triage.file', {}, { actor: dispatcher });
    expect(d.state).toBe('handling.dispatched');
    expect(d.context.filedInTime).toBe(false);
    expect(d.context.autoFiled).toBe(false);
    expect(summary(d).tags).toContain('filed_late');
    expect(summary(d).tags ?? []).not.toContain('overdue');
  });

  it('a cancelled overdue report is no longer overdue', () => {
    const d = report('2026-03-02T09:00');
    d.fireDue(bj('2026-03-02T10:00'));
    d.send('case.triage.cancel', { reason: '无效上报' });
    expect(summary(d).tags ?? []).not.toContain('overdue');
  });

  it('rule autoFile files a patrol report to the routed unit when its limit passes, and explains why', () => {
    const d = report('2026-03-02T09:00', { source: 'patrol', category: 'illegal_construction', attributes: {} });
    const [fired] = d.fireDue(bj('2026-03-02T10:00')) as [StepResult];
    expect(d.state).toBe('handling.dispatched');
    // Routing row r-illegal-construction sends it to urban management.
    expect(d.context).toMatchObject({
      level: 'department',
      department: 'urban_management',
      routeRowId: 'r-illegal-construction',
      filedAt: bj('2026-03-02T10:00'),
      filedBy: 'system',
      filedInTime: false,
      autoFiled: true,
      filingOverdue: true,
    });
    expect(d.pending('filing')).toBeUndefined();
    expect(d.pending('sign')).toBeDefined();
    expect(d.pending('total')).toBeDefined();
    // One routing decision (the routed unit is a fact of the rule), then the rule.
    expect(fired.decisions.map((x) => x.rule)).toEqual(['routing:r-illegal-construction', 'autoFile']);
    const autoFile = fired.decisions[1]!;
    expect(autoFile.result).toBe(true);

    const entry: HistoryEntry = {
      caseId: 'case-1',
      tenant: 't',
      seq: 2,
      at: bj('2026-03-02T10:00'),
      actor: { id: 'system', roles: ['system'] },
      command: 'deadline.due',
      input: { deadlineId: 'filing:1', kind: 'filing' },
      from: 'triage',
      to: 'handling.dispatched',
      policyId: 'default',
      policyVersion: 1,
      decisions: fired.decisions,
    };
    const policy = createDefaultPolicy();
    const zh = explainEntry(entry, policy, 'zh').decisions[1]!.explanation;
    const en = explainEntry(entry, policy, 'en').decisions[1]!.explanation;
    expect(zh).toContain('等待立案已用时');
    expect(zh).toContain('立案时限');
    expect(en).toContain('time waiting to be filed');
    expect(en).not.toContain('case.filingElapsedHours');
  });

  it('rule autoFile can read the routed unit: a policy filing automatically only what goes to the grid', () => {
    const policy = createDefaultPolicy();
    policy.rules.autoFile!.logic = { '==': [{ var: 'case.routedLevel' }, 'grid'] };
    const grid = report('2026-03-02T09:00', {}, policy);
    grid.fireDue(bj('2026-03-02T10:00'));
    expect(grid.state).toBe('handling.dispatched');
    expect(grid.context).toMatchObject({ level: 'grid', autoFiled: true });

    const department = report('2026-03-02T09:00', { category: 'illegal_construction', attributes: {} }, policy);
    const [fired] = department.fireDue(bj('2026-03-02T10:00'));
    expect(department.state).toBe('triage');
    expect(fired!.decisions.find((x) => x.rule === 'autoFile')).toMatchObject({
      result: false,
      inputs: { 'case.routedLevel': 'department' },
    });
  });

  it('a policy without rule autoFile never files by itself', () => {
    const policy = createDefaultPolicy();
    delete policy.rules.autoFile;
    expect(validatePolicy(policy).problems).toEqual([]);
    const d = report('2026-03-02T09:00', { source: 'patrol' }, policy);
    const [fired] = d.fireDue(bj('2026-03-02T10:00'));
    expect(d.state).toBe('triage');
    expect(d.context.filingOverdue).toBe(true);
    expect(fired!.decisions).toEqual([]);
  });

  it('a later policy version recounts a pending filing deadline from submission', () => {
    const d = report('2026-03-02T09:00');
    const policy = createDefaultPolicy();
    policy.timeLimits.filing = policy.timeLimits.filing!.map((f) => ({ ...f, duration: 'PT3H' }));
    const next = recomputeDeadlines(createProcessEnv(policy, { decisions: [] }), d.context, bj('2026-03-02T09:10'));
    expect(iso(next.filingDueAt)).toBe('2026-03-02T12:00');
    expect(iso(next.deadlines.find((x) => x.id === 'filing:1')?.dueAt)).toBe('2026-03-02T12:00');
  });

  it('validation: duplicate filing limits and unknown urgencies are reported', () => {
    const policy = createDefaultPolicy();
    policy.timeLimits.filing!.push(
      { id: 'f-dup', urgency: 'general', duration: 'PT3H', counting: 'working' },
      { id: 'f-nowhere', urgency: 'whenever', duration: 'PT3H', counting: 'working' },
      { id: 'f-zero', urgency: 'complex', source: 'hotline', duration: 'PT0H', counting: 'working' },
    );
    const codes = validatePolicy(policy).problems.map((p) => `${p.code} ${p.path}`);
    expect(codes).toContain('limits.duplicate_filing /timeLimits/filing/6');
    expect(codes).toContain('reference.unknown_urgency /timeLimits/filing/7/urgency');
    expect(codes).toContain('limits.duration_zero /timeLimits/filing/8/duration');
  });
});
