import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import type { Policy } from '../../policy/types.js';
import type { Actor, Decision } from '../contract/types.js';
import { gridEscalationProcess, summarizeGridEscalation, validateGridEscalationInput } from './index.js';
import { createGridEscalationMachine, type GridEscalationContext } from './index.js';
import { nextLevel } from './index.js';
import { createProcessDriver, type ProcessDriver } from '../../testing/processDriver.js';

/* Times are Beijing time; the default policy's calendar is Asia/Shanghai, Mon–Fri 09:00–12:00 and 13:30–17:30,
 * with the 2026 holidays (e.g. 1 and 4–5 May) and make-up working days (e.g. Saturday 9 May). */
const bj = (local: string): number => Date.parse(`${local}+08:00`);
const iso = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return String(ms);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('Z', '');
};
const MIN = 60_000;

const actor = (id: string, roles: string[], units: string[] = []): Actor => ({ id, roles, units });
const dispatcher = actor('u-dispatcher', ['street_dispatcher'], ['street:s-01']);
const gridWorker = actor('u-grid-1', ['grid_worker'], ['grid:g-01']);
const gridWorker2 = actor('u-grid-2', ['grid_worker'], ['grid:g-01']);
const streetLeader = actor('u-leader', ['street_leader'], ['street:s-01']);
const liaison = (department: string): Actor =>
  actor(`u-${department}`, ['department_liaison'], [`department:${department}`]);

const submission = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-resident', name: '张三', phone: '13800000000' },
  location: { lng: 118.27, lat: 33.96 },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
  ...overrides,
});

type Driver = ProcessDriver<GridEscalationContext>;

function newCase(options: { at?: string; policy?: Policy; input?: Record<string, unknown> } = {}): Driver {
  const d = createProcessDriver<GridEscalationContext>(gridEscalationProcess, {
    now: bj(options.at ?? '2026-03-02T09:00'),
    actor: dispatcher,
    caseId: 'case-1',
    ...(options.policy ? { policy: options.policy } : {}),
  });
  d.start(submission(options.input), { actor: gridWorker });
  return d;
}

/** Files a case and brings it to `handling.working` with the grid worker as handler. */
function working(options: Parameters<typeof newCase>[0] = {}, handler: Actor = gridWorker): Driver {
  const d = newCase(options);
  d.send('case.triage.file', {});
  d.advance(10 * MIN);
  d.send('case.sign', {}, { actor: handler });
  d.advance(10 * MIN);
  d.send('case.contact', { method: 'phone' }, { actor: handler });
  d.advance(10 * MIN);
  d.send('case.start', {}, { actor: handler });
  expect(d.state).toBe('handling.working');
  return d;
}

const decision = (decisions: readonly Decision[], rule: string): Decision | undefined =>
  decisions.find((x) => x.rule === rule);

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

describe('gridEscalation: process definition', () => {
  const policy = createDefaultPolicy();

  it('names every state of the machine', () => {
    const machine = createGridEscalationMachine(createProcessDriver(gridEscalationProcess).env);
    const paths: string[] = [];
    const walk = (node: { path: string[]; states: Record<string, unknown> }): void => {
      for (const child of Object.values(node.states) as { path: string[]; states: Record<string, unknown> }[]) {
        paths.push(child.path.join('.'));
        walk(child);
      }
    };
    walk(machine.root);
    expect(Object.keys(gridEscalationProcess.states).sort()).toEqual(paths.sort());
    for (const [path, def] of Object.entries(gridEscalationProcess.states)) {
      expect(def.final === true).toBe(['archived', 'cancelled', 'merged'].includes(path));
    }
  });

  it('describes a known command for every command the machine accepts', () => {
    const machine = createGridEscalationMachine(createProcessDriver(gridEscalationProcess).env);
    const accepted = new Set<string>();
    const walk = (node: { on: Record<string, unknown>; states: Record<string, unknown> }): void => {
      for (const type of Object.keys(node.on)) accepted.add(type);
      for (const child of Object.values(node.states)) walk(child as typeof node);
    };
    walk(machine.root as unknown as { on: Record<string, unknown>; states: Record<string, unknown> });
    expect([...accepted].sort()).toEqual(gridEscalationProcess.commands.map((c) => c.type).sort());
    const internal = gridEscalationProcess.commands.filter((c) => c.internal).map((c) => c.type);
    expect(internal.sort()).toEqual(['case.duplicate.link', 'case.evaluation.link', 'case.reopen', 'deadline.due']);
  });

  it('validates a good submission with no problems', () => {
    expect(validateGridEscalationInput(submission(), policy)).toEqual([]);
  });

  it.each([
    [{ category: 'nothing' }, 'input.category_unknown', '/category'],
    [{ urgency: 'whenever' }, 'input.urgency_unknown', '/urgency'],
    [
      { category: 'neighbour_dispute', anonymous: true, attributes: { description: '楼上漏水不处理' } },
      'input.anonymous_not_allowed',
      '/anonymous',
    ],
    [{ attributes: { noise_source: 'construction' } }, 'input.attribute_required', '/attributes/location'],
    [{ attributes: { location: 42, noise_source: 'construction' } }, 'input.attribute_type', '/attributes/location'],
    [
      { attributes: { location: '楼', noise_source: 'construction' } },
      'input.attribute_too_short',
      '/attributes/location',
    ],
    [
      { attributes: { location: '楼'.repeat(201), noise_source: 'construction' } },
      'input.attribute_too_long',
      '/attributes/location',
    ],
    [
      { attributes: { location: '幸福小区', noise_source: 'aliens' } },
      'input.attribute_option',
      '/attributes/noise_source',
    ],
    [
      { attributes: { location: '幸福小区', noise_source: 'construction', colour: 'red' } },
      'input.attribute_unknown',
      '/attributes/colour',
    ],
    [
      { category: 'road_damage', attributes: { location: '人民路', area_m2: -1 } },
      'input.attribute_too_small',
      '/attributes/area_m2',
    ],
    [
      { category: 'road_damage', attributes: { location: '人民路', area_m2: 100001 } },
      'input.attribute_too_large',
      '/attributes/area_m2',
    ],
    [
      { category: 'road_damage', attributes: { location: '人民路', area_m2: '12' } },
      'input.attribute_type',
      '/attributes/area_m2',
    ],
    [
      {
        category: 'illegal_construction',
        attributes: { location: '楼顶', structure_type: 'rooftop', started_on: '1999-12-31' },
      },
      'input.attribute_too_early',
      '/attributes/started_on',
    ],
    [
      {
        category: 'illegal_construction',
        attributes: { location: '楼顶', structure_type: 'rooftop', started_on: '2026-02-30' },
      },
      'input.attribute_type',
      '/attributes/started_on',
    ],
  ])('reports %o as %s at %s', (overrides, code, path) => {
    const problems = validateGridEscalationInput(submission(overrides), policy);
    expect(problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
    expect(problems[0]?.message.zh).toBeTruthy();
    expect(problems[0]?.message.en).toBeTruthy();
  });

  it('reports a date after the latest allowed one', () => {
    const p = createDefaultPolicy();
    const attr = p.categories
      .find((c) => c.code === 'illegal_construction')!
      .attributes.find((a) => a.code === 'started_on')!;
    attr.latest = '2026-01-01';
    const problems = validateGridEscalationInput(
      submission({
        category: 'illegal_construction',
        attributes: { location: '楼顶', structure_type: 'rooftop', started_on: '2026-03-01' },
      }),
      p,
    );
    expect(problems.map((x) => x.code)).toEqual(['input.attribute_too_late']);
  });

  it('rejects a submission that is not an object', () => {
    expect(validateGridEscalationInput('hello', policy).map((p) => p.code)).toEqual(['input.invalid']);
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
