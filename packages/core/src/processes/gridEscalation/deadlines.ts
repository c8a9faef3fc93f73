import type { Counting } from '../../policy/types.js';
import { assertEvent } from '../contract/assertEvent.js';
import { setDeadline } from '../contract/deadlines.js';
import type { Deadline, ProcessEnv } from '../contract/types.js';
import { filingLimit, handlingLimit, totalLimit, warningDueAt } from './facts.js';
import type { GridEscalationContext, GridEscalationEvent } from './types.js';

/**
 * The deadlines of a grid escalation case: which pending deadline an event names, when a handling limit is
 * breached, the handling limit with its warning, the overdue mark with its public-notice check, and
 * `recomputeDeadlines` for a case moved to another policy version.
 *
 * @module
 */

/** The pending deadline of that id, if any. */
export function deadlineOf(context: GridEscalationContext, id: unknown): Deadline | undefined {
  return typeof id === 'string' ? context.deadlines.find((d) => d.id === id && d.firedAt === undefined) : undefined;
}

/** The pending deadline a `deadline.due` event names, if it is of `kind` (for guards of `deadline.due` only). */
export function dueOfKind(
  context: GridEscalationContext,
  event: GridEscalationEvent,
  kind: string,
): Deadline | undefined {
  assertEvent(event, 'deadline.due');
  const d = deadlineOf(context, event.input.deadlineId);
  return d !== undefined && d.kind === kind ? d : undefined;
}

/**
 * When the `handle` deadline fires: the first counted minute past the limit (`PT1M` after it in the limit's
 * counting), so that the time the level has used, counted as its limit is counted, exceeds the limit
 * (`case.elapsedHours > case.limitHours`). A working-day limit ending on Friday 17:30 is thus breached on Monday
 * 09:01, when work resumes; a calendar limit one minute after it ends.
 *
 * @example
 * breachCheckAt(env, Date.parse('2026-03-06T17:30:00+08:00'), 'working'); // Mon 2026-03-09 09:01 +08:00
 */
export function breachCheckAt(env: Pick<ProcessEnv, 'calendar'>, limitAt: number, counting: Counting): number {
  return env.calendar.addDuration(limitAt, 'PT1M', counting);
}

/** Sets the `handle` deadline and its `warning` (at `timeLimits.warningAt` of the limit). */
export function withHandlingDeadlines(
  env: ProcessEnv,
  deadlines: Deadline[],
  o: { at: number; handleDueAt: number; counting: Counting; label: string; round: number; data: Deadline['data'] },
): Deadline[] {
  const breachAt = breachCheckAt(env, o.handleDueAt, o.counting);
  let out = setDeadline(deadlines, {
    id: `handle:${o.label}:${o.round}`,
    kind: 'handle',
    dueAt: breachAt,
    data: { ...o.data, limitAt: o.handleDueAt },
  });
  const fraction = env.policy.timeLimits.warningAt;
  if (fraction > 0 && fraction < 1) {
    const warnAt = warningDueAt(env.calendar, o.at, o.handleDueAt, o.counting, fraction);
    if (warnAt > o.at && warnAt < o.handleDueAt) {
      out = setDeadline(out, {
        id: `warning:${o.label}:${o.round}`,
        kind: 'warning',
        dueAt: warnAt,
        ...(o.data ? { data: o.data } : {}),
      });
    }
  }
  return out;
}

/** Marks the case overdue (once) and schedules the public-notice check N working days later. */
export function markOverdue(
  env: ProcessEnv,
  context: GridEscalationContext,
  since: number,
  deadlines: Deadline[],
): Partial<GridEscalationContext> {
  if (context.overdue) return { deadlines };
  const days = env.policy.timeLimits.publicNoticeAfterWorkingDays;
  const dueAt = env.calendar.addDuration(since, `P${Math.max(0, days)}D`, 'working');
  return {
    overdue: true,
    overdueSince: since,
    deadlines: setDeadline(deadlines, {
      id: 'public_notice:1',
      kind: 'public_notice',
      dueAt: Math.max(dueAt, since),
      data: { check: 1 },
    }),
  };
}

/**
 * Recomputes the deadlines of an open case for another policy version (an explicit migration): each pending
 * deadline is counted again from when its clock started, with the new version's limits and calendar — signing
 * from the dispatch, contact from the signing, handling from when the case reached its level, the total from
 * filing, filing from submission. Deadlines already fired stay as they were.
 *
 * @example
 * gridEscalationProcess.onPolicyChange(context, value, envOfNewVersion, at);
 */
export function recomputeDeadlines(env: ProcessEnv, context: GridEscalationContext, at: number): GridEscalationContext {
  const { timeLimits } = env.policy;
  let deadlines = context.deadlines;
  let handleDueAt = context.handleDueAt;
  let handleCounting = context.handleCounting;
  let handleCellId = context.handleCellId;
  let totalDueAt = context.totalDueAt;
  let filingDueAt = context.filingDueAt ?? null;
  let filingCellId = context.filingCellId ?? null;
  for (const d of context.deadlines) {
    if (d.firedAt !== undefined) continue;
    if (d.kind === 'sign' && context.dispatchedAt !== null) {
      deadlines = setDeadline(deadlines, {
        ...d,
        dueAt: env.calendar.addDuration(context.dispatchedAt, timeLimits.signing.duration, timeLimits.signing.counting),
      });
    } else if (d.kind === 'contact' && context.signedAt !== null) {
      deadlines = setDeadline(deadlines, {
        ...d,
        dueAt: env.calendar.addDuration(context.signedAt, timeLimits.contact.duration, timeLimits.contact.counting),
      });
    } else if (d.kind === 'filing' && context.submittedAt !== null) {
      const limit = filingLimit(env.policy, context.urgency, context.request.source);
      filingDueAt = env.calendar.addDuration(context.submittedAt, limit.duration, limit.counting);
      filingCellId = limit.cellId;
      deadlines = setDeadline(deadlines, { ...d, dueAt: filingDueAt, data: { limit: limit.cellId } });
    } else if (d.kind === 'total' && context.filedAt !== null) {
      const total = totalLimit(env.policy, context.urgency);
      if (total) {
        totalDueAt = env.calendar.addDuration(context.filedAt, total.duration, total.counting);
        deadlines = setDeadline(deadlines, { ...d, dueAt: totalDueAt });
      }
    } else if (d.kind === 'handle' && context.levelStartedAt !== null && context.level !== null) {
      const limit = handlingLimit(env.policy, context.level, context.urgency);
      handleDueAt = env.calendar.addDuration(context.levelStartedAt, limit.duration, limit.counting);
      handleCounting = limit.counting;
      handleCellId = limit.cellId;
      const label = d.id.split(':')[1] ?? context.level;
      const round = Number(d.data?.round ?? context.round);
      const withoutOld = deadlines.filter(
        (x) =>
          x.firedAt !== undefined || (x.id !== d.id && !(x.kind === 'warning' && x.id === `warning:${label}:${round}`)),
      );
      deadlines = withHandlingDeadlines(env, withoutOld, {
        at: Math.max(context.levelStartedAt, Math.min(at, handleDueAt)),
        handleDueAt,
        counting: limit.counting,
        label,
        round,
        data: d.data ? Object.fromEntries(Object.entries(d.data).filter(([k]) => k !== 'limitAt')) : undefined,
      });
    }
  }
  return {
    ...context,
    deadlines,
    handleDueAt,
    handleCounting,
    handleCellId,
    totalDueAt,
    ...(context.filingDueAt !== undefined || filingDueAt !== null ? { filingDueAt, filingCellId } : {}),
  };
}
