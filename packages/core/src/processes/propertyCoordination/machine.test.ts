import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import type { Policy } from '../../policy/types.js';
import { propertyCoordinationProcess } from './process.js';
import { createProcessDriver } from '../../testing/processDriver.js';
import { decisionRuleMet, WORK_ORDER_ITEM_ID, type PropertyCoordinationContext } from './index.js';
import {
  HOUR,
  DAY,
  T0,
  PARTIES,
  secretary,
  baseInput,
  withCoordination,
  start,
  toConfirming,
  attend,
  toDeliberation,
  allYes,
} from './machine.fixtures.js';

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
