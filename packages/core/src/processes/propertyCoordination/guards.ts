import { assertEvent } from '../contract/assertEvent.js';
import type { ProcessEnv } from '../contract/types.js';
import { actionDeadlineId, CoordinationDeadlineKind, meetingDeadlineId } from './deadlines.js';
import type { CoordinationChecks } from './checks.js';
import { decisionRuleOf } from './decisionRules.js';
import { currentMeeting, itemToComplete, liveItems, openItems, votersOf } from './matter.js';
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
      assertEvent(event, 'matter.meeting.schedule');
      if (!Number.isFinite(event.input.meetingAt)) return false;
      return decide(event, 'notice', () => ({
        meeting: { noticeDays: floor2(env.calendar.calendarDays(event.at, event.input.meetingAt)) },
        coordination: { noticeDays: coordination().noticeDays },
      }));
    },
    /** Rule `confirmation`: the party is a required party or an invited unit, and has not confirmed yet. */
    isExpectedParty: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.meeting.confirm');
      const m = currentMeeting(context);
      if (!m) return false;
      return decide(event, 'confirmation', () => ({
        party: { code: event.input.party, confirmed: m.confirmations[event.input.party] !== undefined },
        meeting: meetingFacts(m, event.at),
      }));
    },
    /** Rule `attendance`: an expected party not yet present, from shortly before the meeting. */
    canAttend: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.meeting.attend');
      const m = currentMeeting(context);
      if (!m) return false;
      return decide(event, 'attendance', () => ({
        party: { code: event.input.party, present: m.presence?.[event.input.party] !== undefined },
        meeting: meetingFacts(m, event.at),
      }));
    },
    /** Rule `meetingTime`: a meeting is held at its time, not before. */
    meetingStarted: ({ context, event }: GuardArgs) => {
      const m = currentMeeting(context);
      assertEvent(event, 'matter.meeting.hold');
      if (!m) return false;
      return decide(event, 'meetingTime', () => ({ meeting: meetingFacts(m, event.at) }));
    },
    /** Rule `quorum`: required parties recorded present ≥ `coordination.quorum`. */
    quorumMet: ({ context, event }: GuardArgs) => {
      const m = currentMeeting(context);
      assertEvent(event, 'matter.meeting.hold');
      if (!m) return false;
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
      assertEvent(event, 'matter.resolution.adopt');
      if (event.input.decision.trim() === '') return false;
      const c = coordination();
      const voters = votersOf(context, c.requiredParties);
      const yes = voters.filter((p) => event.input.votes[p] === 'yes').length;
      return decide(event, decisionRuleOf(c, context.matterType), () => ({
        votes: { voters: voters.length, yes, yesShare: percentOf(yes, voters.length) },
      }));
    },
    /** Rule `signature`: the signing party attended the meeting and has not signed yet. */
    canSign: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.resolution.sign');
      const m = currentMeeting(context);
      if (!m || !context.resolution) return false;
      const signatures = context.resolution.signatures;
      return decide(event, 'signature', () => ({
        party: { code: event.input.party, signed: signatures[event.input.party] !== undefined },
        meeting: { present: m.attending ?? [] },
      }));
    },
    /** This signature is the last one missing. */
    completesSignatures: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.resolution.sign');
      if (!context.resolution) return false;
      const signed = { ...context.resolution.signatures, [event.input.party]: event.at };
      return (currentMeeting(context)?.attending ?? []).every((p) => signed[p] !== undefined);
    },
    /** Owners' vote totals are consistent. */
    voteValid: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.vote.record');
      return judgeOwnersVote(coordination(), context.matterType, event.input).valid;
    },
    /** Rules `ownersParticipation` and `ownersOrdinary` / `ownersMajor`: by area AND by headcount. */
    votePassed: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.vote.record');
      return judgeVote(event, context.matterType, event.input).passed;
    },
    /** A new item with an unused id, a party, a title and (if given) a due date after now. */
    actionItemValid: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.action.add');
      const { id, party, title, dueAt } = event.input;
      return (
        id.trim() !== '' &&
        party.trim() !== '' &&
        title.trim() !== '' &&
        !context.actionItems.some((i) => i.id === id) &&
        (dueAt === undefined || dueAt > event.at)
      );
    },
    /** The item exists and is neither done nor cancelled (no id: there is exactly one open item). */
    actionItemOpen: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.action.done');
      return itemToComplete(context, event.input.id) !== undefined;
    },
    /** At least one item and every live item done. */
    allActionsDone: ({ context }: GuardArgs) => liveItems(context).length > 0 && openItems(context).length === 0,
    /** A pending action-item deadline of an open item is due. */
    actionItemDue: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'deadline.due');
      if (event.input.kind !== CoordinationDeadlineKind.ACTION_ITEM) return false;
      const d = context.deadlines.find((x) => x.id === event.input.deadlineId && x.firedAt === undefined);
      return !!d && openItems(context).some((i) => actionDeadlineId(i.id) === d.id);
    },
    /** Policy: a missed action item moves the matter to the street at once. */
    overdueEscalates: () => coordination().overdueActionsEscalate === true,
    /** Some open action item is past its due date. */
    hasOverdueActions: ({ context }: GuardArgs) => openItems(context).some((i) => i.overdueAt !== undefined),
    /** The pending meeting-time deadline of the current meeting is due. */
    meetingDue: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'deadline.due');
      const m = currentMeeting(context);
      return (
        !!m &&
        event.input.deadlineId === meetingDeadlineId(m.n) &&
        context.deadlines.some((d) => d.id === event.input.deadlineId && d.firedAt === undefined)
      );
    },
    verificationPassed: ({ event }: GuardArgs) => {
      assertEvent(event, 'matter.verify');
      return event.input.passed === true;
    },
    /** The runtime's link event names the new case. */
    linkValid: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'matter.linked');
      return (
        typeof event.input.caseId === 'string' &&
        event.input.caseId !== '' &&
        context.escalation?.linkedCaseId === undefined
      );
    },
  };
}
