import { assertEvent } from '../contract/assertEvent.js';
import { assign, type Assigner, type ParameterizedObject, type PropertyAssigner } from 'xstate';
import { clearDeadlines, markFired, setDeadline } from '../contract/deadlines.js';
import type { ProcessEnv } from '../contract/types.js';
import type { CoordinationChecks } from './checks.js';
import { actionDeadlineId, addDays, CoordinationDeadlineKind, meetingDeadlineId } from './deadlines.js';
import { decisionRuleOf } from './decisionRules.js';
import { currentMeeting, itemToComplete, openItems, unique, WORK_ORDER_ITEM_ID } from './matter.js';
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
      assertEvent(event, 'matter.triage.routine');
      const dueAt =
        event.input.dueAt !== undefined && event.input.dueAt > event.at
          ? event.input.dueAt
          : addDays(env, event.at, coordination().actionItemDays, 'working');
      const item: ActionItem = {
        id: WORK_ORDER_ITEM_ID,
        party: 'property_company',
        title: context.title,
        dueAt,
        addedAt: event.at,
        addedBy: event.actor.id,
        ...(event.input.note ? { note: event.input.note } : {}),
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
      assertEvent(event, 'matter.meeting.schedule');
      const previous = currentMeeting(context);
      const meetings = context.meetings.map((m) =>
        m === previous && m.status === 'scheduled' ? { ...m, status: 'rescheduled' as const } : m,
      );
      const meeting: Meeting = {
        n: context.meetings.length + 1,
        meetingAt: event.input.meetingAt,
        scheduledAt: event.at,
        scheduledBy: event.actor.id,
        invited: unique(event.input.invited ?? []),
        ...(event.input.place ? { place: event.input.place } : {}),
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
        times: { ...context.times, scheduledAt: context.times.scheduledAt ?? event.at },
      };
    }),

    recordConfirmation: update(({ context, event }) => {
      assertEvent(event, 'matter.meeting.confirm');
      const m = currentMeeting(context)!;
      const confirmations = { ...m.confirmations, [event.input.party]: event.at };
      const allConfirmed = coordination().requiredParties.every((p) => confirmations[p] !== undefined);
      return {
        meetings: context.meetings.map((x) => (x === m ? { ...m, confirmations } : x)),
        times:
          allConfirmed && context.times.allConfirmedAt === undefined
            ? { ...context.times, allConfirmedAt: event.at }
            : context.times,
      };
    }),

    /** At the meeting time: note which required parties never confirmed. */
    noteUnconfirmed: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const m = currentMeeting(context)!;
      const unconfirmedAtMeetingTime = coordination().requiredParties.filter((p) => m.confirmations[p] === undefined);
      return {
        meetings: context.meetings.map((x) => (x === m ? { ...m, unconfirmedAtMeetingTime } : x)),
        deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
      };
    }),

    recordPresence: update(({ context, event }) => {
      assertEvent(event, 'matter.meeting.attend');
      const m = currentMeeting(context)!;
      const reason = event.input.reason?.trim();
      const presence = {
        ...(m.presence ?? {}),
        [event.input.party]: { at: event.at, by: event.actor.id, ...(reason ? { reason } : {}) },
      };
      return { meetings: context.meetings.map((x) => (x === m ? { ...m, presence } : x)) };
    }),

    holdMeeting: update(({ context, event }) => {
      assertEvent(event, 'matter.meeting.hold');
      const m = currentMeeting(context)!;
      const held: Meeting = {
        ...m,
        status: 'held',
        heldAt: event.at,
        attending: Object.keys(m.presence ?? {}),
        ...(event.input.note ? { note: event.input.note } : {}),
      };
      return {
        meetings: context.meetings.map((x) => (x === m ? held : x)),
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING),
        times: { ...context.times, heldAt: event.at },
      };
    }),

    /** Quorum not met: the meeting failed and must be rescheduled. */
    failMeeting: update(({ context, event }) => {
      assertEvent(event, 'matter.meeting.hold');
      const m = currentMeeting(context)!;
      const failed: Meeting = {
        ...m,
        status: 'failed',
        heldAt: event.at,
        attending: Object.keys(m.presence ?? {}),
        ...(event.input.note ? { note: event.input.note } : {}),
      };
      return {
        meetings: context.meetings.map((x) => (x === m ? failed : x)),
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === CoordinationDeadlineKind.MEETING),
      };
    }),

    adoptResolution: update(({ context, event }) => {
      assertEvent(event, 'matter.resolution.adopt');
      return {
        resolution: {
          decision: event.input.decision,
          rule: decisionRuleOf(coordination(), context.matterType),
          votes: { ...event.input.votes },
          adoptedAt: event.at,
          adoptedBy: event.actor.id,
          signatures: {},
        },
        times: { ...context.times, adoptedAt: event.at },
      };
    }),

    recordSignature: update(({ context, event }) => {
      assertEvent(event, 'matter.resolution.sign');
      const r = context.resolution!;
      return { resolution: { ...r, signatures: { ...r.signatures, [event.input.party]: event.at } } };
    }),

    stampSigned: update({ times: ({ context, event }) => ({ ...context.times, signedAt: event.at }) }),

    recordNoConsensus: update(({ context, event }) => {
      assertEvent(event, 'matter.no_consensus');
      return {
        ...(event.input.reason ? { noConsensusReason: event.input.reason } : {}),
        times: { ...context.times, noConsensusAt: event.at },
      };
    }),

    recordEscalation: update(({ context, event }, params: { to: EscalationTarget }) => {
      assertEvent(event, ['matter.escalate.street', 'matter.escalate.mediation', 'matter.escalate.vote']);
      const reason = event.input.reason;
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
      assertEvent(event, 'matter.linked');
      return { escalation: { ...context.escalation!, linkedCaseId: event.input.caseId } };
    }),

    recordVote: update(({ context, event }) => {
      assertEvent(event, 'matter.vote.record');
      const j = judgeVote(event, context.matterType, event.input);
      const { totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners } = event.input;
      return {
        ownersVote: {
          totalArea,
          totalOwners,
          participatingArea,
          participatingOwners,
          yesArea,
          yesOwners,
          at: event.at,
          by: event.actor.id,
          major: j.major,
          participationMet: j.participationMet,
          approvalMet: j.approvalMet,
          passed: j.passed,
        },
        times: { ...context.times, votedAt: event.at },
      };
    }),

    startImplementation: update({
      times: ({ context, event }) => ({
        ...context.times,
        implementationAt: context.times.implementationAt ?? event.at,
      }),
    }),

    addActionItem: update(({ context, event }) => {
      assertEvent(event, 'matter.action.add');
      const dueAt = event.input.dueAt ?? addDays(env, event.at, coordination().actionItemDays, 'working');
      const item: ActionItem = {
        id: event.input.id,
        party: event.input.party,
        title: event.input.title,
        dueAt,
        addedAt: event.at,
        addedBy: event.actor.id,
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
      assertEvent(event, 'matter.action.done');
      const id = itemToComplete(context, event.input.id)!.id;
      const actionItems = context.actionItems.map((i) =>
        i.id === id
          ? { ...i, doneAt: event.at, doneBy: event.actor.id, ...(event.input.note ? { note: event.input.note } : {}) }
          : i,
      );
      const allDone = actionItems.every((i) => i.doneAt !== undefined || i.cancelledAt !== undefined);
      return {
        actionItems,
        deadlines: clearDeadlines(context.deadlines, (d) => d.id === actionDeadlineId(id)),
        times: allDone ? { ...context.times, actionsDoneAt: event.at } : context.times,
      };
    }),

    /** Marks the item overdue and records the escalation. */
    markActionOverdue: update(({ context, event }, params: { toStreet: boolean }) => {
      assertEvent(event, 'deadline.due');
      const item = openItems(context).find((i) => actionDeadlineId(i.id) === event.input.deadlineId)!;
      return {
        actionItems: context.actionItems.map((i) => (i.id === item.id ? { ...i, overdueAt: event.at } : i)),
        overdue: [
          ...context.overdue,
          { at: event.at, itemId: item.id, party: item.party, escalatedToStreet: params.toStreet },
        ],
        deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
        ...(params.toStreet
          ? {
              escalation: {
                to: 'street' as const,
                at: event.at,
                by: event.actor.id,
                cause: 'action_overdue' as const,
                reason: item.title,
              },
              times: { ...context.times, escalatedAt: event.at },
            }
          : {}),
      };
    }),

    /** Manual escalation of an implementation with overdue items. */
    recordOverdueEscalation: update(({ context, event }) => {
      assertEvent(event, 'matter.escalate.street');
      return {
        escalation: {
          to: 'street' as const,
          at: event.at,
          by: event.actor.id,
          cause: 'action_overdue' as const,
          ...(event.input.reason ? { reason: event.input.reason } : {}),
        },
        times: { ...context.times, escalatedAt: event.at },
      };
    }),

    publicise: update(({ context, event }) => {
      assertEvent(event, 'matter.publicise');
      return {
        publicity: {
          at: event.at,
          by: event.actor.id,
          ...(event.input.until !== undefined ? { until: event.input.until } : {}),
          ...(event.input.note ? { note: event.input.note } : {}),
        },
        times: { ...context.times, publicisedAt: event.at },
      };
    }),

    recordVerification: update(({ context, event }) => {
      assertEvent(event, 'matter.verify');
      return {
        verifications: [
          ...context.verifications,
          {
            at: event.at,
            by: event.actor.id,
            passed: event.input.passed,
            ...(event.input.note ? { note: event.input.note } : {}),
          },
        ],
        times: event.input.passed ? { ...context.times, verifiedAt: event.at } : context.times,
      };
    }),

    /** Ends the matter with an outcome and drops the deadlines that can no longer matter. */
    close: update(({ context, event }, params: { outcome: PropertyCoordinationOutcome }) => ({
      outcome: params.outcome,
      deadlines: clearDeadlines(context.deadlines, () => true),
      times: { ...context.times, closedAt: event.at },
    })),

    markDeadlineFired: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      return { deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
    }),
  };
}
