import type { ProcessEnv } from '../contract/types.js';
import { actionDeadlineId, CoordinationDeadlineKind, meetingDeadlineId } from './deadlines.js';
import type { CoordinationChecks } from './checks.js';
import { decisionRuleOf } from './decisionRules.js';
import { currentMeeting, eventOf, itemToComplete, liveItems, openItems, votersOf } from './matter.js';
import { judgeOwnersVote, percentOf } from './ownersVote.js';
import type { PropertyCoordinationContext, PropertyCoordinationEvent } from './types.js';

/**
 * The named guards of the three-party coordination machine; each policy check is a `coordination.<name>` rule.
 *
 * @module
 */

/** What a guard is given: the matter's context and the event (stamped with `at` and `actor`). */
type GuardArgs = { context: PropertyCoordinationContext; event: PropertyCoordinationEvent };

/** Rounded down to hundredths, so a rule's values read well and the rounding never lets a check pass early. */
const floor2 = (x: number): number => Math.floor(x * 100) / 100;

/**
 * The guards of the machine for one policy.
 *
 * @example
 * setup({ types, guards: createPropertyCoordinationGuards(env, createCoordinationChecks(env)), actions });
 */
export function createPropertyCoordinationGuards(env: ProcessEnv, checks: CoordinationChecks) {
  const { coordination, decide, meetingFacts, judgeVote } = checks;
  return {
    /**
     * Rule `notice`: the meeting is at least `noticeDays` calendar days (in the policy calendar's time zone) after
     * the notice (event time).
     */
    noticeSufficient: ({ event }: GuardArgs) => {
      const e = eventOf(event, 'matter.meeting.schedule');
      if (!e || !Number.isFinite(e.input.meetingAt)) return false;
      return decide(e, 'notice', () => ({
        meeting: { noticeDays: floor2(env.calendar.calendarDays(e.at, e.input.meetingAt)) },
        coordination: { noticeDays: coordination().noticeDays },
      }));
    },
    /** Rule `confirmation`: the party is a required party or an invited unit, and has not confirmed yet. */
    isExpectedParty: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.meeting.confirm');
      const m = currentMeeting(context);
      if (!e || !m) return false;
      return decide(e, 'confirmation', () => ({
        party: { code: e.input.party, confirmed: m.confirmations[e.input.party] !== undefined },
        meeting: meetingFacts(m, e.at),
      }));
    },
    /** Rule `attendance`: an expected party not yet present, from shortly before the meeting. */
    canAttend: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.meeting.attend');
      const m = currentMeeting(context);
      if (!e || !m) return false;
      return decide(e, 'attendance', () => ({
        party: { code: e.input.party, present: m.presence?.[e.input.party] !== undefined },
        meeting: meetingFacts(m, e.at),
      }));
    },
    /** Rule `meetingTime`: a meeting is held at its time, not before. */
    meetingStarted: ({ context, event }: GuardArgs) => {
      const m = currentMeeting(context);
      if (event.type !== 'matter.meeting.hold' || !m) return false;
      return decide(event, 'meetingTime', () => ({ meeting: meetingFacts(m, event.at) }));
    },
    /** Rule `quorum`: required parties recorded present ≥ `coordination.quorum`. */
    quorumMet: ({ context, event }: GuardArgs) => {
      const m = currentMeeting(context);
      if (event.type !== 'matter.meeting.hold' || !m) return false;
      const { requiredParties, quorum } = coordination();
      return decide(event, 'quorum', () => ({
        meeting: {
          ...meetingFacts(m, event.at),
          requiredPresent: Object.keys(m.presence ?? {}).filter((p) => requiredParties.includes(p)).length,
        },
        coordination: { quorum },
      }));
    },
    /**
     * Rule `consensus` or `majority` (the matter type's decision rule): the votes of the required parties
     * present.
     */
    decisionRuleMet: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.resolution.adopt');
      if (!e || e.input.decision.trim() === '') return false;
      const c = coordination();
      const voters = votersOf(context, c.requiredParties);
      const yes = voters.filter((p) => e.input.votes[p] === 'yes').length;
      return decide(e, decisionRuleOf(c, context.matterType), () => ({
        votes: { voters: voters.length, yes, yesShare: percentOf(yes, voters.length) },
      }));
    },
    /** Rule `signature`: the signing party attended the meeting and has not signed yet. */
    canSign: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.resolution.sign');
      const m = currentMeeting(context);
      if (!e || !m || !context.resolution) return false;
      const signatures = context.resolution.signatures;
      return decide(e, 'signature', () => ({
        party: { code: e.input.party, signed: signatures[e.input.party] !== undefined },
        meeting: { present: m.attending ?? [] },
      }));
    },
    /** This signature is the last one missing. */
    completesSignatures: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.resolution.sign');
      if (!e || !context.resolution) return false;
      const signed = { ...context.resolution.signatures, [e.input.party]: e.at };
      return (currentMeeting(context)?.attending ?? []).every((p) => signed[p] !== undefined);
    },
    /** Owners' vote totals are consistent. */
    voteValid: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.vote.record');
      return !!e && judgeOwnersVote(coordination(), context.matterType, e.input).valid;
    },
    /** Rules `ownersParticipation` and `ownersOrdinary` / `ownersMajor`: by area AND by headcount. */
    votePassed: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.vote.record');
      return !!e && judgeVote(e, context.matterType, e.input).passed;
    },
    /** A new item with an unused id, a party, a title and (if given) a due date after now. */
    actionItemValid: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.action.add');
      if (!e) return false;
      const { id, party, title, dueAt } = e.input;
      return (
        id.trim() !== '' &&
        party.trim() !== '' &&
        title.trim() !== '' &&
        !context.actionItems.some((i) => i.id === id) &&
        (dueAt === undefined || dueAt > e.at)
      );
    },
    /** The item exists and is neither done nor cancelled (no id: there is exactly one open item). */
    actionItemOpen: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.action.done');
      return !!e && itemToComplete(context, e.input.id) !== undefined;
    },
    /** At least one item and every live item done. */
    allActionsDone: ({ context }: GuardArgs) => liveItems(context).length > 0 && openItems(context).length === 0,
    /** A pending action-item deadline of an open item is due. */
    actionItemDue: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'deadline.due');
      if (!e || e.input.kind !== CoordinationDeadlineKind.ACTION_ITEM) return false;
      const d = context.deadlines.find((x) => x.id === e.input.deadlineId && x.firedAt === undefined);
      return !!d && openItems(context).some((i) => actionDeadlineId(i.id) === d.id);
    },
    /** Policy: a missed action item moves the matter to the street at once. */
    overdueEscalates: () => coordination().overdueActionsEscalate === true,
    /** Some open action item is past its due date. */
    hasOverdueActions: ({ context }: GuardArgs) => openItems(context).some((i) => i.overdueAt !== undefined),
    /** The pending meeting-time deadline of the current meeting is due. */
    meetingDue: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'deadline.due');
      const m = currentMeeting(context);
      return (
        !!e &&
        !!m &&
        e.input.deadlineId === meetingDeadlineId(m.n) &&
        context.deadlines.some((d) => d.id === e.input.deadlineId && d.firedAt === undefined)
      );
    },
    verificationPassed: ({ event }: GuardArgs) => eventOf(event, 'matter.verify')?.input.passed === true,
    /** The runtime's link event names the new case. */
    linkValid: ({ context, event }: GuardArgs) => {
      const e = eventOf(event, 'matter.linked');
      return (
        !!e &&
        typeof e.input.caseId === 'string' &&
        e.input.caseId !== '' &&
        context.escalation?.linkedCaseId === undefined
      );
    },
  };
}
