import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import type { CoordinationPolicy, Policy } from '../../policy/types.js';
import type { Actor, Effect } from '../contract/types.js';
import { propertyCoordinationProcess } from './process.js';
import { explainDecision } from '../../runtime/explainHistory.js';
import { createProcessDriver, DRIVER_DEFAULT_NOW, type ProcessDriver } from '../../testing/processDriver.js';
import {
  decisionRuleMet,
  judgeOwnersVote,
  WORK_ORDER_ITEM_ID,
  type CoordinationSettings,
  type OwnersVoteTotals,
  type PropertyCoordinationContext,
} from './index.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = DRIVER_DEFAULT_NOW;
const PARTIES = ['community', 'owners_committee', 'property_company'];

const secretary: Actor = { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01'] };

const baseInput = {
  compoundId: 'x-01',
  communityId: 'c-01',
  streetId: 's-01',
  gridId: 'g-01',
  matterType: 'parking',
  title: '地面车位分配争议',
  description: '业主与物业就地面车位分配方式发生争议',
  raisedBy: 'r-01',
};

type Driver = ProcessDriver<PropertyCoordinationContext>;

function withCoordination(patch: Partial<CoordinationSettings>): Policy {
  const policy = createDefaultPolicy();
  return { ...policy, coordination: { ...policy.coordination, ...patch } as CoordinationPolicy };
}

function start(options: { policy?: Policy; matterType?: string } = {}): Driver {
  const d = createProcessDriver<PropertyCoordinationContext>(propertyCoordinationProcess, {
    actor: secretary,
    caseId: 'm-1',
    ...(options.policy ? { policy: options.policy } : {}),
  });
  d.start({ ...baseInput, matterType: options.matterType ?? baseInput.matterType });
  return d;
}

/** Triage → pre-consultation → meeting scheduled four days ahead; returns the meeting time. */
function toConfirming(d: Driver, invited: string[] = []): number {
  d.send('matter.triage.consult');
  d.send('matter.preconsult.done');
  const meetingAt = d.now + 4 * DAY;
  expect(d.send('matter.meeting.schedule', { meetingAt, invited }).changed).toBe(true);
  return meetingAt;
}

/** Each party records its own presence at the meeting time. */
function attend(d: Driver, parties: readonly string[], at: number): void {
  for (const party of parties) expect(d.send('matter.meeting.attend', { party }, { at }).changed).toBe(true);
}

/** … → meeting held with these parties present at the meeting time. */
function toDeliberation(d: Driver, attending: string[] = PARTIES): void {
  const meetingAt = toConfirming(d);
  for (const party of PARTIES) d.send('matter.meeting.confirm', { party });
  attend(d, attending, meetingAt);
  d.send('matter.meeting.hold', {}, { at: meetingAt });
  expect(d.state).toBe('deliberation');
}

const allYes = { community: 'yes', owners_committee: 'yes', property_company: 'yes' };

function toImplementation(d: Driver): void {
  toDeliberation(d);
  d.send('matter.resolution.adopt', { decision: '按摇号分配', votes: allYes });
  for (const party of PARTIES) d.send('matter.resolution.sign', { party });
  expect(d.state).toBe('implementation');
}

function toNoConsensus(d: Driver): void {
  toDeliberation(d);
  d.send('matter.no_consensus', { reason: '物业不同意' });
  expect(d.state).toBe('noConsensus');
}

describe('propertyCoordination: a whole case', () => {
  it('goes from raised through a signed resolution, implementation, publicity and verification to closed', () => {
    const d = start();
    expect(d.state).toBe('triage');
    expect(d.context.times.raisedAt).toBe(T0);
    expect(d.context.raisedBy).toBe('r-01');

    d.send('matter.triage.consult');
    expect(d.state).toBe('preconsultation');
    d.send('matter.preconsult.done', { note: '各方初步沟通' }, { at: T0 + HOUR });
    expect(d.state).toBe('scheduling');

    const meetingAt = T0 + 5 * DAY;
    d.send(
      'matter.meeting.schedule',
      { meetingAt, invited: ['department:housing'], place: '社区会议室' },
      { at: T0 + 2 * HOUR },
    );
    expect(d.state).toBe('confirming');
    expect(d.pending('meeting')?.dueAt).toBe(meetingAt);

    d.send('matter.meeting.confirm', { party: 'community' });
    d.send('matter.meeting.confirm', { party: 'property_company' });
    d.send('matter.meeting.confirm', { party: 'department:housing' });
    expect(d.context.times.allConfirmedAt).toBeUndefined();
    d.send('matter.meeting.confirm', { party: 'owners_committee' }, { at: T0 + DAY });
    expect(d.context.times.allConfirmedAt).toBe(T0 + DAY);

    attend(d, [...PARTIES, 'department:housing'], meetingAt);
    d.send('matter.meeting.hold', {}, { at: meetingAt });
    expect(d.state).toBe('deliberation');
    expect(d.pending('meeting')).toBeUndefined();

    d.send('matter.resolution.adopt', { decision: '按摇号分配地面车位', votes: allYes }, { at: meetingAt + HOUR });
    expect(d.state).toBe('signing');
    for (const party of [...PARTIES, 'department:housing'])
      d.send('matter.resolution.sign', { party }, { at: meetingAt + 2 * HOUR });
    expect(d.state).toBe('implementation');
    expect(d.context.times.signedAt).toBe(meetingAt + 2 * HOUR);

    d.send('matter.action.add', {
      id: 'a1',
      party: 'property_company',
      title: '组织摇号',
      dueAt: meetingAt + 10 * DAY,
    });
    d.send('matter.action.add', { id: 'a2', party: 'owners_committee', title: '公布名单' });
    expect(d.context.deadlines.filter((x) => x.kind === 'action_item' && x.firedAt === undefined)).toHaveLength(2);
    d.send('matter.action.done', { id: 'a1' }, { at: meetingAt + 3 * DAY });
    d.send('matter.action.done', { id: 'a2' }, { at: meetingAt + 4 * DAY });
    expect(d.context.times.actionsDoneAt).toBe(meetingAt + 4 * DAY);

    d.send('matter.publicise', { until: meetingAt + 11 * DAY }, { at: meetingAt + 4 * DAY });
    expect(d.state).toBe('publicised');
    d.send('matter.verify', { passed: true, note: '已落实' }, { at: meetingAt + 12 * DAY });
    expect(d.state).toBe('closed');
    expect(d.done).toBe(true);
    expect(d.context.outcome).toBe('resolved');
    expect(d.context.deadlines.every((x) => x.firedAt !== undefined)).toBe(true);

    const summary = propertyCoordinationProcess.summarize(d.context, d.value);
    expect(summary).toMatchObject({
      open: false,
      reporterId: 'r-01',
      category: 'parking',
      units: ['compound:x-01', 'community:c-01', 'street:s-01', 'grid:g-01', 'department:housing'],
    });
    expect(d.allEffects).toEqual([]);
  });

  it('sends a routine work order straight to the property company and closes when it is done', () => {
    const d = start();
    d.send('matter.triage.routine', { note: '更换路灯' });
    expect(d.state).toBe('workOrder');
    const item = d.context.actionItems[0]!;
    expect(item).toMatchObject({ id: WORK_ORDER_ITEM_ID, party: 'property_company' });
    expect(item.dueAt).toBe(d.env.calendar.addDuration(T0, 'P15D', 'working'));
    expect(propertyCoordinationProcess.summarize(d.context, d.value).level).toBe('compound');
    d.send('matter.action.done', {}, { at: T0 + DAY });
    expect(d.state).toBe('closed');
    expect(d.context.outcome).toBe('work_order');
  });

  it('takes a work order that turns out to be a dispute into consultation, cancelling the order', () => {
    const d = start();
    d.send('matter.triage.routine', { dueAt: T0 + 2 * DAY });
    d.send('matter.triage.consult', {}, { at: T0 + DAY });
    expect(d.state).toBe('preconsultation');
    expect(d.context.actionItems[0]!.cancelledAt).toBe(T0 + DAY);
    expect(d.pending('action_item')).toBeUndefined();
  });

  it('records a missed work order as overdue', () => {
    const d = start();
    d.send('matter.triage.routine', { dueAt: T0 + 2 * DAY });
    d.fireDue(T0 + 3 * DAY);
    expect(d.state).toBe('workOrder');
    expect(d.context.overdue).toEqual([
      { at: T0 + 2 * DAY, itemId: WORK_ORDER_ITEM_ID, party: 'property_company', escalatedToStreet: false },
    ]);
  });
});

describe('propertyCoordination: meeting notice (noticeSufficient)', () => {
  it('accepts a meeting exactly noticeDays (3) days ahead', () => {
    const d = start();
    d.send('matter.triage.consult');
    d.send('matter.preconsult.done');
    expect(d.send('matter.meeting.schedule', { meetingAt: T0 + 3 * DAY }).changed).toBe(true);
    expect(d.state).toBe('confirming');
  });

  it('refuses a meeting one millisecond short of the notice', () => {
    const d = start();
    d.send('matter.triage.consult');
    d.send('matter.preconsult.done');
    expect(d.send('matter.meeting.schedule', { meetingAt: T0 + 3 * DAY - 1 }).changed).toBe(false);
    expect(d.state).toBe('scheduling');
  });

  it('reads noticeDays from the policy', () => {
    const d = start({ policy: withCoordination({ noticeDays: 7 }) });
    d.send('matter.triage.consult');
    d.send('matter.preconsult.done');
    expect(d.send('matter.meeting.schedule', { meetingAt: T0 + 5 * DAY }).changed).toBe(false);
    expect(d.send('matter.meeting.schedule', { meetingAt: T0 + 7 * DAY }).changed).toBe(true);
  });

  it('counts calendar days in the policy calendar’s time zone, not 24-hour days (Europe/Berlin, DST)', () => {
    const base = createDefaultPolicy();
    const berlin: Policy = { ...base, calendar: { ...base.calendar, timeZone: 'Europe/Berlin' } };
    // Noticed Fri 27 Mar 2026 12:00 CET for Mon 30 Mar 12:00 CEST: three dates later at the same local time, but
    // only 71 hours (2.95 days of 24 hours) because the clocks spring forward on Sunday.
    const noticeAt = Date.parse('2026-03-27T12:00:00+01:00');
    const meetingAt = Date.parse('2026-03-30T12:00:00+02:00');
    expect((meetingAt - noticeAt) / DAY).toBeLessThan(3);
    const schedule = (policy: Policy) => {
      const d = createProcessDriver<PropertyCoordinationContext>(propertyCoordinationProcess, {
        actor: secretary,
        caseId: 'm-1',
        policy,
        now: noticeAt - HOUR,
      });
      d.start(baseInput);
      d.send('matter.triage.consult');
      d.send('matter.preconsult.done');
      const r = d.send('matter.meeting.schedule', { meetingAt }, { at: noticeAt });
      return { r, d };
    };
    const inBerlin = schedule(berlin);
    expect(inBerlin.r.changed).toBe(true);
    expect(inBerlin.d.state).toBe('confirming');
    expect(inBerlin.r.decisions).toContainEqual(
      expect.objectContaining({
        rule: 'coordination.notice',
        inputs: expect.objectContaining({ 'meeting.noticeDays': 3 }),
      }),
    );
    // In Shanghai (no DST) the same instants are 2 days 23 hours apart: too short.
    expect(schedule(base).r.changed).toBe(false);
  });

  it('reschedules from confirming with fresh confirmations and a new meeting deadline', () => {
    const d = start();
    const first = toConfirming(d);
    d.send('matter.meeting.confirm', { party: 'community' });
    expect(d.send('matter.meeting.schedule', { meetingAt: first - 2 * DAY }).changed).toBe(false);
    d.send('matter.meeting.schedule', { meetingAt: first + 3 * DAY });
    expect(d.state).toBe('confirming');
    expect(d.context.meetings.map((m) => m.status)).toEqual(['rescheduled', 'scheduled']);
    expect(d.context.meetings[1]!.confirmations).toEqual({});
    expect(d.pending('meeting')?.id).toBe('meeting:2');
    expect(d.pending('meeting:1')).toBeUndefined();
  });
});

describe('propertyCoordination: confirmations (isExpectedParty) and the meeting deadline', () => {
  it('accepts each required party and invited unit once, refusing strangers and repeats', () => {
    const d = start();
    toConfirming(d, ['department:housing']);
    expect(d.send('matter.meeting.confirm', { party: 'community' }).changed).toBe(true);
    expect(d.send('matter.meeting.confirm', { party: 'community' }).changed).toBe(false);
    expect(d.send('matter.meeting.confirm', { party: 'department:housing' }).changed).toBe(true);
    expect(d.send('matter.meeting.confirm', { party: 'karaoke_bar' }).changed).toBe(false);
    expect(Object.keys(d.context.meetings[0]!.confirmations).sort()).toEqual(['community', 'department:housing']);
  });

  it('notes at the meeting time which required parties never confirmed', () => {
    const d = start();
    const meetingAt = toConfirming(d);
    d.send('matter.meeting.confirm', { party: 'community' });
    const [step] = d.fireDue(meetingAt);
    expect(step?.changed).toBe(true);
    expect(d.state).toBe('confirming');
    expect(d.context.meetings[0]!.unconfirmedAtMeetingTime).toEqual(['owners_committee', 'property_company']);
  });
  it('ignores the deadline of a meeting that was rescheduled (meetingDue false)', () => {
    const d = start();
    const first = toConfirming(d);
    d.send('matter.meeting.schedule', { meetingAt: first + 2 * DAY });
    d.send('deadline.due', { deadlineId: 'meeting:1', kind: 'meeting' }, { at: first });
    expect(d.state).toBe('confirming');
    expect(d.context.meetings[1]!.unconfirmedAtMeetingTime).toBeUndefined();
    expect(d.pending('meeting:2')).toBeDefined();
  });
});

describe('propertyCoordination: quorum (quorumMet)', () => {
  it('holds the meeting when all three required parties attend (quorum 3)', () => {
    const d = start();
    const meetingAt = toConfirming(d);
    attend(d, PARTIES, meetingAt);
    d.send('matter.meeting.hold', {}, { at: meetingAt });
    expect(d.state).toBe('deliberation');
    expect(d.context.meetings[0]!.status).toBe('held');
    expect(d.decisions).toEqual([
      { rule: 'coordination.meetingTime', inputs: { 'meeting.hoursToStart': 0 }, result: true },
      {
        rule: 'coordination.quorum',
        inputs: { 'meeting.requiredPresent': 3, 'coordination.quorum': 3 },
        result: true,
      },
    ]);
  });

  it('fails the meeting one party short and goes back to scheduling; invited units do not count', () => {
    const d = start();
    const meetingAt = toConfirming(d, ['department:housing']);
    attend(d, ['community', 'owners_committee', 'department:housing'], meetingAt);
    d.send('matter.meeting.hold', {}, { at: meetingAt });
    expect(d.state).toBe('scheduling');
    expect(d.context.meetings[0]).toMatchObject({
      status: 'failed',
      attending: ['community', 'owners_committee', 'department:housing'],
    });
    expect(d.pending('meeting')).toBeUndefined();
    expect(d.context.times.heldAt).toBeUndefined();
  });

  it('records a party’s presence once: a second record is refused and counts nothing', () => {
    const d = start({ policy: withCoordination({ quorum: 2 }) });
    const meetingAt = toConfirming(d);
    attend(d, ['community'], meetingAt);
    expect(d.send('matter.meeting.attend', { party: 'community' }, { at: meetingAt }).changed).toBe(false);
    d.send('matter.meeting.hold', {}, { at: meetingAt });
    expect(d.state).toBe('scheduling');
  });

  it('reads the quorum from the policy: two of three suffices at quorum 2', () => {
    const d = start({ policy: withCoordination({ quorum: 2 }) });
    const meetingAt = toConfirming(d);
    attend(d, ['community', 'property_company'], meetingAt);
    d.send('matter.meeting.hold', {}, { at: meetingAt });
    expect(d.state).toBe('deliberation');
  });
});

describe('propertyCoordination: attendance is recorded presence, at the meeting’s time (finding 2)', () => {
  it('holds with the parties recorded present, not a list in the request', () => {
    const d = start({ policy: withCoordination({ quorum: 2 }) });
    const meetingAt = toConfirming(d);
    attend(d, ['community', 'owners_committee'], meetingAt);
    // The old request shape (a list of attendees) is no longer taken: hold has only a note.
    const hold = propertyCoordinationProcess.commands.find((c) => c.type === 'matter.meeting.hold')!;
    expect(Object.keys((hold.inputSchema as { properties: object }).properties)).toEqual(['note']);
    d.send('matter.meeting.hold', {}, { at: meetingAt });
    expect(d.context.meetings[0]!.attending).toEqual(['community', 'owners_committee']);
    expect(d.context.meetings[0]!.presence?.community).toEqual({ at: meetingAt, by: secretary.id });
  });

  it('refuses to hold the meeting 96 hours before its time, recording why', () => {
    const d = start();
    const meetingAt = toConfirming(d);
    for (const party of PARTIES) d.send('matter.meeting.confirm', { party });
    const early = d.send('matter.meeting.hold', {}, { at: meetingAt - 96 * HOUR });
    expect(early.changed).toBe(false);
    expect(d.state).toBe('confirming');
    expect(early.decisions).toEqual([
      { rule: 'coordination.meetingTime', inputs: { 'meeting.hoursToStart': 96 }, result: false },
    ]);
    // One millisecond early is still early.
    expect(d.send('matter.meeting.hold', {}, { at: meetingAt - 1 }).changed).toBe(false);
  });

  it('takes presence only from expected parties, from one hour before the meeting', () => {
    const d = start();
    const meetingAt = toConfirming(d, ['department:housing']);
    expect(d.send('matter.meeting.attend', { party: 'community' }, { at: meetingAt - 2 * HOUR }).changed).toBe(false);
    expect(d.send('matter.meeting.attend', { party: 'karaoke_bar' }, { at: meetingAt }).changed).toBe(false);
    expect(d.send('matter.meeting.attend', { party: 'community' }, { at: meetingAt - HOUR }).changed).toBe(true);
    const byConvener = d.send(
      'matter.meeting.attend',
      { party: 'department:housing', reason: '住建局代表无系统账号，由社区登记' },
      { at: meetingAt },
    );
    expect(byConvener.changed).toBe(true);
    expect(d.context.meetings[0]!.presence?.['department:housing']).toEqual({
      at: meetingAt,
      by: secretary.id,
      reason: '住建局代表无系统账号，由社区登记',
    });
  });
});

describe('propertyCoordination: majority vs consensus (decisionRuleMet)', () => {
  const twoToOne = { community: 'yes', owners_committee: 'yes', property_company: 'no' };

  it('adopts a majority-rule matter (parking) two votes to one', () => {
    const d = start({ matterType: 'parking' });
    toDeliberation(d);
    d.send('matter.resolution.adopt', { decision: '按摇号分配', votes: twoToOne });
    expect(d.state).toBe('signing');
    expect(d.context.resolution).toMatchObject({ rule: 'majority', votes: twoToOne });
  });

  it('refuses a consensus-rule matter (property_fees) two votes to one', () => {
    const d = start({ matterType: 'property_fees' });
    toDeliberation(d);
    expect(d.send('matter.resolution.adopt', { decision: '物业费上调5%', votes: twoToOne }).changed).toBe(false);
    expect(d.state).toBe('deliberation');
    d.send('matter.resolution.adopt', { decision: '物业费上调5%', votes: allYes });
    expect(d.state).toBe('signing');
    expect(d.context.resolution?.rule).toBe('consensus');
  });

  it('refuses a majority without more than half: one yes, one no, one abstention', () => {
    const d = start();
    toDeliberation(d);
    expect(
      d.send('matter.resolution.adopt', {
        decision: 'x',
        votes: { community: 'yes', owners_committee: 'no', property_company: 'abstain' },
      }).changed,
    ).toBe(false);
  });

  it('refuses exactly half (one of two voters) under majority', () => {
    const d = start({ policy: withCoordination({ quorum: 2 }) });
    toDeliberation(d, ['community', 'property_company']);
    expect(
      d.send('matter.resolution.adopt', { decision: 'x', votes: { community: 'yes', property_company: 'no' } }).changed,
    ).toBe(false);
  });

  it('ignores votes of parties that were not at the meeting and refuses an empty decision', () => {
    const d = start({ matterType: 'property_fees', policy: withCoordination({ quorum: 2 }) });
    toDeliberation(d, ['community', 'owners_committee']);
    expect(
      d.send('matter.resolution.adopt', { decision: ' ', votes: { community: 'yes', owners_committee: 'yes' } })
        .changed,
    ).toBe(false);
    d.send('matter.resolution.adopt', {
      decision: '同意',
      votes: { community: 'yes', owners_committee: 'yes', property_company: 'no' },
    });
    expect(d.state).toBe('signing');
  });

  it('decisionRuleMet has no voters → false', () => {
    expect(decisionRuleMet('majority', [], {})).toBe(false);
    expect(decisionRuleMet('consensus', ['a'], { a: 'yes' })).toBe(true);
  });
});

describe('propertyCoordination: signing the minutes (canSign, completesSignatures)', () => {
  it('needs every attending party, each once; the last signature starts implementation', () => {
    const d = start();
    toDeliberation(d);
    d.send('matter.resolution.adopt', { decision: '同意', votes: allYes });
    const absent = d.send('matter.resolution.sign', { party: 'department:housing' });
    expect(absent.changed).toBe(false);
    expect(absent.decisions).toEqual([
      {
        rule: 'coordination.signature',
        inputs: { 'party.code': 'department:housing', 'meeting.present': PARTIES, 'party.signed': false },
        result: false,
      },
    ]);
    expect(d.send('matter.resolution.sign', { party: 'community' }).changed).toBe(true);
    const twice = d.send('matter.resolution.sign', { party: 'community' });
    expect(twice.changed).toBe(false);
    expect(twice.decisions.map((x) => [x.rule, x.result])).toEqual([['coordination.signature', false]]);
    d.send('matter.resolution.sign', { party: 'owners_committee' });
    expect(d.state).toBe('signing');
    d.send('matter.resolution.sign', { party: 'property_company' });
    expect(d.state).toBe('implementation');
    expect(d.context.times.implementationAt).toBeDefined();
  });

  it('a party refusing to sign turns the resolution into no consensus', () => {
    const d = start();
    toDeliberation(d);
    d.send('matter.resolution.adopt', { decision: '同意', votes: allYes });
    d.send('matter.no_consensus', { reason: '物业拒签' });
    expect(d.state).toBe('noConsensus');
    expect(d.context.noConsensusReason).toBe('物业拒签');
  });
});

describe('propertyCoordination: escalation', () => {
  it('escalates to the street as a grid-escalation case and records the link the runtime sends back', () => {
    const d = start();
    toNoConsensus(d);
    const r = d.send('matter.escalate.street', { reason: '三方协商未果' });
    expect(d.state).toBe('escalated');
    expect(r.effects).toEqual<Effect[]>([
      {
        kind: 'submit',
        process: 'gridEscalation',
        linkEvent: 'matter.linked',
        input: {
          category: 'property_dispute',
          title: baseInput.title,
          description: `${baseInput.description}\n\n三方协商未果`,
          source: 'platform',
          anonymous: false,
          reporter: { id: 'r-01' },
          units: { grid: 'g-01', community: 'c-01', street: 's-01', compound: 'x-01' },
          attributes: { compound: 'x-01', dispute_type: 'parking', description: baseInput.description },
        },
      },
    ]);
    expect(d.context.escalation).toMatchObject({ to: 'street', cause: 'no_consensus', reason: '三方协商未果' });
    expect(propertyCoordinationProcess.summarize(d.context, d.value)).toMatchObject({ level: 'street', open: true });

    expect(
      d.send('matter.linked', { caseId: '' }, { actor: { id: 'system', roles: ['system'], units: [] } }).changed,
    ).toBe(false);
    expect(d.send('matter.linked', { caseId: 'g-case-9' }).changed).toBe(true);
    expect(d.context.escalation?.linkedCaseId).toBe('g-case-9');
    expect(d.send('matter.linked', { caseId: 'g-case-10' }).changed).toBe(false);

    d.send('matter.close', { note: '街道已办结' });
    expect(d.state).toBe('closed');
    expect(d.context.outcome).toBe('escalated');
  });

  it('takes the category, urgency and attributes the escalation command gives', () => {
    const d = start();
    toNoConsensus(d);
    const r = d.send('matter.escalate.street', {
      category: 'noise',
      urgency: 'complex',
      attributes: { noise_source: 'construction' },
    });
    expect(r.effects[0]).toMatchObject({
      input: { category: 'noise', urgency: 'complex', attributes: { noise_source: 'construction' } },
    });
  });

  it('refers to people’s mediation, which closes as mediated', () => {
    const d = start();
    toNoConsensus(d);
    d.send('matter.escalate.mediation', { reason: '请调委会介入' });
    expect(d.state).toBe('mediation');
    expect(d.context.escalation).toMatchObject({ to: 'mediation', reason: '请调委会介入' });
    d.send('matter.close');
    expect(d.context.outcome).toBe('mediated');
    expect(d.done).toBe(true);
  });
});

describe('propertyCoordination: owners’ assembly vote (voteValid, votePassed)', () => {
  const coordination = createDefaultPolicy().coordination;
  // 300 owners, 30 000 m²: two thirds is 200 owners / 20 000 m² exactly.
  const base: OwnersVoteTotals = {
    totalArea: 30_000,
    totalOwners: 300,
    participatingArea: 20_000,
    participatingOwners: 200,
    yesArea: 10_001,
    yesOwners: 101,
  };

  const cases: { name: string; matter: string; totals: Partial<OwnersVoteTotals>; passed: boolean }[] = [
    {
      name: 'ordinary: participation exactly 2/3 both ways, yes just over half both ways',
      matter: 'parking',
      totals: {},
      passed: true,
    },
    {
      name: 'ordinary: 2/3 by area met but headcount one short',
      matter: 'parking',
      totals: { participatingOwners: 199 },
      passed: false,
    },
    {
      name: 'ordinary: 2/3 by headcount met but area one m² short',
      matter: 'parking',
      totals: { participatingArea: 19_999 },
      passed: false,
    },
    {
      name: 'ordinary: yes exactly half by area (not more than half)',
      matter: 'parking',
      totals: { yesArea: 10_000 },
      passed: false,
    },
    { name: 'ordinary: yes exactly half by headcount', matter: 'parking', totals: { yesOwners: 100 }, passed: false },
    {
      name: 'major: yes exactly 3/4 both ways',
      matter: 'repair_funds_raise',
      totals: { yesArea: 15_000, yesOwners: 150 },
      passed: true,
    },
    {
      name: 'major: 3/4 by area but headcount one short',
      matter: 'repair_funds_raise',
      totals: { yesArea: 15_000, yesOwners: 149 },
      passed: false,
    },
    {
      name: 'major: 3/4 by headcount but area one m² short',
      matter: 'rebuilding',
      totals: { yesArea: 14_999, yesOwners: 150 },
      passed: false,
    },
    { name: 'major: an ordinary majority is not enough', matter: 'public_rooms', totals: {}, passed: false },
    {
      name: 'two of three owners is two thirds (no floating-point loss)',
      matter: 'parking',
      totals: { totalArea: 3, totalOwners: 3, participatingArea: 2, participatingOwners: 2, yesArea: 2, yesOwners: 2 },
      passed: true,
    },
  ];

  for (const c of cases) {
    it(`${c.passed ? 'passes' : 'fails'} — ${c.name}`, () => {
      const totals = { ...base, ...c.totals };
      expect(judgeOwnersVote(coordination, c.matter, totals).passed).toBe(c.passed);
      const d = start({ matterType: c.matter });
      toNoConsensus(d);
      d.send('matter.escalate.vote');
      expect(d.state).toBe('voting');
      d.send('matter.vote.record', totals);
      expect(d.state).toBe(c.passed ? 'implementation' : 'closed');
      expect(d.context.ownersVote).toMatchObject({
        passed: c.passed,
        major: coordination.ownersVote.majorMatters.includes(c.matter),
      });
      if (!c.passed) expect(d.context.outcome).toBe('rejected');
    });
  }

  it('refuses inconsistent totals and stays voting', () => {
    const d = start();
    toNoConsensus(d);
    d.send('matter.escalate.vote');
    expect(d.send('matter.vote.record', { ...base, yesOwners: 201 }).changed).toBe(false);
    expect(d.send('matter.vote.record', { ...base, participatingArea: 30_001 }).changed).toBe(false);
    expect(
      d.send('matter.vote.record', { ...base, totalOwners: 0, participatingOwners: 0, yesOwners: 0 }).changed,
    ).toBe(false);
    expect(d.state).toBe('voting');
  });

  it('reads the thresholds from the policy', () => {
    const policy = withCoordination({ ownersVote: { ...coordination.ownersVote, participationByHeadcount: 0.5 } });
    expect(
      judgeOwnersVote(policy.coordination, 'parking', { ...base, participatingOwners: 150, yesOwners: 76 }).passed,
    ).toBe(true);
    expect(judgeOwnersVote(coordination, 'parking', { ...base, participatingOwners: 150, yesOwners: 76 }).passed).toBe(
      false,
    );
  });
});

describe('propertyCoordination: implementation and action items', () => {
  it('validates new items (actionItemValid): unique id, due date in the future; default due in actionItemDays working days', () => {
    const d = start();
    toImplementation(d);
    const now = d.now;
    expect(d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线' }).changed).toBe(true);
    expect(d.context.actionItems[0]!.dueAt).toBe(d.env.calendar.addDuration(now, 'P15D', 'working'));
    expect(d.pending('action:a1')?.dueAt).toBe(d.context.actionItems[0]!.dueAt);
    expect(d.send('matter.action.add', { id: 'a1', party: 'owners_committee', title: '重复' }).changed).toBe(false);
    expect(
      d.send('matter.action.add', { id: 'a2', party: 'owners_committee', title: '过去', dueAt: now - 1 }).changed,
    ).toBe(false);
    expect(d.send('matter.action.add', { id: 'a2', party: '', title: '无主' }).changed).toBe(false);
  });

  it('completes open items only (actionItemOpen) and publicises only when all are done (allActionsDone)', () => {
    const d = start();
    toImplementation(d);
    expect(d.send('matter.publicise').changed).toBe(false); // no items yet
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线' });
    d.send('matter.action.add', { id: 'a2', party: 'owners_committee', title: '公示名单' });
    expect(d.send('matter.action.done', { id: 'nope' }).changed).toBe(false);
    expect(d.send('matter.action.done', {}).changed).toBe(false); // two open: must say which
    d.send('matter.action.done', { id: 'a1' });
    expect(d.send('matter.action.done', { id: 'a1' }).changed).toBe(false);
    expect(d.pending('action:a1')).toBeUndefined();
    expect(d.send('matter.publicise').changed).toBe(false);
    d.send('matter.action.done', {});
    expect(d.send('matter.publicise').changed).toBe(true);
    expect(d.state).toBe('publicised');
  });

  it('marks a missed item overdue with an escalation record, after which staff may escalate to the street', () => {
    const d = start();
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: d.now + 2 * DAY });
    expect(d.send('matter.escalate.street').changed).toBe(false); // hasOverdueActions: false
    const dueAt = d.context.actionItems[0]!.dueAt;
    const [step] = d.fireDue(dueAt + HOUR);
    expect(step?.changed).toBe(true);
    expect(d.state).toBe('implementation');
    expect(d.context.actionItems[0]!.overdueAt).toBe(dueAt);
    expect(d.context.overdue).toEqual([
      { at: dueAt, itemId: 'a1', party: 'property_company', escalatedToStreet: false },
    ]);
    expect(propertyCoordinationProcess.summarize(d.context, d.value).tags).toContain('overdue');

    const r = d.send('matter.escalate.street', { reason: '物业逾期未划线' });
    expect(d.state).toBe('escalated');
    expect(d.context.escalation).toMatchObject({ to: 'street', cause: 'action_overdue' });
    expect(r.effects).toHaveLength(1);
    expect(r.effects[0]).toMatchObject({ kind: 'submit', process: 'gridEscalation', linkEvent: 'matter.linked' });
  });

  it('moves to the street at once when the policy says overdue items escalate', () => {
    const d = start({ policy: withCoordination({ overdueActionsEscalate: true }) });
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: d.now + 2 * DAY });
    const [step] = d.fireDue(d.now + 3 * DAY);
    expect(d.state).toBe('escalated');
    expect(d.context.overdue[0]?.escalatedToStreet).toBe(true);
    expect(d.context.escalation).toMatchObject({ to: 'street', cause: 'action_overdue' });
    expect(step?.effects).toEqual([
      expect.objectContaining({ kind: 'submit', process: 'gridEscalation', linkEvent: 'matter.linked' }),
    ]);
    expect((step?.effects[0] as Extract<Effect, { kind: 'submit' }>).input.description).toContain('划线');
  });

  it('ignores a late deadline of an item already done (actionItemDue false)', () => {
    const d = start();
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: d.now + 2 * DAY });
    d.send('matter.action.done', { id: 'a1' });
    d.send('deadline.due', { deadlineId: 'action:a1', kind: 'action_item' });
    expect(d.state).toBe('implementation');
    expect(d.context.actionItems[0]!.overdueAt).toBeUndefined();
    expect(d.context.overdue).toEqual([]);
  });

  it('sends a failed verification back to implementation for corrective items (verificationPassed)', () => {
    const d = start();
    toImplementation(d);
    d.send('matter.action.add', { id: 'a1', party: 'property_company', title: '划线' });
    d.send('matter.action.done', { id: 'a1' });
    d.send('matter.publicise');
    d.send('matter.verify', { passed: false, note: '线划错了' });
    expect(d.state).toBe('implementation');
    expect(d.send('matter.publicise').changed).toBe(true); // all (one) items still done
    d.send('matter.verify', { passed: true });
    expect(d.state).toBe('closed');
    expect(d.context.verifications.map((v) => v.passed)).toEqual([false, true]);
  });

  it('a passed owners’ vote goes straight to implementation', () => {
    const d = start();
    toNoConsensus(d);
    d.send('matter.escalate.vote');
    d.send('matter.vote.record', {
      totalArea: 300,
      totalOwners: 3,
      participatingArea: 300,
      participatingOwners: 3,
      yesArea: 300,
      yesOwners: 3,
    });
    expect(d.state).toBe('implementation');
    expect(d.context.times.implementationAt).toBeDefined();
  });
});

describe('propertyCoordination: every check is a policy rule, explained with its values (finding 3)', () => {
  const explain = (d: Driver, locale: 'zh' | 'en') =>
    d.decisions.filter((x) => !x.result).map((x) => explainDecision(x, d.policy, locale));

  it('explains a notice that is too short with the days given and required', () => {
    const d = start();
    d.send('matter.triage.consult');
    d.send('matter.preconsult.done');
    expect(d.send('matter.meeting.schedule', { meetingAt: T0 + 2 * DAY }).changed).toBe(false);
    expect(d.decisions).toEqual([
      {
        rule: 'coordination.notice',
        inputs: { 'meeting.noticeDays': 2, 'coordination.noticeDays': 3 },
        result: false,
      },
    ]);
    expect(explain(d, 'zh')[0]).toContain('提前通知天数 2 天');
    expect(explain(d, 'zh')[0]).toContain('3 天');
    expect(explain(d, 'en')[0]).toContain('meeting notice given');
  });

  it('records the consensus check with the votes it counted', () => {
    const d = start({ matterType: 'property_fees' });
    toDeliberation(d);
    const r = d.send('matter.resolution.adopt', {
      decision: '物业费上调5%',
      votes: { community: 'yes', owners_committee: 'yes', property_company: 'no' },
    });
    expect(r.changed).toBe(false);
    expect(r.decisions).toEqual([
      { rule: 'coordination.consensus', inputs: { 'votes.yesShare': 66.666667 }, result: false },
    ]);
    expect(explain(d, 'zh')[0]).toBe('“各方协商一致”不成立：同意方占表决方 66.67%，未达到 100%');
  });

  it('explains an owners’ vote on raising repair funds that missed three quarters by area', () => {
    const d = start({ matterType: 'repair_funds_raise' });
    toNoConsensus(d);
    d.send('matter.escalate.vote');
    d.send('matter.vote.record', {
      totalArea: 10000,
      totalOwners: 100,
      participatingArea: 8000,
      participatingOwners: 80,
      yesArea: 5600,
      yesOwners: 64,
    });
    expect(d.state).toBe('closed');
    expect(d.context.outcome).toBe('rejected');
    expect(d.decisions.map((x) => [x.rule, x.result])).toEqual([
      ['coordination.ownersParticipation', true],
      ['coordination.ownersMajor', false],
    ]);
    expect(d.decisions[1]!.inputs).toMatchObject({
      'vote.yesAreaShare': 70,
      'coordination.ownersVote.majorByArea': 75,
    });
    const [zh] = explain(d, 'zh');
    expect(zh).toContain('业主大会表决通过（重大事项）');
    expect(zh).toContain('同意的专有部分面积占参与表决面积 70%');
    expect(zh).toContain('75%');
    expect(explain(d, 'en')[0]).toContain('floor area in favour, of the area voting 70%');
  });

  it('reads a rule the policy changed: a quorum rule of “two parties” holds with two present', () => {
    const policy = createDefaultPolicy();
    const quorumOfTwo = {
      id: 'cr-quorum',
      name: { zh: '两方到会即可', en: 'two parties suffice' },
      logic: { '>=': [{ var: 'meeting.requiredPresent' }, 2] },
    };
    const d = start({
      policy: { ...policy, coordination: { ...policy.coordination, rules: { quorum: quorumOfTwo } } },
    });
    toDeliberation(d, ['community', 'owners_committee']);
    expect(d.decisions.find((x) => x.rule === 'coordination.quorum')?.result).toBe(true);
  });
});
