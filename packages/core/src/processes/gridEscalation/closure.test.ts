import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { gridEscalationProcess } from './index.js';
import { createGridEscalationMachine, type GridEscalationContext } from './index.js';
import { createProcessDriver } from '../../testing/processDriver.js';
import { bj, iso, MIN, gridWorker, gridWorker2, liaison, newCase, working, decision } from './machine.fixtures.js';

describe('gridEscalation: verification, closure, evaluation', () => {
  it('guard canVerify: the handler may not verify their own work; a failure sends it back to working', () => {
    const d = working();
    d.now = bj('2026-03-03T09:00');
    d.send('case.feedback', { note: '已处理' }, { actor: gridWorker });
    const self = d.send('case.verify.fail', { note: '自查' }, { actor: gridWorker });
    expect(self.changed).toBe(false);
    expect(decision(self.decisions, 'verifierAllowed')).toMatchObject({ result: false });
    d.now = bj('2026-03-03T10:00');
    const fail = d.send('case.verify.fail', { note: '现场仍有噪声' }, { actor: gridWorker2 });
    expect(decision(fail.decisions, 'verifierAllowed')?.result).toBe(true);
    expect(d.state).toBe('handling.working');
    expect(d.context.resolved).toBe(false);
    // A fresh grid limit from the failed verification: P2D working.
    expect(iso(d.context.handleDueAt)).toBe('2026-03-05T10:00');
    expect(d.context.verifications.map((v) => v.passed)).toEqual([false]);
  });

  it('reopens on redo (internal case.reopen) at the same level and archives at last', () => {
    const d = working(
      { input: { category: 'illegal_construction', attributes: { location: '楼顶', structure_type: 'rooftop' } } },
      liaison('urban_management'),
    );
    d.send('case.feedback', { note: '已拆除' }, { actor: liaison('urban_management') });
    d.send('case.verify.pass', {}, { actor: gridWorker });
    d.send('case.close', {});
    expect(d.state).toBe('evaluating');
    d.advance(24 * 60 * MIN);
    d.send(
      'case.reopen',
      { reason: '群众不满意：仍有残留' },
      { actor: { id: 'system', roles: ['system'], units: [] } },
    );
    expect(d.state).toBe('handling.dispatched');
    expect(d.context.level).toBe('department');
    expect(d.context.department).toBe('urban_management');
    expect(d.context.redoCount).toBe(1);
    expect(d.context.closedAt).toBeNull();
    expect(d.pending('total')).toBeDefined();
    expect(gridEscalationProcess.summarize(d.context, d.value)).toMatchObject({ open: true, tags: ['redo'] });
  });

  it('guard canEscalateManually: a level passes the case up, the district cannot', () => {
    const d = working();
    const r = d.send('case.escalate', { reason: '需社区协调' }, { actor: gridWorker });
    expect(r.changed).toBe(true);
    expect(d.context.level).toBe('community');
    expect(d.context.escalations[0]).toMatchObject({ from: 'grid', to: 'community', reason: 'manual', by: 'u-grid-1' });
    d.send('case.escalate', { reason: '需街道' });
    d.send('case.escalate', { reason: '需区级' });
    expect(d.context.level).toBe('district');
    expect(d.send('case.escalate', { reason: '无处可去' }).changed).toBe(false);
  });

  it('guard canRedispatch: the dispatcher re-dispatches to another valid unit; reminders are recorded', () => {
    const d = working();
    expect(d.send('case.dispatch', { level: 'grid' }).changed).toBe(false);
    expect(d.send('case.dispatch', { level: 'nowhere' }).changed).toBe(false);
    expect(d.send('case.dispatch', { level: 'department', department: 'housing' }).changed).toBe(true);
    expect(d.state).toBe('handling.dispatched');
    expect(d.context.department).toBe('housing');
    d.send('case.remind', { note: '请尽快签收' });
    expect(d.context.reminders).toHaveLength(1);
  });

  it('final states accept no command; an archived case still records a duplicate, a cancelled one does not', () => {
    const d = newCase();
    d.send('case.triage.cancel', { reason: '无效' });
    expect(d.send('case.duplicate.link', { caseId: 'case-7' }).changed).toBe(false);
    expect(d.send('case.triage.file', {}).changed).toBe(false);

    const a = working();
    a.send('case.feedback', { note: '已处理' }, { actor: gridWorker });
    a.send('case.verify.pass', {}, { actor: gridWorker2 });
    a.send('case.close', {});
    a.send('case.archive', {});
    expect(a.send('case.reopen', {}).changed).toBe(false);
    expect(a.send('case.duplicate.link', { caseId: 'case-7' }).changed).toBe(true);
    expect(a.context.duplicates).toEqual(['case-7']);
    expect(a.state).toBe('archived');
  });

  it('restores from a stored value and context, as the runtime does', () => {
    const d = working();
    const stored = JSON.parse(JSON.stringify({ value: d.value, context: d.context })) as {
      value: typeof d.value;
      context: GridEscalationContext;
    };
    const e = createProcessDriver<GridEscalationContext>(gridEscalationProcess, { now: d.now });
    e.restore(stored);
    e.send('case.feedback', { note: '已处理' }, { actor: gridWorker });
    expect(e.state).toBe('verifying');
  });

  it('marks a deadline of a kind it does not handle as fired (e.g. from a migrated snapshot)', () => {
    const d = working();
    const context = {
      ...d.context,
      deadlines: [...d.context.deadlines, { id: 'legacy:1', kind: 'legacy', dueAt: bj('2026-03-02T12:00') }],
    };
    d.restore({ value: d.value, context });
    const r = d.fire('legacy:1');
    expect(r.changed).toBe(true);
    expect(d.context.deadlines.find((x) => x.id === 'legacy:1')?.firedAt).toBe(bj('2026-03-02T12:00'));
    expect(d.state).toBe('handling.working');
    // A deadline that is unknown or already fired is refused.
    expect(d.fire('legacy:1').changed).toBe(false);
    expect(d.send('deadline.due', { deadlineId: 'nope', kind: 'handle' }).changed).toBe(false);
  });

  it('builds a machine straight from an env (no driver)', () => {
    const machine = createGridEscalationMachine(createProcessDriver(gridEscalationProcess).env);
    expect(machine.id).toBe('gridEscalation');
  });
});

describe('gridEscalation: evaluations opened at closing (谁呼谁评、下评上)', () => {
  it('asks for the resident evaluation of the answering unit and the street evaluation of every summoned department', async () => {
    const { evaluationEffects } = await import('./index.js');
    const d = working();
    const context = {
      ...d.context,
      level: 'street',
      summoned: [
        { department: 'urban_management', round: 1, kind: 'routine' as const, summonedAt: 0, checkInDueAt: 1 },
        { department: 'housing', round: 1, kind: 'routine' as const, summonedAt: 0, checkInDueAt: 1 },
        { department: 'housing', round: 2, kind: 'routine' as const, summonedAt: 5, checkInDueAt: 6 },
      ],
    };
    const effects = evaluationEffects(context);
    expect(effects.map((e) => (e.kind === 'submit' ? [e.input.evaluatorKind, e.input.unit] : null))).toEqual([
      ['resident', 'street:s-01'],
      ['lower_level', 'department:urban_management'],
      ['lower_level', 'department:housing'],
    ]);
    const anonymous = { ...context, request: { ...context.request, reporter: {} } };
    expect(
      evaluationEffects(anonymous).every((e) => e.kind === 'submit' && e.input.evaluatorKind === 'lower_level'),
    ).toBe(true);
  });
});

describe('gridEscalation: moving an open case to another policy version', () => {
  it('recomputes pending deadlines from when their clocks started, with the new limits', async () => {
    const { recomputeDeadlines } = await import('./index.js');
    const { createProcessEnv } = await import('../contract/env.js');
    const d = working();
    expect(iso(d.context.handleDueAt)).toBe('2026-03-04T09:00');
    const v2 = createDefaultPolicy();
    v2.version = 2;
    v2.timeLimits.handling = v2.timeLimits.handling.map((c) =>
      c.level === 'grid' && c.urgency === 'general' ? { ...c, duration: 'P3D' } : c,
    );
    const next = recomputeDeadlines(createProcessEnv(v2, { decisions: [] }), d.context, d.now);
    // Three working days from Monday 09:00 is Thursday 09:00.
    expect(iso(next.handleDueAt)).toBe('2026-03-05T09:00');
    const handle = next.deadlines.find((x) => x.kind === 'handle' && x.firedAt === undefined)!;
    expect(handle.id).toBe(d.context.deadlines.find((x) => x.kind === 'handle')!.id);
    expect(handle.dueAt).toBeGreaterThan(next.handleDueAt!);
    expect(next.deadlines.filter((x) => x.kind === 'handle' && x.firedAt === undefined)).toHaveLength(1);
    // The total limit did not change.
    expect(next.totalDueAt).toBe(d.context.totalDueAt);
  });
});
