import { assertEvent } from '../contract/assertEvent.js';
import { isPending } from '../contract/deadlines.js';
import type { ProcessEnv } from '../contract/types.js';
import { dueOfKind } from './deadlines.js';
import { caseRuleFacts, filingClockFacts, nextLevel, routingFactsOf } from './facts.js';
import { activeSummoned, isNonEmptyString, validTarget } from './handling.js';
import type { GridEscalationContext, GridEscalationEvent } from './types.js';

/**
 * The named guards of the grid escalation machine. Each policy-backed guard evaluates one rule through
 * `env.rule` (declared in the definition's `rulesRead`), so a designer can swap in configured rules without
 * touching the machine.
 *
 * @module
 */

const WHISTLE_KINDS: readonly string[] = ['routine', 'tough', 'emergency'];
const ISO_DURATION = /^P(?!$)(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** What a guard is given: the case's context and the event (stamped with `at` and `actor`). */
type GuardArgs = { context: GridEscalationContext; event: GridEscalationEvent };

/** The route `canAutoFile` found for a filing deadline, kept for the `autoFile` action of the same event. */
export type AutoFileRoutes = WeakMap<object, ReturnType<ProcessEnv['route']>>;

/**
 * The guards of the machine for one policy.
 *
 * @example
 * setup({ types, guards: createGridEscalationGuards(env, new WeakMap()), actions });
 */
export function createGridEscalationGuards(env: ProcessEnv, autoFileRoutes: AutoFileRoutes) {
  const rule = (key: string, context: GridEscalationContext, event: GridEscalationEvent): boolean =>
    env.rule(key, caseRuleFacts(env, context, event.at, event.actor)) === true;
  return {
    /** Triage may file with an urgency override only when the urgency exists. */
    canFile: ({ event }: GuardArgs) => {
      assertEvent(event, 'case.triage.file');
      const u = event.input.urgency;
      return u === undefined || env.policy.urgencies.some((x) => x.code === u);
    },
    /** A duplicate merges into another existing case id. */
    canMerge: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.triage.merge');
      return isNonEmptyString(event.input.caseId) && event.input.caseId !== context.caseId;
    },
    /**
     * The original case records a duplicate once, in any state (a matter may repeat a case already closed or
     * archived) except when it was itself cancelled or merged: then it is no original.
     */
    canLinkDuplicate: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.duplicate.link');
      const id = event.input.caseId;
      if (context.cancelledAt !== null || context.mergedInto !== null) return false;
      return isNonEmptyString(id) && id !== context.caseId && !context.duplicates.includes(id);
    },
    /** Re-dispatch (改派) to a valid target other than the current holder. */
    canRedispatch: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.dispatch');
      const t = validTarget(env, event.input.level, event.input.department);
      return t !== null && !(t.level === context.level && t.department === context.department);
    },
    /** Rule `returnAllowed`: may this unit return the order? */
    canReturn: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.return');
      return rule('returnAllowed', context, event);
    },
    /** Accepting a return needs a valid new target when one is given. */
    canAcceptReturn: ({ event }: GuardArgs) => {
      assertEvent(event, 'case.return.accept');
      const { level, department } = event.input;
      return (level === undefined && department === undefined) || validTarget(env, level, department) !== null;
    },
    /** Rule `extensionAllowed` (facts `case.extensions`, `case.beforeDeadline`), and a valid ISO duration. */
    canRequestExtension: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.extension.request');
      if (typeof event.input.duration !== 'string' || !ISO_DURATION.test(event.input.duration)) return false;
      return rule('extensionAllowed', context, event);
    },
    /**
     * Only the street blows the whistle, for known departments not yet summoned, at most
     * `limits.maxWhistleDepartments` in all, and rule `whistle` agrees (facts: `case.level`,
     * `case.whistleDepartments` = departments already summoned).
     */
    canWhistle: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.whistle');
      const departments = event.input.departments;
      if (context.level !== 'street' || !Array.isArray(departments) || departments.length === 0) return false;
      const known = new Set(env.policy.organisation.departments.map((d) => d.code));
      const summoned = new Set(activeSummoned(context).map((s) => s.department));
      if (
        new Set(departments).size !== departments.length ||
        !departments.every((d) => known.has(d) && !summoned.has(d))
      )
        return false;
      if (!WHISTLE_KINDS.includes(event.input.kind)) return false;
      if (summoned.size + departments.length > env.policy.rules.limits.maxWhistleDepartments) return false;
      return rule('whistle', context, event);
    },
    /** A summoned department checks in once. */
    canCheckIn: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.checkin');
      return activeSummoned(context).some(
        (s) => s.department === event.input.department && s.checkedInAt === undefined,
      );
    },
    /** A checked-in department reports its part done once. */
    canReportDone: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.department.done');
      return activeSummoned(context).some(
        (s) => s.department === event.input.department && s.checkedInAt !== undefined && s.doneAt === undefined,
      );
    },
    /** The last department still working reports done. */
    isLastDepartmentDone: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'case.department.done');
      const open = activeSummoned(context).filter((s) => s.doneAt === undefined);
      const only = open[0];
      return (
        open.length === 1 &&
        only !== undefined &&
        only.department === event.input.department &&
        only.checkedInAt !== undefined
      );
    },
    /** Rule `verifierAllowed` (facts `actor.id`, `case.handlerId`). */
    canVerify: ({ context, event }: GuardArgs) => {
      assertEvent(event, ['case.verify.pass', 'case.verify.fail']);
      return rule('verifierAllowed', context, event);
    },
    /** A level may pass the case up when there is a level above it. */
    canEscalateManually: ({ context }: GuardArgs) =>
      nextLevel(env.policy.organisation.escalationPath, context.level) !== null,
    /** The handling limit passed, there is a level above, and rule `escalate` says the case rises. */
    canEscalate: ({ context, event }: GuardArgs) => {
      if (dueOfKind(context, event, 'handle') === undefined) return false;
      if (nextLevel(env.policy.organisation.escalationPath, context.level) === null) return false;
      return rule('escalate', context, event);
    },
    isHandleDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'handle') !== undefined,
    isWarningDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'warning') !== undefined,
    isSignDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'sign') !== undefined,
    isContactDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'contact') !== undefined,
    isCheckInDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'checkin') !== undefined,
    isTotalDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'total') !== undefined,
    /** The public-notice check is due, the case is still overdue and open, and rule `publicNotice` agrees. */
    isPublicNoticeDue: ({ context, event }: GuardArgs) => {
      if (dueOfKind(context, event, 'public_notice') === undefined || context.publicNotice) return false;
      return rule('publicNotice', context, event);
    },
    isPublicNoticeCheck: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'public_notice') !== undefined,
    isFilingDue: ({ context, event }: GuardArgs) => dueOfKind(context, event, 'filing') !== undefined,
    /**
     * The filing limit passed with the report unfiled, and rule `autoFile` (when the policy has it) files it:
     * facts `case.filingElapsedHours`, `case.filingLimitHours`, the intake facts, and the unit routing sends it
     * to (`case.routedLevel`, `case.routedDepartment`).
     */
    canAutoFile: ({ context, event }: GuardArgs) => {
      if (dueOfKind(context, event, 'filing') === undefined || env.policy.rules.autoFile === undefined) return false;
      const route = env.route(routingFactsOf(context));
      const facts = caseRuleFacts(env, context, event.at, event.actor, filingClockFacts(env, context, event.at, route));
      if (env.rule('autoFile', facts) !== true) return false;
      autoFileRoutes.set(event, route);
      return true;
    },
    /** Any other pending deadline (e.g. one of a state the case has left). */
    isPendingDeadline: ({ context, event }: GuardArgs) => {
      assertEvent(event, 'deadline.due');
      return isPending(context.deadlines, event.input.deadlineId);
    },
  };
}
