import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { gridEscalationProcess } from './index.js';
import { bj, iso, MIN, gridWorker, streetLeader, liaison, newCase, working, decision } from './machine.fixtures.js';

describe('gridEscalation: the street whistle (街道吹哨、部门报到)', () => {
  it('summons 3 departments that check in and report done separately, one late', () => {
    const d = newCase({
      at: '2026-03-02T10:00',
      input: { category: 'emergency_incident', attributes: { location: '化工厂', people_at_risk: 20 } },
    });
    d.send('case.triage.file', {});
    expect(d.context.level).toBe('street');
    d.advance(5 * MIN);
    d.send('case.sign', {}, { actor: streetLeader });
    d.send('case.contact', {}, { actor: streetLeader });
    d.send('case.start', {}, { actor: streetLeader });
    d.now = bj('2026-03-02T10:20');
    const departments = ['urban_management', 'fire', 'public_security'];
    const w = d.send('case.whistle', { kind: 'emergency', departments }, { actor: streetLeader });
    expect(w.changed).toBe(true);
    expect(decision(w.decisions, 'whistle')).toEqual({
      rule: 'whistle',
      inputs: { 'case.level': 'street', 'case.whistleDepartments': 0, 'limits.maxWhistleDepartments': 5 },
      result: true,
    });
    expect(d.state).toBe('handling.whistle');
    expect(d.context.whistled).toBe(true);
    expect(d.context.summoned.map((s) => [s.department, iso(s.checkInDueAt)])).toEqual(
      departments.map((x) => [x, '2026-03-02T10:50']),
    );
    expect(gridEscalationProcess.summarize(d.context, d.value).units).toEqual(
      expect.arrayContaining(departments.map((x) => `department:${x}`)),
    );

    d.now = bj('2026-03-02T10:30');
    expect(
      d.send('case.checkin', { department: 'urban_management' }, { actor: liaison('urban_management') }).changed,
    ).toBe(true);
    // Checking in twice, or for a department not summoned, is refused.
    expect(d.send('case.checkin', { department: 'urban_management' }).changed).toBe(false);
    expect(d.send('case.checkin', { department: 'housing' }).changed).toBe(false);
    d.now = bj('2026-03-02T10:45');
    d.send('case.checkin', { department: 'fire' }, { actor: liaison('fire') });
    // Public security misses the 30-minute check-in.
    d.fireDue(bj('2026-03-02T10:50'));
    d.now = bj('2026-03-02T11:00');
    d.send('case.checkin', { department: 'public_security' }, { actor: liaison('public_security') });

    // Reporting done before checking in is refused; then each reports separately.
    d.now = bj('2026-03-02T11:10');
    d.send('case.department.done', { department: 'fire' }, { actor: liaison('fire') });
    expect(d.state).toBe('handling.whistle');
    expect(d.send('case.department.done', { department: 'fire' }).changed).toBe(false);
    d.now = bj('2026-03-02T11:20');
    d.send('case.department.done', { department: 'urban_management' }, { actor: liaison('urban_management') });
    expect(d.state).toBe('handling.whistle');
    d.now = bj('2026-03-02T11:30');
    d.send('case.department.done', { department: 'public_security' }, { actor: liaison('public_security') });
    expect(d.state).toBe('handling.feedback');

    expect(
      d.context.summoned.map((s) => ({
        d: s.department,
        in: iso(s.checkedInAt),
        done: iso(s.doneAt),
        late: s.late === true,
      })),
    ).toEqual([
      { d: 'urban_management', in: '2026-03-02T10:30', done: '2026-03-02T11:20', late: false },
      { d: 'fire', in: '2026-03-02T10:45', done: '2026-03-02T11:10', late: false },
      { d: 'public_security', in: '2026-03-02T11:00', done: '2026-03-02T11:30', late: true },
    ]);
    d.send('case.feedback', { note: '险情已排除' }, { actor: streetLeader });
    expect(d.state).toBe('verifying');
  });

  it('guard canWhistle: the street may add departments up to the limit; other levels may not whistle', () => {
    const grid = working();
    const r = grid.send('case.whistle', { kind: 'routine', departments: ['fire'] }, { actor: streetLeader });
    expect(r.changed).toBe(false);
    expect(r.decisions).toEqual([]);

    const policy = createDefaultPolicy();
    policy.rules.limits.maxWhistleDepartments = 3;
    const d = working(
      { policy, input: { category: 'emergency_incident', attributes: { location: '路口' } } },
      streetLeader,
    );
    expect(
      d.send('case.whistle', { kind: 'tough', departments: ['fire', 'housing', 'utilities', 'civil_affairs'] }).changed,
    ).toBe(false);
    expect(d.send('case.whistle', { kind: 'tough', departments: ['fire', 'nobody'] }).changed).toBe(false);
    expect(d.send('case.whistle', { kind: 'tough', departments: ['fire', 'housing'] }).changed).toBe(true);
    const more = d.send('case.whistle', { kind: 'tough', departments: ['utilities'] });
    expect(decision(more.decisions, 'whistle')?.inputs).toMatchObject({ 'case.whistleDepartments': 2 });
    expect(d.context.summoned).toHaveLength(3);
    expect(d.send('case.whistle', { kind: 'tough', departments: ['civil_affairs'] }).changed).toBe(false);

    // A rule that says no.
    const strict = createDefaultPolicy();
    strict.rules.whistle.logic = { in: [{ var: 'case.category' }, ['illegal_construction']] };
    const s = working(
      { policy: strict, input: { category: 'emergency_incident', attributes: { location: '路口' } } },
      streetLeader,
    );
    const no = s.send('case.whistle', { kind: 'routine', departments: ['fire'] });
    expect(no.changed).toBe(false);
    expect(decision(no.decisions, 'whistle')).toEqual({
      rule: 'whistle',
      inputs: { 'case.category': 'emergency_incident' },
      result: false,
    });
  });
});

describe('gridEscalation: return (退单)', () => {
  it('accepts a return for a wrong locality and re-routes with the corrected grid', () => {
    const d = newCase();
    d.send('case.triage.file', {});
    const r = d.send('case.return', { reason: 'wrong_locality', note: '不在本网格' }, { actor: gridWorker });
    expect(decision(r.decisions, 'returnAllowed')).toEqual({
      rule: 'returnAllowed',
      inputs: { 'case.returns': 0, 'limits.maxReturns': 2, 'case.level': 'grid' },
      result: true,
    });
    expect(d.state).toBe('returned');
    expect(d.context.deadlines.filter((x) => x.firedAt === undefined).map((x) => x.kind)).toEqual(['total']);
    const a = d.send('case.return.accept', { units: { grid: 'g-02' } });
    expect(a.decisions.map((x) => x.rule)).toEqual(['routing:r-default']);
    expect(d.state).toBe('handling.dispatched');
    expect(d.context.returns[0]).toMatchObject({
      reason: 'wrong_locality',
      outcome: 'accepted',
      decidedBy: 'u-dispatcher',
    });
    expect(gridEscalationProcess.summarize(d.context, d.value).units[0]).toBe('grid:g-02');
  });

  it('accepts a return to a named department', () => {
    const d = working();
    d.send('case.return', { reason: 'overlapping_duties', note: '属城管职责' }, { actor: gridWorker });
    expect(d.send('case.return.accept', { department: 'nobody' }).changed).toBe(false);
    d.send('case.return.accept', { department: 'urban_management' });
    expect(d.context.level).toBe('department');
    expect(d.context.department).toBe('urban_management');
    expect(d.context.dispatches.at(-1)?.via).toBe('return');
  });

  it('overrules a return and force-assigns the same unit (终审)', () => {
    const d = newCase();
    d.send('case.triage.file', {});
    d.send('case.sign', {}, { actor: gridWorker });
    d.send('case.return', { reason: 'unclear_ownership', note: '权属不清' }, { actor: gridWorker });
    d.advance(30 * MIN);
    d.send('case.return.overrule', { note: '属本网格职责' });
    expect(d.state).toBe('handling.dispatched');
    expect(d.context.level).toBe('grid');
    expect(d.context.forceAssigned).toBe(true);
    expect(d.context.returns[0]?.outcome).toBe('overruled');
    expect(iso(d.pending('sign')?.dueAt)).toBe('2026-03-02T10:30');
  });

  it('guard canReturn: refused beyond the policy limit of 2 returns', () => {
    const d = newCase();
    d.send('case.triage.file', {});
    for (let i = 0; i < 2; i++) {
      d.send('case.return', { reason: 'unclear_ownership', note: `第${i + 1}次` }, { actor: gridWorker });
      d.send('case.return.overrule', { note: '驳回' });
    }
    const r = d.send('case.return', { reason: 'unclear_ownership', note: '第3次' }, { actor: gridWorker });
    expect(r.changed).toBe(false);
    expect(decision(r.decisions, 'returnAllowed')).toMatchObject({ inputs: { 'case.returns': 2 }, result: false });
    expect(d.state).toBe('handling.dispatched');
  });
});

describe('gridEscalation: extension (延期) and parking (挂账)', () => {
  it('approves an extension: the handling deadline moves by the requested duration', () => {
    const d = working();
    d.now = bj('2026-03-03T10:00');
    const r = d.send('case.extension.request', { duration: 'P1D', reason: '等待材料' }, { actor: gridWorker });
    expect(decision(r.decisions, 'extensionAllowed')).toEqual({
      rule: 'extensionAllowed',
      inputs: { 'case.beforeDeadline': true, 'case.extensions': 0, 'limits.maxExtensions': 2 },
      result: true,
    });
    expect(d.state).toBe('handling.extension');
    d.send('case.extension.approve', {}, { actor: streetLeader });
    expect(d.state).toBe('handling.working');
    expect(iso(d.context.handleDueAt)).toBe('2026-03-05T09:00');
    expect(iso(d.pending('handle')?.dueAt)).toBe('2026-03-05T09:01');
    expect(d.context.extensions[0]).toMatchObject({
      status: 'approved',
      previousDueAt: bj('2026-03-04T09:00'),
      newDueAt: bj('2026-03-05T09:00'),
    });
  });

  it('denies an extension: the deadline stays', () => {
    const d = working();
    d.send('case.extension.request', { duration: 'PT4H', reason: '等待材料' }, { actor: gridWorker });
    d.send('case.extension.deny', { note: '不予延期' }, { actor: streetLeader });
    expect(d.state).toBe('handling.working');
    expect(iso(d.context.handleDueAt)).toBe('2026-03-04T09:00');
    expect(d.context.extensions[0]?.status).toBe('denied');
  });

  it('guard canRequestExtension: refused after the deadline', () => {
    const policy = createDefaultPolicy();
    policy.rules.escalate.logic = false;
    const d = working({ policy });
    d.fireDue(bj('2026-03-04T09:30'));
    const r = d.send('case.extension.request', { duration: 'P1D', reason: '太晚了' }, { actor: gridWorker });
    expect(r.changed).toBe(false);
    expect(decision(r.decisions, 'extensionAllowed')).toMatchObject({
      inputs: { 'case.beforeDeadline': false },
      result: false,
    });
  });

  it('guard canRequestExtension: refused beyond 2 extensions, and for a malformed duration', () => {
    const d = working();
    for (let i = 0; i < 2; i++) {
      d.send('case.extension.request', { duration: 'P1D', reason: '等待' }, { actor: gridWorker });
      d.send('case.extension.approve', {}, { actor: streetLeader });
    }
    expect(iso(d.context.handleDueAt)).toBe('2026-03-06T09:00');
    const r = d.send('case.extension.request', { duration: 'P1D', reason: '第三次' }, { actor: gridWorker });
    expect(r.changed).toBe(false);
    expect(decision(r.decisions, 'extensionAllowed')).toMatchObject({
      inputs: { 'case.extensions': 2 },
      result: false,
    });
    const bad = d.send('case.extension.request', { duration: 'soon', reason: '?' }, { actor: gridWorker });
    expect(bad.changed).toBe(false);
    expect(bad.decisions).toEqual([]);
  });

  it('parks an unsolved case (no handling clock) and resumes it with a fresh limit', () => {
    const d = working();
    d.now = bj('2026-03-03T09:00');
    d.send('case.park', { reason: '需列入年度改造计划' }, { actor: streetLeader });
    expect(d.state).toBe('handling.parked');
    expect(d.pending('handle')).toBeUndefined();
    expect(gridEscalationProcess.summarize(d.context, d.value).tags).toEqual(['parked']);
    d.now = bj('2026-03-09T09:00');
    d.send('case.start', {}, { actor: gridWorker });
    expect(d.state).toBe('handling.working');
    expect(iso(d.context.handleDueAt)).toBe('2026-03-11T09:00');
  });
});
