import { assign, type Assigner, type ParameterizedObject, type PropertyAssigner } from 'xstate';
import { clearDeadlines, markFired, setDeadline } from '../contract/deadlines.js';
import type { ProcessEnv } from '../contract/types.js';
import type { CoordinationChecks } from './checks.js';
import { actionDeadlineId, addDays, CoordinationDeadlineKind, meetingDeadlineId } from './deadlines.js';
import { decisionRuleOf } from './decisionRules.js';
import { currentMeeting, eventOf, itemToComplete, openItems, unique, WORK_ORDER_ITEM_ID } from './matter.js';
import type {
  ActionItem,
  EscalationRecord,
  EscalationTarget,
  Meeting,
  PropertyCoordinationContext,
  PropertyCoordinationEvent,
  PropertyCoordinationOutcome,
} from './types.js';

/**
 * The named actions of the three-party coordination machine: each an `assign` of what one step changes.
 *
 * @module
 */

type Ctx = PropertyCoordinationContext;
type Ev = PropertyCoordinationEvent;

/** An `assign` typed for this machine's context and events. */
function update<P extends ParameterizedObject['params'] | undefined = undefined>(
  assignment: Assigner<Ctx, Ev, P, Ev, never> | PropertyAssigner<Ctx, Ev, P, Ev, never>,
) {
  return assign<Ctx, Ev, P, Ev, never>(assignment);
}

/**
 * The `assign` actions of the machine for one policy.
 *
 * @example
 * setup({ types, guards, actions: { ...createPropertyCoordinationActions(env, checks), effect } });
 */
export function createPropertyCoordinationActions(env: ProcessEnv, checks: CoordinationChecks) {
  const { coordination, judgeVote } = checks;
  return {
    stampTriage: update({ times: ({ context, event }) => ({ ...context.times, triagedAt: event.at }) }),

    openWorkOrder: update(({ context, event }) => {
      const e = eventOf(event, 'matter.triage.routine')!;
      const dueAt =
        e.input.dueAt !== undefined && e.input.dueAt > e.at
          ? e.input.dueAt
          : addDays(env, e.at, coordination().actionItemDays, 'working');
      const item: ActionItem = {
        id: WORK_ORDER_ITEM_ID,
        party: 'property_company',
        title: context.title,
        dueAt,
        addedAt: e.at,
        addedBy: e.actor.id,
        ...(e.input.note ? { note: e.input.note } : {}),
      };
      return {
        route: 'work_order' as const,
        actionItems: [...context.actionItems.filter((i) => i.id !== WORK_ORDER_ITEM_ID), item],
        deadlines: setDeadline(context.deadlines, {
          id: actionDeadlineId(item.id),
          kind: CoordinationDeadlineKind.ACTION_ITEM,
          dueAt,
          data: { itemId: item.id, party: item.party },
        }),
      };
    }),

    /** Into consultation; a routine work order that turned out to be a dispute is cancelled. */
    startConsultation: update(({ context, event }) => ({
      route: 'consultation' as const,
      actionItems: context.actionItems.map((i) =>
        i.id === WORK_ORDER_ITEM_ID && i.doneAt === undefined && i.cancelledAt === undefined
          ? { ...i, cancelledAt: event.at }
          : i,
      ),
      deadlines: clearDeadlines(context.deadlines, (d) => d.id === actionDeadlineId(WORK_ORDER_ITEM_ID)),
    })),

    stampPreconsult: update({ times: ({ context, event }) => ({ ...context.times, preconsultedAt: event.at }) }),

    scheduleMeeting: update(({ context, event }) => {
      const e = eventOf(event, 'matter.meeting.schedule')!;
      const previous = currentMeeting(context);
      const meetings = context.meetings.map((m) =>
        m === previous && m.status === 'scheduled' ? { ...m, status: 'rescheduled' as const } : m,
      );
      const meeting: Meeting = {
        n: context.meetings.length + 1,
        meetingAt: e.input.meetingAt,
        scheduledAt: e.at,
        scheduledBy: e.actor.id,
        invited: unique(e.input.invited ?? []),
        ...(e.input.place ? { place: e.input.place } : {}),
        confirmations: {},
        status: 'scheduled',
      };
      const deadlines = clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING);
      return {
        meetings: [...meetings, meeting],
        deadlines: setDeadline(deadlines, {
          id: meetingDeadlineId(meeting.n),
          kind: CoordinationDeadlineKind.MEETING,
          dueAt: meeting.meetingAt,
        }),
        times: { ...context.times, scheduledAt: context.times.scheduledAt ?? e.at },
      };
    }),

    recordConfirmation: update(({ context, event }) => {
      const e = eventOf(event, 'matter.meeting.confirm')!;
      const m = currentMeeting(context)!;
      const confirmations = { ...m.confirmations, [e.input.party]: e.at };
      const allConfirmed = coordination().requiredParties.every((p) => confirmations[p] !== undefined);
      return {
        meetings: context.meetings.map((x) => (x === m ? { ...m, confirmations } : x)),
        times:
          allConfirmed && context.times.allConfirmedAt === undefined
            ? { ...context.times, allConfirmedAt: e.at }
            : context.times,
      };
    }),

    /** At the meeting time: note which required parties never confirmed. */
    noteUnconfirmed: update(({ context, event }) => {
      const e = eventOf(event, 'deadline.due')!;
      const m = currentMeeting(context)!;
      const unconfirmedAtMeetingTime = coordination().requiredParties.filter((p) => m.confirmations[p] === undefined);
      return {
        meetings: context.meetings.map((x) => (x === m ? { ...m, unconfirmedAtMeetingTime } : x)),
        deadlines: markFired(context.deadlines, e.input.deadlineId, e.at),
      };
    }),

    recordPresence: update(({ context, event }) => {
      const e = eventOf(event, 'matter.meeting.attend')!;
      const m = currentMeeting(context)!;
      const reason = e.input.reason?.trim();
      const presence = {
        ...(m.presence ?? {}),
        [e.input.party]: { at: e.at, by: e.actor.id, ...(reason ? { reason } : {}) },
      };
      return { meetings: context.meetings.map((x) => (x === m ? { ...m, presence } : x)) };
    }),

    holdMeeting: update(({ context, event }) => {
      const e = eventOf(event, 'matter.meeting.hold')!;
      const m = currentMeeting(context)!;
      const held: Meeting = {
        ...m,
        status: 'held',
        heldAt: e.at,
        attending: Object.keys(m.presence ?? {}),
        ...(e.input.note ? { note: e.input.note } : {}),
      };
      return {
        meetings: context.meetings.map((x) => (x === m ? held : x)),
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING),
        times: { ...context.times, heldAt: e.at },
      };
    }),

    /** Quorum not met: the meeting failed and must be rescheduled. */
    failMeeting: update(({ context, event }) => {
      const e = eventOf(event, 'matter.meeting.hold')!;
      const m = currentMeeting(context)!;
      const failed: Meeting = {
        ...m,
        status: 'failed',
        heldAt: e.at,
        attending: Object.keys(m.presence ?? {}),
        ...(e.input.note ? { note: e.input.note } : {}),
      };
      return {
        meetings: context.meetings.map((x) => (x === m ? failed : x)),
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING),
      };
    }),

    adoptResolution: update(({ context, event }) => {
      const e = eventOf(event, 'matter.resolution.adopt')!;
      return {
        resolution: {
          decision: e.input.decision,
          rule: decisionRuleOf(coordination(), context.matterType),
          votes: { ...e.input.votes },
          adoptedAt: e.at,
          adoptedBy: e.actor.id,
          signatures: {},
        },
        times: { ...context.times, adoptedAt: e.at },
      };
    }),

    recordSignature: update(({ context, event }) => {
      const e = eventOf(event, 'matter.resolution.sign')!;
      const r = context.resolution!;
      return { resolution: { ...r, signatures: { ...r.signatures, [e.input.party]: e.at } } };
    }),

    stampSigned: update({ times: ({ context, event }) => ({ ...context.times, signedAt: event.at }) }),

    recordNoConsensus: update(({ context, event }) => {
      const e = eventOf(event, 'matter.no_consensus')!;
      return {
        ...(e.input.reason ? { noConsensusReason: e.input.reason } : {}),
        times: { ...context.times, noConsensusAt: e.at },
      };
    }),

    recordEscalation: update(({ context, event }, params: { to: EscalationTarget }) => {
      const e =
        eventOf(event, 'matter.escalate.street') ??
        eventOf(event, 'matter.escalate.mediation') ??
        eventOf(event, 'matter.escalate.vote');
      const reason = e?.input.reason;
      const escalation: EscalationRecord = {
        to: params.to,
        at: event.at,
        by: event.actor.id,
        cause: 'no_consensus',
        ...(reason ? { reason } : {}),
      };
      return { escalation, times: { ...context.times, escalatedAt: event.at } };
    }),

    linkCase: update(({ context, event }) => {
      const e = eventOf(event, 'matter.linked')!;
      return { escalation: { ...context.escalation!, linkedCaseId: e.input.caseId } };
    }),

    recordVote: update(({ context, event }) => {
      const e = eventOf(event, 'matter.vote.record')!;
      const j = judgeVote(e, context.matterType, e.input);
      const { totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners } = e.input;
      return {
        ownersVote: {
          totalArea,
          totalOwners,
          participatingArea,
          participatingOwners,
          yesArea,
          yesOwners,
          at: e.at,
          by: e.actor.id,
          major: j.major,
          participationMet: j.participationMet,
          approvalMet: j.approvalMet,
          passed: j.passed,
        },
        times: { ...context.times, votedAt: e.at },
      };
    }),

    startImplementation: update({
      times: ({ context, event }) => ({
        ...context.times,
        implementationAt: context.times.implementationAt ?? event.at,
      }),
    }),

    addActionItem: update(({ context, event }) => {
      const e = eventOf(event, 'matter.action.add')!;
      const dueAt = e.input.dueAt ?? addDays(env, e.at, coordination().actionItemDays, 'working');
      const item: ActionItem = {
        id: e.input.id,
        party: e.input.party,
        title: e.input.title,
        dueAt,
        addedAt: e.at,
        addedBy: e.actor.id,
      };
      return {
        actionItems: [...context.actionItems, item],
        deadlines: setDeadline(context.deadlines, {
          id: actionDeadlineId(item.id),
          kind: CoordinationDeadlineKind.ACTION_ITEM,
          dueAt,
          data: { itemId: item.id, party: item.party },
        }),
      };
    }),

    completeActionItem: update(({ context, event }) => {
      const e = eventOf(event, 'matter.action.done')!;
      const id = itemToComplete(context, e.input.id)!.id;
      const actionItems = context.actionItems.map((i) =>
        i.id === id ? { ...i, doneAt: e.at, doneBy: e.actor.id, ...(e.input.note ? { note: e.input.note } : {}) } : i,
      );
      const allDone = actionItems.every((i) => i.doneAt !== undefined || i.cancelledAt !== undefined);
      return {
        actionItems,
        deadlines: clearDeadlines(context.deadlines, (d) => d.id === actionDeadlineId(id)),
        times: allDone ? { ...context.times, actionsDoneAt: e.at } : context.times,
      };
    }),

    /** Marks the item overdue and records the escalation. */
    markActionOverdue: update(({ context, event }, params: { toStreet: boolean }) => {
      const e = eventOf(event, 'deadline.due')!;
      const item = openItems(context).find((i) => actionDeadlineId(i.id) === e.input.deadlineId)!;
      return {
        actionItems: context.actionItems.map((i) => (i.id === item.id ? { ...i, overdueAt: e.at } : i)),
        overdue: [
          ...context.overdue,
          { at: e.at, itemId: item.id, party: item.party, escalatedToStreet: params.toStreet },
        ],
        deadlines: markFired(context.deadlines, e.input.deadlineId, e.at),
        ...(params.toStreet
          ? {
              escalation: {
                to: 'street' as const,
                at: e.at,
                by: e.actor.id,
                cause: 'action_overdue' as const,
                reason: item.title,
              },
              times: { ...context.times, escalatedAt: e.at },
            }
          : {}),
      };
    }),

    /** Manual escalation of an implementation with overdue items. */
    recordOverdueEscalation: update(({ context, event }) => {
      const e = eventOf(event, 'matter.escalate.street')!;
      return {
        escalation: {
          to: 'street' as const,
          at: e.at,
          by: e.actor.id,
          cause: 'action_overdue' as const,
          ...(e.input.reason ? { reason: e.input.reason } : {}),
        },
        times: { ...context.times, escalatedAt: e.at },
      };
    }),

    publicise: update(({ context, event }) => {
      const e = eventOf(event, 'matter.publicise')!;
      return {
        publicity: {
          at: e.at,
          by: e.actor.id,
          ...(e.input.until !== undefined ? { until: e.input.until } : {}),
          ...(e.input.note ? { note: e.input.note } : {}),
        },
        times: { ...context.times, publicisedAt: e.at },
      };
    }),

    recordVerification: update(({ context, event }) => {
      const e = eventOf(event, 'matter.verify')!;
      return {
        verifications: [
          ...context.verifications,
          { at: e.at, by: e.actor.id, passed: e.input.passed, ...(e.input.note ? { note: e.input.note } : {}) },
        ],
        times: e.input.passed ? { ...context.times, verifiedAt: e.at } : context.times,
      };
    }),

    /** Ends the matter with an outcome and drops the deadlines that can no longer matter. */
    close: update(({ context, event }, params: { outcome: PropertyCoordinationOutcome }) => ({
      outcome: params.outcome,
      deadlines: clearDeadlines(context.deadlines, () => true),
      times: { ...context.times, closedAt: event.at },
    })),

    markDeadlineFired: update(({ context, event }) => {
      const e = eventOf(event, 'deadline.due')!;
      return { deadlines: markFired(context.deadlines, e.input.deadlineId, e.at) };
    }),
  };
}
