import type { OrgLevel } from '../../policy/types.js';
import { clearDeadlines, setDeadline } from '../contract/deadlines.js';
import type { ProcessEnv } from '../contract/types.js';
import { withHandlingDeadlines } from './deadlines.js';
import { handlingLimit, totalLimit } from './facts.js';
import type {
  DispatchRecord,
  DispatchVia,
  ExtensionRecord,
  GridEscalationContext,
  SummonedDepartment,
} from './types.js';

/**
 * Who holds a grid escalation case: valid dispatch targets, filing and dispatching to a unit (with the level's
 * signing and handling deadlines), a fresh handling limit at the same level, and the departments summoned in
 * the current round. Pure: each returns the context fields it changes.
 *
 * @module
 */

export const DEPARTMENT = 'department';
export const HANDLE_KINDS = new Set(['sign', 'contact', 'handle', 'warning']);

export const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

export function unitLabel(level: string, department: string | null | undefined): string {
  return level === DEPARTMENT && department ? `${DEPARTMENT}:${department}` : level;
}

/** A valid dispatch target: a known level (or `department` with a known department). */
export function validTarget(
  env: ProcessEnv,
  level: unknown,
  department: unknown,
): { level: string; department: string | null } | null {
  const departments = env.policy.organisation.departments;
  if (isNonEmptyString(department)) {
    if (!departments.some((d) => d.code === department)) return null;
    if (level !== undefined && level !== DEPARTMENT) return null;
    return { level: DEPARTMENT, department };
  }
  if (!isNonEmptyString(level) || level === DEPARTMENT) return null;
  const levels = env.policy.organisation.levels.map((l) => l.code as string);
  return levels.includes(level) || env.policy.organisation.escalationPath.includes(level as OrgLevel)
    ? { level, department: null }
    : null;
}

/** A routing result as a dispatch target. */
export function targetOf(route: { level: string; department?: string }): { level: string; department: string | null } {
  return route.department
    ? { level: DEPARTMENT, department: route.department }
    : { level: route.level, department: null };
}

/**
 * Files the report at `at` (by hand or by rule `autoFile`) with `urgency` to the unit `route` names: starts the
 * total limit, drops the filing deadline, records whether it was filed in time, and dispatches.
 */
export function fileTo(
  env: ProcessEnv,
  context: GridEscalationContext,
  o: { at: number; by: string; urgency: string; route: { level: string; department?: string; rowId: string } },
): Partial<GridEscalationContext> {
  const total = totalLimit(env.policy, o.urgency);
  let deadlines = clearDeadlines(context.deadlines, (d) => d.kind === 'filing');
  let totalDueAt: number | null = null;
  if (total) {
    totalDueAt = env.calendar.addDuration(o.at, total.duration, total.counting);
    deadlines = setDeadline(deadlines, { id: 'total:1', kind: 'total', dueAt: totalDueAt });
  }
  const due = context.filingDueAt ?? null;
  const base = { ...context, urgency: o.urgency, deadlines, totalDueAt };
  return {
    urgency: o.urgency,
    filedAt: o.at,
    filedBy: o.by,
    filedInTime: context.filingOverdue !== true && (due === null || o.at <= due),
    routeRowId: o.route.rowId,
    totalDueAt,
    ...dispatchTo(env, base, o.at, targetOf(o.route), 'route'),
  };
}

/**
 * Dispatches the case to a unit at `at`: sets who holds it, resets the per-dispatch indicators, and replaces
 * the level's deadlines (sign, handle, warning; check-ins of a previous whistle are dropped).
 */
export function dispatchTo(
  env: ProcessEnv,
  context: GridEscalationContext,
  at: number,
  target: { level: string; department: string | null },
  via: DispatchVia,
): Partial<GridEscalationContext> {
  const { timeLimits } = env.policy;
  const round = context.round + 1;
  const limit = handlingLimit(env.policy, target.level, context.urgency);
  const signDueAt = env.calendar.addDuration(at, timeLimits.signing.duration, timeLimits.signing.counting);
  const handleDueAt = env.calendar.addDuration(at, limit.duration, limit.counting);
  const label = unitLabel(target.level, target.department);
  const data = { level: target.level, round, ...(target.department ? { department: target.department } : {}) };
  let deadlines = clearDeadlines(context.deadlines, (d) => HANDLE_KINDS.has(d.kind) || d.kind === 'checkin');
  deadlines = setDeadline(deadlines, { id: `sign:${round}`, kind: 'sign', dueAt: signDueAt, data });
  deadlines = withHandlingDeadlines(env, deadlines, { at, handleDueAt, counting: limit.counting, label, round, data });
  const record: DispatchRecord = {
    round,
    level: target.level,
    ...(target.department ? { department: target.department } : {}),
    via,
    at,
    signDueAt,
    signedLate: false,
    contactedLate: false,
    handleDueAt,
  };
  return {
    level: target.level,
    department: target.department,
    round,
    dispatches: [...context.dispatches, record],
    handlerId: null,
    dispatchedAt: at,
    signedAt: null,
    contactedAt: null,
    startedAt: null,
    signedLate: false,
    contactedLate: false,
    levelStartedAt: at,
    handleDueAt,
    handleCounting: limit.counting,
    handleCellId: limit.cellId,
    forceAssigned: via === 'overrule',
    extensions: lapsePending(context.extensions, at),
    deadlines,
  };
}

/** A fresh handling limit at the current level from `at` (rework after a failed verification, resumption). */
export function restartHandling(
  env: ProcessEnv,
  context: GridEscalationContext,
  at: number,
): Partial<GridEscalationContext> {
  const level = context.level ?? 'district';
  const round = context.round + 1;
  const limit = handlingLimit(env.policy, level, context.urgency);
  const handleDueAt = env.calendar.addDuration(at, limit.duration, limit.counting);
  const data = { level, round, ...(context.department ? { department: context.department } : {}) };
  const cleared = clearDeadlines(context.deadlines, (d) => d.kind === 'handle' || d.kind === 'warning');
  return {
    round,
    levelStartedAt: at,
    handleDueAt,
    handleCounting: limit.counting,
    handleCellId: limit.cellId,
    deadlines: withHandlingDeadlines(env, cleared, {
      at,
      handleDueAt,
      counting: limit.counting,
      label: unitLabel(level, context.department),
      round,
      data,
    }),
  };
}

export function lapsePending(extensions: readonly ExtensionRecord[], at: number): ExtensionRecord[] {
  return extensions.map((e) => (e.status === 'pending' ? { ...e, status: 'lapsed' as const, decidedAt: at } : e));
}

/**
 * The departments summoned in the current handling round (a rework after a failed verification starts a new
 * round, and the street may summon again).
 *
 * @example
 * activeSummoned(context).every((s) => s.doneAt !== undefined); // every summoned department has finished
 */
export function activeSummoned(context: Pick<GridEscalationContext, 'summoned' | 'round'>): SummonedDepartment[] {
  return context.summoned.filter((s) => s.round === context.round);
}
