import { assign, enqueueActions } from 'xstate';
import { assertEvent } from '../contract/assertEvent.js';
import { clearDeadlines, markFired, setDeadline } from '../contract/deadlines.js';
import type { ProcessEnv } from '../contract/types.js';
import { breachCheckAt, deadlineOf, markOverdue } from './deadlines.js';
import { evaluationEffects, evaluationKey } from './evaluations.js';
import { nextLevel, routingFactsOf, totalLimit, warningDueAt } from './facts.js';
import type { AutoFileRoutes } from './guards.js';
import {
  DEPARTMENT,
  HANDLE_KINDS,
  dispatchTo,
  fileTo,
  lapsePending,
  restartHandling,
  unitLabel,
  validTarget,
} from './handling.js';
import type {
  EscalationRecord,
  ExtensionRecord,
  GridEscalationContext,
  GridEscalationEvent,
  ReturnRecord,
  SummonedDepartment,
  VerificationRecord,
  WarningRecord,
} from './types.js';

/**
 * The named actions of the grid escalation machine: each an `assign` of the context fields one step changes
 * (the runtime computes transitions purely, so every state change is an `assign`).
 *
 * @module
 */

const lastIndex = <T>(items: readonly T[], match: (item: T) => boolean): number => {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i]!)) return i;
  return -1;
};

const replaceAt = <T>(items: readonly T[], index: number, update: (item: T) => T): T[] =>
  items.map((item, i) => (i === index ? update(item) : item));

/** An `assign` typed for this machine's context and events. */
const update = (
  fn: (args: { context: GridEscalationContext; event: GridEscalationEvent }) => Partial<GridEscalationContext>,
) => assign<GridEscalationContext, GridEscalationEvent, undefined, GridEscalationEvent, never>(fn);

/**
 * Moves the case one level up the escalation path (on a missed deadline or by hand): records the escalation and
 * dispatches to the next level. Nothing changes at the top of the path.
 */
function escalateUp(
  env: ProcessEnv,
  context: GridEscalationContext,
  at: number,
  why: Pick<EscalationRecord, 'reason' | 'by' | 'note'>,
): Partial<GridEscalationContext> {
  const to = nextLevel(env.policy.organisation.escalationPath, context.level);
  if (to === null) return {};
  const record: EscalationRecord = {
    from: context.level ?? 'district',
    ...(context.department ? { fromDepartment: context.department } : {}),
    to,
    at,
    reason: why.reason,
    by: why.by,
    ...(why.note === undefined ? {} : { note: why.note }),
  };
  return {
    escalations: [...context.escalations, record],
    ...dispatchTo(env, context, at, { level: to, department: null }, 'escalation'),
  };
}

/**
 * A signing or contact deadline passed: the case and the current round's dispatch are marked late (`signedLate` /
 * `contactedLate`) and the deadline fired.
 */
const recordLate = (flag: 'signedLate' | 'contactedLate') =>
  update(({ context, event }) => {
    assertEvent(event, 'deadline.due');
    const i = lastIndex(context.dispatches, (d) => d.round === context.round);
    return {
      [flag]: true,
      dispatches: replaceAt(context.dispatches, i, (d) => ({ ...d, [flag]: true })),
      deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
    };
  });

/**
 * The `assign` actions of the machine for one policy.
 *
 * @example
 * setup({ types, guards, actions: { ...createGridEscalationActions(env, autoFileRoutes), effect } });
 */
export function createGridEscalationActions(env: ProcessEnv, autoFileRoutes: AutoFileRoutes) {
  return {
    file: update(({ context, event }) => {
      assertEvent(event, 'case.triage.file');
      const urgency = event.input.urgency ?? context.urgency;
      const route = env.route(routingFactsOf({ ...context, urgency }));
      return fileTo(env, context, { at: event.at, by: event.actor.id, urgency, route });
    }),
    /** The filing limit passed: the report is overdue for its filer (the deadline is the reminder). */
    recordFilingBreach: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      return { filingOverdue: true, deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
    }),
    /** Rule `autoFile` files the overdue report to the routed unit, as the system. */
    autoFile: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const route = autoFileRoutes.get(event) ?? env.route(routingFactsOf(context));
      const overdue = {
        ...context,
        filingOverdue: true,
        deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
      };
      return {
        filingOverdue: true,
        autoFiled: true,
        ...fileTo(env, overdue, { at: event.at, by: event.actor.id, urgency: context.urgency, route }),
      };
    }),
    cancel: update(({ context, event }) => {
      assertEvent(event, 'case.triage.cancel');
      return {
        cancelledAt: event.at,
        cancelReason: event.input.reason,
        deadlines: clearDeadlines(context.deadlines, () => true),
      };
    }),
    merge: update(({ context, event }) => {
      assertEvent(event, 'case.triage.merge');
      return { mergedInto: event.input.caseId, deadlines: clearDeadlines(context.deadlines, () => true) };
    }),
    linkEvaluation: update(({ context, event }) => {
      assertEvent(event, 'case.evaluation.link');
      return { evaluations: [...(context.evaluations ?? []), event.input.caseId] };
    }),
    linkDuplicate: update(({ context, event }) => {
      assertEvent(event, 'case.duplicate.link');
      return { duplicates: [...context.duplicates, event.input.caseId] };
    }),
    redispatch: update(({ context, event }) => {
      assertEvent(event, 'case.dispatch');
      const t = validTarget(env, event.input.level, event.input.department);
      return t === null ? {} : dispatchTo(env, context, event.at, t, 'redispatch');
    }),
    sign: update(({ context, event }) => {
      assertEvent(event, 'case.sign');
      const { contact } = env.policy.timeLimits;
      const sign = context.deadlines.find((d) => d.id === `sign:${context.round}`);
      const late = context.signedLate || (sign !== undefined && event.at > sign.dueAt);
      const contactDueAt = env.calendar.addDuration(event.at, contact.duration, contact.counting);
      const i = lastIndex(context.dispatches, (d) => d.round === context.round);
      let deadlines = clearDeadlines(context.deadlines, (d) => d.kind === 'sign');
      deadlines = setDeadline(deadlines, {
        id: `contact:${context.round}`,
        kind: 'contact',
        dueAt: contactDueAt,
        data: { round: context.round },
      });
      return {
        signedAt: event.at,
        handlerId: event.actor.id,
        signedLate: late,
        dispatches: replaceAt(context.dispatches, i, (d) => ({
          ...d,
          signedAt: event.at,
          signedBy: event.actor.id,
          signedLate: late,
          contactDueAt,
        })),
        deadlines,
      };
    }),
    contact: update(({ context, event }) => {
      assertEvent(event, 'case.contact');
      const c = context.deadlines.find((d) => d.id === `contact:${context.round}`);
      const late = context.contactedLate || (c !== undefined && event.at > c.dueAt);
      const i = lastIndex(context.dispatches, (d) => d.round === context.round);
      return {
        contactedAt: event.at,
        contactedLate: late,
        dispatches: replaceAt(context.dispatches, i, (d) => ({ ...d, contactedAt: event.at, contactedLate: late })),
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === 'contact'),
      };
    }),
    start: update(({ context, event }) => {
      assertEvent(event, 'case.start');
      return { startedAt: context.startedAt ?? event.at };
    }),
    resume: update(({ context, event }) => {
      assertEvent(event, 'case.start');
      return { parkedAt: null, ...restartHandling(env, context, event.at) };
    }),
    recordReturn: update(({ context, event }) => {
      assertEvent(event, 'case.return');
      const record: ReturnRecord = {
        at: event.at,
        by: event.actor.id,
        level: context.level ?? 'district',
        ...(context.department ? { department: context.department } : {}),
        reason: event.input.reason,
        note: event.input.note,
      };
      return {
        returns: [...context.returns, record],
        extensions: lapsePending(context.extensions, event.at),
        deadlines: clearDeadlines(context.deadlines, (d) => HANDLE_KINDS.has(d.kind)),
      };
    }),
    acceptReturn: update(({ context, event }) => {
      assertEvent(event, 'case.return.accept');
      const { level, department, units } = event.input;
      const explicit = level === undefined && department === undefined ? null : validTarget(env, level, department);
      const i = context.returns.length - 1;
      const request = units ? { ...context.request, units: { ...context.request.units, ...units } } : context.request;
      const returns = replaceAt(context.returns, i, (r) => ({
        ...r,
        outcome: 'accepted' as const,
        decidedAt: event.at,
        decidedBy: event.actor.id,
      }));
      const base = { ...context, request, returns };
      let target = explicit;
      let routeRowId = context.routeRowId;
      if (target === null) {
        const route = env.route(routingFactsOf(base));
        target = route.department
          ? { level: DEPARTMENT, department: route.department }
          : { level: route.level, department: null };
        routeRowId = route.rowId;
      }
      return { request, returns, routeRowId, ...dispatchTo(env, base, event.at, target, 'return') };
    }),
    overruleReturn: update(({ context, event }) => {
      assertEvent(event, 'case.return.overrule');
      const i = context.returns.length - 1;
      const returns = replaceAt(context.returns, i, (r) => ({
        ...r,
        outcome: 'overruled' as const,
        decidedAt: event.at,
        decidedBy: event.actor.id,
      }));
      const target = { level: context.level ?? 'district', department: context.department };
      return { returns, ...dispatchTo(env, { ...context, returns }, event.at, target, 'overrule') };
    }),
    requestExtension: update(({ context, event }) => {
      assertEvent(event, 'case.extension.request');
      const record: ExtensionRecord = {
        requestedAt: event.at,
        by: event.actor.id,
        duration: event.input.duration,
        reason: event.input.reason,
        status: 'pending',
      };
      return { extensions: [...context.extensions, record] };
    }),
    approveExtension: update(({ context, event }) => {
      assertEvent(event, 'case.extension.approve');
      const i = lastIndex(context.extensions, (e) => e.status === 'pending');
      const pending = context.extensions[i];
      if (pending === undefined || context.handleDueAt === null || context.levelStartedAt === null) return {};
      const newDueAt = env.calendar.addDuration(context.handleDueAt, pending.duration, context.handleCounting);
      const level = context.level ?? 'district';
      const label = unitLabel(level, context.department);
      const data = {
        level,
        round: context.round,
        extension: i + 1,
        ...(context.department ? { department: context.department } : {}),
      };
      const cleared = clearDeadlines(context.deadlines, (d) => d.kind === 'handle' || d.kind === 'warning');
      let deadlines = setDeadline(cleared, {
        id: `handle:${label}:${context.round}:x${i + 1}`,
        kind: 'handle',
        dueAt: breachCheckAt(env, newDueAt, context.handleCounting),
        data: { ...data, limitAt: newDueAt },
      });
      const fraction = env.policy.timeLimits.warningAt;
      const warnAt = warningDueAt(env.calendar, context.levelStartedAt, newDueAt, context.handleCounting, fraction);
      if (fraction > 0 && fraction < 1 && warnAt > event.at && warnAt < newDueAt) {
        deadlines = setDeadline(deadlines, {
          id: `warning:${label}:${context.round}:x${i + 1}`,
          kind: 'warning',
          dueAt: warnAt,
          data,
        });
      }
      return {
        handleDueAt: newDueAt,
        deadlines,
        extensions: replaceAt(context.extensions, i, (e) => ({
          ...e,
          status: 'approved' as const,
          decidedAt: event.at,
          decidedBy: event.actor.id,
          previousDueAt: context.handleDueAt ?? undefined,
          newDueAt,
        })),
      };
    }),
    denyExtension: update(({ context, event }) => {
      assertEvent(event, 'case.extension.deny');
      const i = lastIndex(context.extensions, (e) => e.status === 'pending');
      return {
        extensions: replaceAt(context.extensions, i, (e) => ({
          ...e,
          status: 'denied' as const,
          decidedAt: event.at,
          decidedBy: event.actor.id,
        })),
      };
    }),
    park: update(({ context, event }) => {
      assertEvent(event, 'case.park');
      return {
        parkedAt: event.at,
        parks: [...context.parks, { at: event.at, by: event.actor.id, note: event.input.reason }],
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === 'handle' || d.kind === 'warning'),
      };
    }),
    remind: update(({ context, event }) => {
      assertEvent(event, 'case.remind');
      return {
        reminders: [
          ...context.reminders,
          { at: event.at, by: event.actor.id, ...(event.input.note ? { note: event.input.note } : {}) },
        ],
      };
    }),
    whistle: update(({ context, event }) => {
      assertEvent(event, 'case.whistle');
      const { whistleCheckIn } = env.policy.timeLimits;
      const checkInDueAt = env.calendar.addDuration(event.at, whistleCheckIn.duration, whistleCheckIn.counting);
      const added: SummonedDepartment[] = event.input.departments.map((department) => ({
        department,
        round: context.round,
        kind: event.input.kind,
        summonedAt: event.at,
        checkInDueAt,
      }));
      let deadlines = context.deadlines;
      for (const s of added) {
        deadlines = setDeadline(deadlines, {
          id: `checkin:${s.department}:${context.round}`,
          kind: 'checkin',
          dueAt: checkInDueAt,
          data: { department: s.department, round: context.round },
        });
      }
      return {
        whistled: true,
        whistleKind: event.input.kind,
        whistledAt: context.whistledAt ?? event.at,
        summoned: [...context.summoned, ...added],
        deadlines,
      };
    }),
    checkIn: update(({ context, event }) => {
      assertEvent(event, 'case.checkin');
      const dept = event.input.department;
      return {
        summoned: context.summoned.map((s) =>
          s.round === context.round && s.department === dept && s.checkedInAt === undefined
            ? { ...s, checkedInAt: event.at, late: s.late === true || event.at > s.checkInDueAt }
            : s,
        ),
        deadlines: clearDeadlines(context.deadlines, (d) => d.kind === 'checkin' && d.data?.department === dept),
      };
    }),
    departmentDone: update(({ context, event }) => {
      assertEvent(event, 'case.department.done');
      const dept = event.input.department;
      return {
        summoned: context.summoned.map((s) =>
          s.round === context.round && s.department === dept && s.doneAt === undefined ? { ...s, doneAt: event.at } : s,
        ),
      };
    }),
    feedback: update(({ context, event }) => {
      assertEvent(event, 'case.feedback');
      return {
        feedbackAt: event.at,
        feedbackBy: event.actor.id,
        feedbackNote: event.input.note,
        resolved: event.input.resolved !== false,
        deadlines: clearDeadlines(context.deadlines, (d) => HANDLE_KINDS.has(d.kind) || d.kind === 'checkin'),
      };
    }),
    verifyPass: update(({ context, event }) => {
      assertEvent(event, 'case.verify.pass');
      const v: VerificationRecord = {
        at: event.at,
        by: event.actor.id,
        passed: true,
        ...(event.input.note ? { note: event.input.note } : {}),
      };
      return { verifiedAt: event.at, verifications: [...context.verifications, v] };
    }),
    verifyFail: update(({ context, event }) => {
      assertEvent(event, 'case.verify.fail');
      const v: VerificationRecord = { at: event.at, by: event.actor.id, passed: false, note: event.input.note };
      return {
        resolved: false,
        verifications: [...context.verifications, v],
        ...restartHandling(env, context, event.at),
      };
    }),
    close: update(({ context, event }) => {
      assertEvent(event, 'case.close');
      return {
        closedAt: event.at,
        closedOnTime: context.totalDueAt === null ? true : event.at <= context.totalDueAt,
        deadlines: clearDeadlines(context.deadlines, () => true),
      };
    }),
    reopen: update(({ context, event }) => {
      assertEvent(event, 'case.reopen');
      const redoCount = context.redoCount + 1;
      const total = totalLimit(env.policy, context.urgency);
      let deadlines = context.deadlines;
      let totalDueAt = context.totalDueAt;
      if (total) {
        totalDueAt = env.calendar.addDuration(event.at, total.duration, total.counting);
        deadlines = setDeadline(deadlines, { id: `total:${redoCount + 1}`, kind: 'total', dueAt: totalDueAt });
      }
      const base = { ...context, deadlines, totalDueAt, redoCount };
      const target = { level: context.level ?? 'district', department: context.department };
      return {
        redoCount,
        totalDueAt,
        closedAt: null,
        closedOnTime: null,
        resolved: false,
        verifiedAt: null,
        ...dispatchTo(env, base, event.at, target, 'reopen'),
      };
    }),
    archive: update(({ context, event }) => {
      assertEvent(event, 'case.archive');
      return { archivedAt: event.at, deadlines: clearDeadlines(context.deadlines, () => true) };
    }),
    escalateOnBreach: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const base = { ...context, deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
      return escalateUp(env, base, event.at, { reason: 'breach', by: event.actor.id });
    }),
    escalateManually: update(({ context, event }) => {
      assertEvent(event, 'case.escalate');
      return escalateUp(env, context, event.at, { reason: 'manual', by: event.actor.id, note: event.input.reason });
    }),
    recordHandleBreach: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const limitAt = deadlineOf(context, event.input.deadlineId)?.data?.limitAt;
      const since = typeof limitAt === 'number' ? limitAt : event.at;
      return markOverdue(env, context, since, markFired(context.deadlines, event.input.deadlineId, event.at));
    }),
    recordWarning: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const w: WarningRecord = {
        at: event.at,
        deadlineId: event.input.deadlineId,
        level: context.level ?? 'district',
        ...(context.department ? { department: context.department } : {}),
      };
      return {
        warnings: [...context.warnings, w],
        deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
      };
    }),
    recordLateSigning: recordLate('signedLate'),
    recordLateContact: recordLate('contactedLate'),
    recordLateCheckIn: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const d = deadlineOf(context, event.input.deadlineId);
      const dept = d?.data?.department;
      const round = d?.data?.round;
      return {
        summoned: context.summoned.map((s) =>
          s.department === dept && s.round === round && s.checkedInAt === undefined ? { ...s, late: true } : s,
        ),
        deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
      };
    }),
    recordTotalBreach: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      const since = deadlineOf(context, event.input.deadlineId)?.dueAt ?? event.at;
      return markOverdue(env, context, since, markFired(context.deadlines, event.input.deadlineId, event.at));
    }),
    flagPublicNotice: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      return {
        publicNotice: true,
        publicNoticeAt: event.at,
        deadlines: markFired(context.deadlines, event.input.deadlineId, event.at),
      };
    }),
    /** Not (yet) a public-notice candidate: check again one working day later while the case stays overdue. */
    recheckPublicNotice: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      if (context.publicNotice) return { deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
      const current = deadlineOf(context, event.input.deadlineId);
      const check = Number(current?.data?.check ?? 1) + 1;
      // Keep only the latest check: a long-overdue case must not accumulate one fired deadline per day.
      const others = context.deadlines.filter((d) => d.kind !== 'public_notice');
      const dueAt = env.calendar.addDuration(event.at, 'P1D', 'working');
      return {
        deadlines: setDeadline(others, {
          id: `public_notice:${check}`,
          kind: 'public_notice',
          dueAt,
          data: { check },
        }),
      };
    }),
    markDeadlineFired: update(({ context, event }) => {
      assertEvent(event, 'deadline.due');
      return { deadlines: markFired(context.deadlines, event.input.deadlineId, event.at) };
    }),
    /**
     * One evaluation per response (一事一评): the resident who called rates the closure (谁呼谁评), and the street
     * rates each department it summoned with the whistle (谁应谁评、下评上). The runtime opens them in the same
     * transaction as the closing.
     */
    requestEvaluations: enqueueActions<
      GridEscalationContext,
      GridEscalationEvent,
      undefined,
      GridEscalationEvent,
      never,
      never,
      never,
      never,
      never
    >(({ context, enqueue }) => {
      const effects = evaluationEffects(context);
      for (const effect of effects) enqueue({ type: 'effect', params: effect } as never);
      enqueue.assign({
        evaluationsRequested: [...(context.evaluationsRequested ?? []), ...effects.map(evaluationKey)],
      });
    }),
  };
}
