import { and, setup } from 'xstate';
import { assertEvent } from '../contract/assertEvent.js';
import type { Effect, ProcessEnv } from '../contract/types.js';
import { createPropertyCoordinationActions } from './actions.js';
import { createCoordinationChecks } from './checks.js';
import { actionDeadlineId } from './deadlines.js';
import { createPropertyCoordinationGuards } from './guards.js';
import { streetCaseInput } from './streetEscalation.js';
import type {
  PropertyCoordinationContext,
  PropertyCoordinationEvent,
  PropertyCoordinationMachineInput,
} from './types.js';

/*
 * Process 2 — three-party property coordination (三方联动, "1+2+N").
 *
 * Everything that happens in parallel (each party's confirmation, each signature, each action item) is data in
 * the context, not parallel regions or spawned actors, so a snapshot is plain JSON and the pure `transition`
 * computes every step. Thresholds come from `env.policy.coordination`.
 */

/**
 * Creates the three-party property coordination machine for one policy: raised → triage → (routine work order |
 * pre-consultation → meeting scheduled with notice → confirmations → meeting held with a quorum → resolution and
 * signed minutes, or no consensus → street / mediation / owners' vote) → implementation with action items →
 * publicised → verified → closed.
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const machine = createPropertyCoordinationMachine(createProcessEnv(createDefaultPolicy(), { decisions: [] }));
 * const at = Date.parse('2026-03-02T09:00:00+08:00');
 * const actor = { id: 'u-1', roles: ['community_secretary'], units: ['community:c-01'] };
 * const [s0] = initialTransition(machine, { compoundId: 'x-01', communityId: 'c-01', streetId: 's-01', gridId: 'g-01',
 *   matterType: 'parking', title: '车位纠纷', description: '地面车位分配', caseId: 'm-1', at, actor, submittedAt: at, submittedBy: actor });
 * const [s1] = transition(machine, s0, { type: 'matter.triage.consult', at, actor, input: {} });
 * s1.value; // 'preconsultation'
 */
export function createPropertyCoordinationMachine(env: ProcessEnv) {
  const checks = createCoordinationChecks(env);
  return setup({
    types: {
      context: {} as PropertyCoordinationContext,
      events: {} as PropertyCoordinationEvent,
      input: {} as PropertyCoordinationMachineInput,
    },
    guards: createPropertyCoordinationGuards(env, checks),
    actions: {
      ...createPropertyCoordinationActions(env, checks),
      /** Carried out by the runtime in the same transaction (see `Effect`). Never executed by `transition`. */
      effect: (_, _params: Effect) => {},
    },
  }).createMachine({
    id: 'propertyCoordination',
    context: ({ input }) => {
      const raisedAt = input.submittedAt ?? input.at;
      const raisedBy = input.raisedBy ?? input.submittedBy?.id ?? input.actor?.id;
      return {
        deadlines: [],
        ...(input.caseId === undefined ? {} : { caseId: input.caseId }),
        compoundId: input.compoundId,
        communityId: input.communityId,
        streetId: input.streetId,
        gridId: input.gridId,
        matterType: input.matterType,
        title: input.title,
        description: input.description,
        ...(raisedBy === undefined ? {} : { raisedBy }),
        ...(input.category === undefined ? {} : { category: input.category }),
        ...(input.urgency === undefined ? {} : { urgency: input.urgency }),
        ...(input.location === undefined ? {} : { location: input.location }),
        meetings: [],
        actionItems: [],
        overdue: [],
        verifications: [],
        times: raisedAt === undefined ? {} : { raisedAt },
      };
    },
    initial: 'triage',
    on: {
      // A deadline nobody waits for any more is just marked fired (the runtime does the same).
      'deadline.due': { actions: 'markDeadlineFired' },
    },
    states: {
      triage: {
        on: {
          'matter.triage.routine': { target: 'workOrder', actions: ['stampTriage', 'openWorkOrder'] },
          'matter.triage.consult': { target: 'preconsultation', actions: ['stampTriage', 'startConsultation'] },
        },
      },
      workOrder: {
        on: {
          'matter.action.done': {
            guard: 'actionItemOpen',
            target: 'closed',
            actions: ['completeActionItem', { type: 'close', params: { outcome: 'work_order' } }],
          },
          'matter.triage.consult': { target: 'preconsultation', actions: 'startConsultation' },
          'deadline.due': {
            guard: 'actionItemDue',
            actions: { type: 'markActionOverdue', params: { toStreet: false } },
          },
        },
      },
      preconsultation: {
        on: { 'matter.preconsult.done': { target: 'scheduling', actions: 'stampPreconsult' } },
      },
      scheduling: {
        on: {
          'matter.meeting.schedule': { guard: 'noticeSufficient', target: 'confirming', actions: 'scheduleMeeting' },
        },
      },
      confirming: {
        on: {
          'matter.meeting.confirm': { guard: 'isExpectedParty', actions: 'recordConfirmation' },
          'matter.meeting.attend': { guard: 'canAttend', actions: 'recordPresence' },
          // Rescheduling: a new meeting, confirmations start again.
          'matter.meeting.schedule': { guard: 'noticeSufficient', actions: 'scheduleMeeting' },
          // Not before its time; the attendance is the presence recorded, and below the quorum the meeting fails.
          'matter.meeting.hold': [
            { guard: and(['meetingStarted', 'quorumMet']), target: 'deliberation', actions: 'holdMeeting' },
            { guard: 'meetingStarted', target: 'scheduling', actions: 'failMeeting' },
          ],
          'deadline.due': { guard: 'meetingDue', actions: 'noteUnconfirmed' },
        },
      },
      deliberation: {
        on: {
          'matter.resolution.adopt': { guard: 'decisionRuleMet', target: 'signing', actions: 'adoptResolution' },
          'matter.no_consensus': { target: 'noConsensus', actions: 'recordNoConsensus' },
        },
      },
      signing: {
        on: {
          'matter.resolution.sign': [
            {
              guard: and(['completesSignatures', 'canSign']),
              target: 'implementation',
              actions: ['recordSignature', 'stampSigned', 'startImplementation'],
            },
            { guard: 'canSign', actions: 'recordSignature' },
          ],
          // A party that refuses to sign the minutes means there is no agreement after all.
          'matter.no_consensus': { target: 'noConsensus', actions: 'recordNoConsensus' },
        },
      },
      noConsensus: {
        on: {
          'matter.escalate.street': {
            target: 'escalated',
            actions: [
              { type: 'recordEscalation', params: { to: 'street' } },
              {
                type: 'effect',
                params: ({ context, event }) => {
                  assertEvent(event, 'matter.escalate.street');
                  return {
                    kind: 'submit' as const,
                    process: 'gridEscalation',
                    input: streetCaseInput(env, context, event.input.reason, event.input),
                    linkEvent: 'matter.linked',
                  };
                },
              },
            ],
          },
          'matter.escalate.mediation': {
            target: 'mediation',
            actions: { type: 'recordEscalation', params: { to: 'mediation' } },
          },
          'matter.escalate.vote': { target: 'voting', actions: { type: 'recordEscalation', params: { to: 'vote' } } },
        },
      },
      escalated: {
        on: {
          'matter.linked': { guard: 'linkValid', actions: 'linkCase' },
          'matter.close': { target: 'closed', actions: { type: 'close', params: { outcome: 'escalated' } } },
        },
      },
      mediation: {
        on: { 'matter.close': { target: 'closed', actions: { type: 'close', params: { outcome: 'mediated' } } } },
      },
      voting: {
        on: {
          'matter.vote.record': [
            {
              guard: and(['voteValid', 'votePassed']),
              target: 'implementation',
              actions: ['recordVote', 'startImplementation'],
            },
            {
              guard: 'voteValid',
              target: 'closed',
              actions: ['recordVote', { type: 'close', params: { outcome: 'rejected' } }],
            },
          ],
        },
      },
      implementation: {
        on: {
          'matter.action.add': { guard: 'actionItemValid', actions: 'addActionItem' },
          'matter.action.done': { guard: 'actionItemOpen', actions: 'completeActionItem' },
          'matter.publicise': { guard: 'allActionsDone', target: 'publicised', actions: 'publicise' },
          'matter.escalate.street': {
            guard: 'hasOverdueActions',
            target: 'escalated',
            actions: [
              'recordOverdueEscalation',
              {
                type: 'effect',
                params: ({ context, event }) => {
                  assertEvent(event, 'matter.escalate.street');
                  return {
                    kind: 'submit' as const,
                    process: 'gridEscalation',
                    input: streetCaseInput(env, context, event.input.reason, event.input),
                    linkEvent: 'matter.linked',
                  };
                },
              },
            ],
          },
          'deadline.due': [
            {
              guard: and(['actionItemDue', 'overdueEscalates']),
              target: 'escalated',
              actions: [
                { type: 'markActionOverdue', params: { toStreet: true } },
                {
                  type: 'effect',
                  params: ({ context, event }) => {
                    assertEvent(event, 'deadline.due');
                    const item = context.actionItems.find((i) => actionDeadlineId(i.id) === event.input.deadlineId);
                    const reason = item
                      ? `落实事项逾期：${item.title}（${item.party}）/ Action item overdue: ${item.title} (${item.party})`
                      : undefined;
                    return {
                      kind: 'submit' as const,
                      process: 'gridEscalation',
                      input: streetCaseInput(env, context, reason, {}),
                      linkEvent: 'matter.linked',
                    };
                  },
                },
              ],
            },
            { guard: 'actionItemDue', actions: { type: 'markActionOverdue', params: { toStreet: false } } },
          ],
        },
      },
      publicised: {
        on: {
          'matter.verify': [
            {
              guard: 'verificationPassed',
              target: 'closed',
              actions: ['recordVerification', { type: 'close', params: { outcome: 'resolved' } }],
            },
            { target: 'implementation', actions: 'recordVerification' },
          ],
        },
      },
      closed: { type: 'final' },
    },
  });
}

/** The machine type, for typed snapshots in tests and tools. */
export type PropertyCoordinationMachine = ReturnType<typeof createPropertyCoordinationMachine>;
