import { setup } from 'xstate';
import { assertEvent } from '../contract/assertEvent.js';
import type { Deadline, Effect, ProcessEnv } from '../contract/types.js';
import { createGridEscalationActions } from './actions.js';
import { filingLimit } from './facts.js';
import { createGridEscalationGuards, type AutoFileRoutes } from './guards.js';
import type { GridEscalationContext, GridEscalationEvent, GridEscalationMachineInput } from './types.js';

/**
 * Builds the grid escalation machine (小事不出网格，难事不出社区，大事不出街道) for one policy.
 *
 * Triage files, cancels or merges a report within its filing limit (`timeLimits.filing`, from submission); past
 * it the report is overdue, and rule `autoFile` may file it to the routed unit; filing routes it with `env.route`
 * to a level or a department;
 * each level goes dispatched → signed → contacted → working, with signing, contact and handling limits on the
 * policy calendar; a passed handling limit escalates along `organisation.escalationPath` when rule `escalate`
 * says so; the street may blow the whistle (rule `whistle`) and summon departments that check in and report
 * done separately; units may return an order (rule `returnAllowed`) for the dispatcher to accept or overrule,
 * request an extension (rule `extensionAllowed`) or park the case; the result is fed back, verified by someone
 * other than the handler (rule `verifierAllowed`), closed, evaluated (the evaluation process may reopen it)
 * and archived. Timers are data (`context.deadlines`); the runtime sends `deadline.due`. All state changes are
 * `assign`s; the only other action is `effect` (carried out by the runtime).
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const machine = createGridEscalationMachine(createProcessEnv(createDefaultPolicy(), { decisions: [] }));
 * const at = Date.parse('2026-03-02T09:00:00+08:00');
 * const actor = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] };
 * const [s0] = initialTransition(machine, { ...noiseReport, caseId: 'c-1', at, actor, submittedAt: at, submittedBy: actor });
 * s0.value; // 'triage'
 * const [s1] = transition(machine, s0, { type: 'case.triage.file', at, actor, input: {} });
 * s1.value; // { handling: 'dispatched' }
 */
export function createGridEscalationMachine(env: ProcessEnv) {
  // The route `canAutoFile` found for a filing deadline, for the `autoFile` action of the same event (routing once
  // records one routing decision).
  const autoFileRoutes: AutoFileRoutes = new WeakMap();

  const types = {
    context: {} as GridEscalationContext,
    events: {} as GridEscalationEvent,
    input: {} as GridEscalationMachineInput,
  };

  return setup({
    types,
    guards: createGridEscalationGuards(env, autoFileRoutes),
    actions: {
      ...createGridEscalationActions(env, autoFileRoutes),
      /** Carried out by the runtime in the same transaction (see {@link Effect}); nothing happens here. */
      effect: (_args, _params: Effect) => undefined,
    },
  }).createMachine({
    id: 'gridEscalation',
    initial: 'triage',
    context: ({ input }) => initialContext(env, input),
    on: {
      'deadline.due': [
        { guard: 'isTotalDue', actions: 'recordTotalBreach' },
        { guard: 'isPublicNoticeDue', actions: 'flagPublicNotice' },
        { guard: 'isPublicNoticeCheck', actions: 'recheckPublicNotice' },
        { guard: 'isPendingDeadline', actions: 'markDeadlineFired' },
      ],
      'case.duplicate.link': { guard: 'canLinkDuplicate', actions: 'linkDuplicate' },
      'case.evaluation.link': { actions: 'linkEvaluation' },
    },
    states: {
      triage: {
        on: {
          'deadline.due': [
            { guard: 'canAutoFile', target: 'handling', actions: 'autoFile' },
            { guard: 'isFilingDue', actions: 'recordFilingBreach' },
          ],
          'case.triage.file': { guard: 'canFile', target: 'handling', actions: 'file' },
          'case.triage.cancel': { target: 'cancelled', actions: 'cancel' },
          'case.triage.merge': {
            guard: 'canMerge',
            target: 'merged',
            actions: [
              'merge',
              {
                type: 'effect',
                params: ({ context, event }) => {
                  assertEvent(event, 'case.triage.merge');
                  return {
                    kind: 'command',
                    caseId: event.input.caseId,
                    type: 'case.duplicate.link',
                    input: { caseId: context.caseId },
                  } satisfies Effect;
                },
              },
            ],
          },
        },
      },
      handling: {
        initial: 'dispatched',
        on: {
          'deadline.due': [
            { guard: 'canEscalate', target: '.dispatched', reenter: true, actions: 'escalateOnBreach' },
            { guard: 'isHandleDue', actions: 'recordHandleBreach' },
            { guard: 'isWarningDue', actions: 'recordWarning' },
            { guard: 'isSignDue', actions: 'recordLateSigning' },
            { guard: 'isContactDue', actions: 'recordLateContact' },
            { guard: 'isCheckInDue', actions: 'recordLateCheckIn' },
          ],
          'case.escalate': {
            guard: 'canEscalateManually',
            target: '.dispatched',
            reenter: true,
            actions: 'escalateManually',
          },
          'case.dispatch': { guard: 'canRedispatch', target: '.dispatched', reenter: true, actions: 'redispatch' },
          'case.remind': { actions: 'remind' },
        },
        states: {
          dispatched: {
            on: {
              'case.sign': { target: 'signed', actions: 'sign' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          signed: {
            on: {
              'case.contact': { target: 'contacted', actions: 'contact' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          contacted: {
            on: {
              'case.start': { target: 'working', actions: 'start' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          working: {
            on: {
              'case.feedback': { target: '#gridEscalation.verifying', actions: 'feedback' },
              'case.extension.request': {
                guard: 'canRequestExtension',
                target: 'extension',
                actions: 'requestExtension',
              },
              'case.park': { target: 'parked', actions: 'park' },
              'case.whistle': { guard: 'canWhistle', target: 'whistle', actions: 'whistle' },
              'case.return': { guard: 'canReturn', target: '#gridEscalation.returned', actions: 'recordReturn' },
            },
          },
          extension: {
            on: {
              'case.extension.approve': { target: 'working', actions: 'approveExtension' },
              'case.extension.deny': { target: 'working', actions: 'denyExtension' },
            },
          },
          parked: {
            on: {
              'case.start': { target: 'working', actions: 'resume' },
            },
          },
          whistle: {
            on: {
              'case.whistle': { guard: 'canWhistle', actions: 'whistle' },
              'case.checkin': { guard: 'canCheckIn', actions: 'checkIn' },
              'case.department.done': [
                { guard: 'isLastDepartmentDone', target: 'feedback', actions: 'departmentDone' },
                { guard: 'canReportDone', actions: 'departmentDone' },
              ],
            },
          },
          feedback: {
            on: {
              'case.feedback': { target: '#gridEscalation.verifying', actions: 'feedback' },
            },
          },
        },
      },
      returned: {
        on: {
          'case.return.accept': { guard: 'canAcceptReturn', target: 'handling.dispatched', actions: 'acceptReturn' },
          'case.return.overrule': { target: 'handling.dispatched', actions: 'overruleReturn' },
        },
      },
      verifying: {
        on: {
          'case.verify.pass': { guard: 'canVerify', target: 'verified', actions: 'verifyPass' },
          'case.verify.fail': { guard: 'canVerify', target: 'handling.working', actions: 'verifyFail' },
        },
      },
      verified: {
        on: {
          'case.close': { target: 'evaluating', actions: ['close', 'requestEvaluations'] },
        },
      },
      evaluating: {
        on: {
          'case.archive': { target: 'archived', actions: 'archive' },
          'case.reopen': { target: 'handling.dispatched', actions: 'reopen' },
        },
      },
      archived: { type: 'final' },
      cancelled: { type: 'final' },
      merged: { type: 'final' },
    },
  });
}

/**
 * The machine type, for typed snapshots and tests.
 *
 * @example
 * type Snapshot = SnapshotFrom<GridEscalationMachine>;
 */
export type GridEscalationMachine = ReturnType<typeof createGridEscalationMachine>;

function initialContext(env: ProcessEnv, input: GridEscalationMachineInput): GridEscalationContext {
  const { caseId, at, actor, submittedAt, submittedBy, ...submission } = input;
  const category = env.policy.categories.find((c) => c.code === submission.category);
  const urgency = submission.urgency ?? category?.defaultUrgency ?? env.policy.urgencies[0]?.code ?? 'general';
  const submitted = at ?? submittedAt ?? null;
  // The filing limit runs from submission: an unfiled report becomes overdue for its filer (立案时限).
  const filing = filingLimit(env.policy, urgency, submission.source);
  const filingDueAt = submitted === null ? null : env.calendar.addDuration(submitted, filing.duration, filing.counting);
  const deadlines: Deadline[] =
    filingDueAt === null
      ? []
      : [{ id: 'filing:1', kind: 'filing', dueAt: filingDueAt, data: { limit: filing.cellId } }];
  return {
    caseId,
    request: submission,
    submittedAt: submitted,
    submittedBy: actor?.id ?? submittedBy?.id ?? null,
    category: submission.category,
    urgency,
    level: null,
    department: null,
    routeRowId: null,
    round: 0,
    dispatches: [],
    handlerId: null,
    filingDueAt,
    filingCellId: filing.cellId,
    filingOverdue: false,
    filedAt: null,
    filedBy: null,
    filedInTime: null,
    autoFiled: false,
    dispatchedAt: null,
    signedAt: null,
    contactedAt: null,
    startedAt: null,
    signedLate: false,
    contactedLate: false,
    levelStartedAt: null,
    handleDueAt: null,
    handleCounting: 'working',
    handleCellId: null,
    totalDueAt: null,
    overdue: false,
    overdueSince: null,
    publicNotice: false,
    publicNoticeAt: null,
    resolved: false,
    feedbackAt: null,
    feedbackBy: null,
    feedbackNote: null,
    verifiedAt: null,
    closedAt: null,
    closedOnTime: null,
    archivedAt: null,
    cancelledAt: null,
    cancelReason: null,
    mergedInto: null,
    duplicates: [],
    escalations: [],
    returns: [],
    forceAssigned: false,
    extensions: [],
    warnings: [],
    reminders: [],
    verifications: [],
    whistled: false,
    whistleKind: null,
    whistledAt: null,
    summoned: [],
    parkedAt: null,
    parks: [],
    redoCount: 0,
    deadlines,
  };
}
