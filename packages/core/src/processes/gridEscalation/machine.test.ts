import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { gridEscalationProcess, summarizeGridEscalation } from './index.js';
import { nextLevel } from './index.js';
import { bj, iso, MIN, gridWorker, gridWorker2, newCase, working, decision } from './machine.fixtures.js';

describe('gridEscalation: a whole case', () => {
  it('goes submit → file → route → sign → contact → work → feedback → verify → close → archive', () => {
    const d = newCase();
    expect(d.state).toBe('triage');
    expect(d.context.submittedAt).toBe(bj('2026-03-02T09:00'));
    expect(d.context.urgency).toBe('general');

    const filed = d.send('case.triage.file', {});
    expect(filed.changed).toBe(true);
    expect(d.state).toBe('handling.dispatched');
    expect(decision(filed.decisions, 'routing:r-default')?.result).toEqual({ level: 'grid' });
    expect(d.context.level).toBe('grid');
    expect(iso(d.context.dispatchedAt)).toBe('2026-03-02T09:00');
    // Grid × general = P2D working; total general = P7D working; signing PT1H.
    expect(iso(d.context.handleDueAt)).toBe('2026-03-04T09:00');
    expect(iso(d.context.totalDueAt)).toBe('2026-03-11T09:00');
    expect(iso(d.pending('sign')?.dueAt)).toBe('2026-03-02T10:00');

    d.advance(20 * MIN);
    d.send('case.sign', { note: '收到' }, { actor: gridWorker });
    expect(d.state).toBe('handling.signed');
    expect(d.context.handlerId).toBe('u-grid-1');
    expect(d.context.signedLate).toBe(false);
    // Contact within PT2H working.
    expect(iso(d.pending('contact')?.dueAt)).toBe('2026-03-02T11:20');

    d.advance(40 * MIN);
    d.send('case.contact', { method: 'phone' }, { actor: gridWorker });
    expect(d.state).toBe('handling.contacted');
    expect(d.context.contactedLate).toBe(false);
    d.send('case.start', {}, { actor: gridWorker });
    expect(d.state).toBe('handling.working');

    d.now = bj('2026-03-03T10:00');
    d.send('case.feedback', { note: '已协调停工', resolved: true }, { actor: gridWorker });
    expect(d.state).toBe('verifying');
    expect(d.context.resolved).toBe(true);
    expect(d.context.deadlines.filter((x) => x.firedAt === undefined).map((x) => x.kind)).toEqual(['total']);

    const verified = d.send('case.verify.pass', {}, { actor: gridWorker2 });
    expect(verified.changed).toBe(true);
    expect(decision(verified.decisions, 'verifierAllowed')).toEqual({
      rule: 'verifierAllowed',
      inputs: { 'actor.id': 'u-grid-2', 'case.handlerId': 'u-grid-1' },
      result: true,
    });
    expect(d.state).toBe('verified');

    d.send('case.close', {});
    expect(d.state).toBe('evaluating');
    expect(d.context.closedOnTime).toBe(true);
    expect(iso(d.context.closedAt)).toBe('2026-03-03T10:00');
    expect(d.context.deadlines.every((x) => x.firedAt !== undefined)).toBe(true);
    expect(gridEscalationProcess.summarize(d.context, d.value).open).toBe(false);

    d.send('case.archive', {});
    expect(d.state).toBe('archived');
    expect(d.done).toBe(true);
    expect(d.context.dispatches).toHaveLength(1);
    expect(d.context.dispatches[0]).toMatchObject({
      level: 'grid',
      via: 'route',
      signedBy: 'u-grid-1',
      signedLate: false,
      contactedLate: false,
    });
    // Closing asks the runtime to open the resident's evaluation (谁呼谁评).
    expect(d.allEffects).toEqual([
      {
        kind: 'submit',
        process: 'appealEvaluation',
        input: {
          subjectCaseId: 'case-1',
          subjectProcess: 'gridEscalation',
          subjectTitle: '夜间施工噪声',
          evaluatorKind: 'resident',
          evaluatorId: 'u-resident',
          reporterId: 'u-resident',
          unit: 'grid:g-01',
          subjectUnits: ['grid:g-01', 'community:c-01', 'street:s-01'],
        },
        linkEvent: 'case.evaluation.link',
      },
    ]);
  });

  it('summarises the case for stores: level, units, reporter, handler, open flag, location', () => {
    const d = working();
    expect(summarizeGridEscalation(d.context, d.value)).toEqual({
      level: 'grid',
      units: ['grid:g-01', 'community:c-01', 'street:s-01'],
      category: 'noise',
      urgency: 'general',
      reporterId: 'u-resident',
      handlerId: 'u-grid-1',
      title: '夜间施工噪声',
      open: true,
      location: { lng: 118.27, lat: 33.96 },
    });
  });
});

describe('gridEscalation: triage', () => {
  it('cancels an invalid report (final state, no deadlines)', () => {
    const d = newCase();
    d.send('case.triage.cancel', { reason: '重复测试数据' });
    expect(d.state).toBe('cancelled');
    expect(d.done).toBe(true);
    expect(d.context.cancelReason).toBe('重复测试数据');
    expect(gridEscalationProcess.summarize(d.context, d.value).open).toBe(false);
  });

  it('merges a duplicate into the original case with a case.duplicate.link effect', () => {
    const d = newCase();
    const r = d.send('case.triage.merge', { caseId: 'case-0' });
    expect(d.state).toBe('merged');
    expect(d.done).toBe(true);
    expect(d.context.mergedInto).toBe('case-0');
    expect(r.effects).toEqual([
      { kind: 'command', caseId: 'case-0', type: 'case.duplicate.link', input: { caseId: 'case-1' } },
    ]);
  });

  it('guard canMerge: refuses merging a case into itself', () => {
    const d = newCase();
    const r = d.send('case.triage.merge', { caseId: 'case-1' });
    expect(r.changed).toBe(false);
    expect(r.effects).toEqual([]);
    expect(d.state).toBe('triage');
  });

  it('guard canLinkDuplicate: the original records a duplicate once, in any open state', () => {
    const d = working();
    const first = d.send(
      'case.duplicate.link',
      { caseId: 'case-9' },
      { actor: { id: 'system', roles: ['system'], units: [] } },
    );
    expect(first.changed).toBe(true);
    expect(d.context.duplicates).toEqual(['case-9']);
    expect(d.send('case.duplicate.link', { caseId: 'case-9' }).changed).toBe(false);
    expect(d.send('case.duplicate.link', { caseId: 'case-1' }).changed).toBe(false);
    expect(d.state).toBe('handling.working');
  });

  it('guard canFile: an urgency override must exist in the policy', () => {
    const d = newCase();
    expect(d.send('case.triage.file', { urgency: 'whenever' }).changed).toBe(false);
    expect(d.state).toBe('triage');
    const r = d.send('case.triage.file', { urgency: 'emergency' });
    expect(r.changed).toBe(true);
    expect(d.context.urgency).toBe('emergency');
    // Emergencies skip the grid.
    expect(decision(r.decisions, 'routing:r-emergency')).toBeDefined();
    expect(d.context.level).toBe('street');
  });
});

describe('gridEscalation: routing', () => {
  it.each([
    ['emergency_incident', { location: '路口', people_at_risk: 3 }, 'r-emergency', 'street', null],
    [
      'illegal_construction',
      { location: '楼顶', structure_type: 'rooftop' },
      'r-illegal-construction',
      'department',
      'urban_management',
    ],
    ['unclear_jurisdiction', { location: '河道', description: '无人管理的河道垃圾' }, 'r-unclear', 'district', null],
    ['property_dispute', { compound: '幸福小区', dispute_type: 'fees' }, 'r-property', 'community', null],
    ['road_damage', { location: '人民路', area_m2: 80 }, 'r-road-large', 'department', 'housing'],
  ])('routes %s by row %s', (category, attributes, rowId, level, department) => {
    const d = newCase({ input: { category, attributes } });
    const r = d.send('case.triage.file', {});
    expect(r.decisions.map((x) => x.rule)).toEqual([`routing:${rowId}`]);
    expect(d.context.level).toBe(level);
    expect(d.context.department).toBe(department);
    expect(d.context.routeRowId).toBe(rowId);
    const units = gridEscalationProcess.summarize(d.context, d.value).units;
    if (department) expect(units).toContain(`department:${department}`);
  });

  it('department cases escalate to the street', () => {
    expect(nextLevel(['grid', 'community', 'street', 'district'], 'department')).toBe('street');
    expect(nextLevel(['grid', 'community', 'street', 'district'], 'compound')).toBe('community');
    expect(nextLevel(['grid', 'community', 'street', 'district'], 'district')).toBeNull();
  });
});

describe('gridEscalation: deadlines on the business calendar', () => {
  it('warns at 80 % of the handling limit without changing state', () => {
    const d = working({ at: '2026-04-30T10:00' });
    // Grid × general P2D working from Thu 30 Apr 10:00 skips 1–5 May: due Thu 7 May 10:00 (14 working hours);
    // 80 % = 11 h 12 min of working time → Wed 6 May 15:42.
    expect(iso(d.context.handleDueAt)).toBe('2026-05-07T10:00');
    const warning = d.pending('warning');
    expect(iso(warning?.dueAt)).toBe('2026-05-06T15:42');
    const r = d.fire(warning!.id);
    expect(r.changed).toBe(true);
    expect(r.decisions).toEqual([]);
    expect(d.state).toBe('handling.working');
    expect(d.context.warnings).toEqual([{ at: bj('2026-05-06T15:42'), deadlineId: 'warning:grid:1', level: 'grid' }]);
    // A deadline fires once.
    expect(d.fire(warning!.id).changed).toBe(false);
  });

  it('escalates on a breach to the next level with its limit counted across holidays and a make-up Saturday', () => {
    const d = working({ at: '2026-04-30T10:00' });
    const breach = d.pending('handle')!;
    // The breach is checked at the first counted minute past the limit.
    expect(iso(breach.dueAt)).toBe('2026-05-07T10:01');
    const r = d.fire(breach.id);
    expect(decision(r.decisions, 'escalate')).toEqual({
      rule: 'escalate',
      inputs: { 'case.elapsedHours': 14.017, 'case.limitHours': 14, 'case.resolved': false },
      result: true,
    });
    expect(d.state).toBe('handling.dispatched');
    expect(d.context.level).toBe('community');
    expect(d.context.handlerId).toBeNull();
    expect(d.context.escalations).toEqual([
      { from: 'grid', to: 'community', at: bj('2026-05-07T10:01'), reason: 'breach', by: 'system' },
    ]);
    // Community × general P3D working from Thu 7 May 10:01: Fri 8, Sat 9 (make-up working day), Mon 11.
    expect(iso(d.context.handleDueAt)).toBe('2026-05-11T10:01');
    expect(iso(d.pending('handle')?.dueAt)).toBe('2026-05-11T10:02');
    // 80 % of 21 working hours = 16 h 48 min: Thu 5 h 59 min, Fri 7 h, Sat 3 h + 49 min → Sat 9 May 14:19.
    expect(iso(d.pending('warning')?.dueAt)).toBe('2026-05-09T14:19');
    expect(iso(d.pending('sign')?.dueAt)).toBe('2026-05-07T11:01');
    // The total limit set at filing is unchanged: P7D working from 30 Apr 10:00.
    expect(iso(d.context.totalDueAt)).toBe('2026-05-13T10:00');
    expect(d.context.dispatches.map((x) => [x.level, x.via])).toEqual([
      ['grid', 'route'],
      ['community', 'escalation'],
    ]);
  });

  it('guard canEscalate: a rule that says no leaves the case at its level, overdue', () => {
    const policy = createDefaultPolicy();
    policy.rules.escalate.logic = {
      and: [
        { '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] },
        { '!=': [{ var: 'case.category' }, 'noise'] },
      ],
    };
    const d = working({ policy });
    const r = d.fire(d.pending('handle')!.id);
    expect(decision(r.decisions, 'escalate')).toMatchObject({ inputs: { 'case.category': 'noise' }, result: false });
    expect(d.state).toBe('handling.working');
    expect(d.context.level).toBe('grid');
    expect(d.context.overdue).toBe(true);
    expect(iso(d.context.overdueSince)).toBe('2026-03-04T09:00');
    expect(d.pending('public_notice')).toBeDefined();
  });

  it('makes a case more than 5 working days overdue a public-notice candidate', () => {
    // Unclear jurisdiction starts at the district (top of the path): no level to rise to.
    const d = newCase({
      input: { category: 'unclear_jurisdiction', attributes: { location: '河道', description: '无人管理的河道垃圾' } },
    });
    d.send('case.triage.file', { urgency: 'general' });
    expect(d.context.level).toBe('district');
    // District × general P7D working and total P7D working from Mon 2 Mar 09:00 → Wed 11 Mar 09:00.
    expect(iso(d.context.handleDueAt)).toBe('2026-03-11T09:00');
    const results = d.fireDue(bj('2026-03-11T09:01'));
    expect(results.flatMap((x) => x.decisions).map((x) => x.rule)).not.toContain('escalate');
    expect(d.context.overdue).toBe(true);
    expect(iso(d.context.overdueSince)).toBe('2026-03-11T09:00');
    expect(d.context.signedLate).toBe(true);
    // First check after 5 working days: 5 is not more than 5.
    const check1 = d.pending('public_notice')!;
    expect(iso(check1.dueAt)).toBe('2026-03-18T09:00');
    const no = d.fire(check1.id);
    expect(decision(no.decisions, 'publicNotice')).toEqual({
      rule: 'publicNotice',
      inputs: { 'case.overdueWorkingDays': 5 },
      result: false,
    });
    expect(d.context.publicNotice).toBe(false);
    // Checked again one working day later.
    const check2 = d.pending('public_notice')!;
    expect(iso(check2.dueAt)).toBe('2026-03-19T09:00');
    const yes = d.fire(check2.id);
    expect(decision(yes.decisions, 'publicNotice')).toEqual({
      rule: 'publicNotice',
      inputs: { 'case.overdueWorkingDays': 6 },
      result: true,
    });
    expect(d.context.publicNotice).toBe(true);
    expect(iso(d.context.publicNoticeAt)).toBe('2026-03-19T09:00');
    expect(d.pending('public_notice')).toBeUndefined();
    expect(gridEscalationProcess.summarize(d.context, d.value).tags).toEqual(['overdue', 'public_notice']);
  });

  it('records late signing and late contact (及时签收率, 响应率)', () => {
    const d = newCase();
    d.send('case.triage.file', {});
    d.fireDue(bj('2026-03-02T10:00'));
    expect(d.context.signedLate).toBe(true);
    expect(d.state).toBe('handling.dispatched');
    d.now = bj('2026-03-02T10:30');
    d.send('case.sign', {}, { actor: gridWorker });
    expect(d.context.signedLate).toBe(true);
    // Contact within 2 working hours of 10:30: 10:30–12:00 and 13:30–14:00.
    expect(iso(d.pending('contact')?.dueAt)).toBe('2026-03-02T14:00');
    d.now = bj('2026-03-02T15:00');
    d.send('case.contact', {}, { actor: gridWorker });
    expect(d.context.contactedLate).toBe(true);
    expect(d.context.dispatches[0]).toMatchObject({
      signedLate: true,
      contactedLate: true,
      signedAt: bj('2026-03-02T10:30'),
    });
  });

  it('records an overdue total limit and a late closure (按期结案率)', () => {
    const d = working();
    d.send('case.feedback', { note: '处理完毕' }, { actor: gridWorker });
    d.fireDue(bj('2026-03-12T09:00'));
    expect(d.context.overdue).toBe(true);
    d.send('case.verify.pass', {}, { actor: gridWorker2 });
    d.send('case.close', {});
    expect(d.context.closedOnTime).toBe(false);
  });
});
