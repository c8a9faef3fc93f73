import type { BusinessCalendar } from '../../calendar/index.js';
import { Counting, OrgLevel, type Policy, type TimeLimitCell } from '../../policy/types.js';
import type { Actor, ProcessEnv } from '../contract/types.js';
import type { GridEscalationContext } from './types.js';

/**
 * Rule facts and time limits of the grid escalation process. Everything here is pure: time comes from the
 * event's `at`, limits from the policy, counting from the policy's business calendar.
 *
 * @module
 */

const MS_PER_HOUR = 3_600_000;

/** Hours rounded to a thousandth, so facts do not carry floating-point noise into recorded decisions. */
const hoursOf = (ms: number): number => Math.round((ms / MS_PER_HOUR) * 1000) / 1000;

/**
 * A handling (or total) limit resolved for one level × urgency.
 *
 * @example
 * const { duration, counting } = handlingLimit(policy, 'street', 'emergency'); // 'PT2H', 'calendar'
 */
export interface HandlingLimit {
  /** The policy cell id, or `fallback:<…>` when the policy has no exact cell. */
  cellId: string;
  duration: string;
  counting: Counting;
}

/**
 * The handling limit of a level (or `department`) for an urgency: the exact cell of
 * `policy.timeLimits.handling`; failing that the same urgency at the nearest level above on the escalation
 * path; failing that the longest cell of the urgency; failing that seven working days.
 *
 * @example
 * handlingLimit(policy, 'grid', 'general'); // { cellId: 'h-grid-general', duration: 'P3D', counting: 'working' }
 */
export function handlingLimit(policy: Policy, level: string, urgency: string): HandlingLimit {
  const cells = policy.timeLimits.handling;
  const exact = cells.find((c) => c.level === level && c.urgency === urgency);
  if (exact) return fromCell(exact);
  const path = policy.organisation.escalationPath as readonly string[];
  for (let i = path.indexOf(level) + 1; i > 0 && i < path.length; i++) {
    const up = cells.find((c) => c.level === path[i] && c.urgency === urgency);
    if (up) return { ...fromCell(up), cellId: `fallback:${up.id}` };
  }
  const same = cells.filter((c) => c.urgency === urgency);
  const last = same[same.length - 1];
  if (last) return { ...fromCell(last), cellId: `fallback:${last.id}` };
  return { cellId: 'fallback:default', duration: 'P7D', counting: Counting.WORKING };
}

function fromCell(cell: TimeLimitCell): HandlingLimit {
  return { cellId: cell.id, duration: cell.duration, counting: cell.counting };
}

/**
 * The total limit of a case (按期结案), by urgency; `undefined` when the policy sets none for the urgency.
 *
 * @example
 * totalLimit(policy, 'emergency'); // { cellId: 't-emergency', duration: 'PT24H', counting: 'calendar' }
 */
export function totalLimit(policy: Policy, urgency: string): HandlingLimit | undefined {
  const row = policy.timeLimits.total.find((t) => t.urgency === urgency);
  return row ? { cellId: row.id, duration: row.duration, counting: row.counting } : undefined;
}

/** The filing limit of a policy without one for the urgency: one working hour. */
export const DEFAULT_FILING_LIMIT: HandlingLimit = Object.freeze({
  cellId: 'fallback:filing',
  duration: 'PT1H',
  counting: Counting.WORKING,
});

/**
 * The filing limit of a report (立案时限): the policy's limit for its urgency and source, else for its urgency
 * alone, else {@link DEFAULT_FILING_LIMIT} (one working hour).
 *
 * @example
 * filingLimit(policy, 'general', 'app'); // { cellId: 'f-general-app', duration: 'PT2H', counting: 'working' }
 */
export function filingLimit(policy: Policy, urgency: string, source: string | undefined): HandlingLimit {
  const limits = policy.timeLimits.filing ?? [];
  const row =
    limits.find((f) => f.urgency === urgency && f.source !== undefined && f.source === source) ??
    limits.find((f) => f.urgency === urgency && f.source === undefined);
  return row ? { cellId: row.id, duration: row.duration, counting: row.counting } : DEFAULT_FILING_LIMIT;
}

/**
 * The level a case rises to from `level`: the next one on `organisation.escalationPath`; a department rises to
 * the street (the level that summoned or received it); a level below the path (building, compound) joins the
 * path at its first level above. `null` at the top.
 *
 * @example
 * nextLevel(['grid', 'community', 'street', 'district'], 'community'); // 'street'
 * nextLevel(['grid', 'community', 'street', 'district'], 'department'); // 'street'
 */
export function nextLevel(path: readonly string[], level: string | null): string | null {
  if (level === null) return path[0] ?? null;
  if (level === OrgLevel.DEPARTMENT)
    return path.includes(OrgLevel.STREET) ? OrgLevel.STREET : (path[path.length - 1] ?? null);
  const i = path.indexOf(level);
  if (i >= 0) return path[i + 1] ?? null;
  const rank = Object.values(OrgLevel) as string[];
  const own = rank.indexOf(level);
  return path.find((p) => rank.indexOf(p) > own) ?? null;
}

/**
 * The due time of the warning for a limit: the instant at which `fraction` of the counted time from `startMs`
 * to `dueMs` has passed, counted the same way as the limit (working time stays working time).
 *
 * @example
 * warningDueAt(calendar, start, due, 'working', 0.8);
 */
export function warningDueAt(
  calendar: BusinessCalendar,
  startMs: number,
  dueMs: number,
  counting: Counting,
  fraction: number,
): number {
  const span = calendar.elapsed(startMs, dueMs, counting);
  const seconds = Math.max(1, Math.round((span * fraction) / 1000));
  return Math.min(dueMs, calendar.addDuration(startMs, `PT${seconds}S`, counting));
}

/**
 * The facts a routing row reads: what is known of a case when it arrives.
 *
 * @example
 * env.route(routingFactsOf(context)); // { level: 'grid', rowId: 'r-default' }
 */
export function routingFactsOf(context: GridEscalationContext): Record<string, unknown> {
  const r = context.request;
  return {
    case: {
      category: context.category,
      urgency: context.urgency,
      source: r.source,
      anonymous: r.anonymous,
      grid: r.units.grid,
      community: r.units.community,
      street: r.units.street,
      attributes: { ...(r.attributes ?? {}) },
    },
  };
}

/**
 * Time facts of the case at `at` against the current level's handling limit.
 *
 * @example
 * const { elapsedHours, limitHours } = clockFacts(env.calendar, context, at);
 */
export interface ClockFacts {
  elapsedHours: number;
  limitHours: number | null;
  overdueHours: number;
  overdueWorkingDays: number;
  beforeDeadline: boolean;
}

/**
 * Elapsed time at the current level, its limit, time overdue and working days overdue, at `at`. Hours are
 * counted the way the level's limit is counted (working hours for a working-day limit), so
 * `elapsedHours >= limitHours` exactly when the handling deadline has passed. Working days overdue count from
 * `overdueSince` (the first breach that made the case overdue) or else from the current handling deadline.
 *
 * @example
 * clockFacts(env.calendar, context, event.at).beforeDeadline; // true before the handling deadline
 */
export function clockFacts(calendar: BusinessCalendar, context: GridEscalationContext, at: number): ClockFacts {
  const counting = context.handleCounting;
  const start = context.levelStartedAt;
  const due = context.handleDueAt;
  const elapsedHours = start === null ? 0 : hoursOf(Math.max(0, calendar.elapsed(start, at, counting)));
  const limitHours = start === null || due === null ? null : hoursOf(calendar.elapsed(start, due, counting));
  const overdueHours = due === null || at <= due ? 0 : hoursOf(calendar.elapsed(due, at, counting));
  const overdueFrom = context.overdueSince ?? (due !== null && at > due ? due : null);
  const overdueWorkingDays = overdueFrom === null ? 0 : calendar.elapsedWorkingDays(overdueFrom, at);
  return { elapsedHours, limitHours, overdueHours, overdueWorkingDays, beforeDeadline: due === null || at < due };
}

/**
 * The filing facts of rule `autoFile` at `at` (see `filingFacts` in the policy): how long the report has waited
 * since it was submitted and its filing limit, both in hours counted the way the limit counts, and the unit
 * routing sends it to.
 *
 * @example
 * filingClockFacts(env, context, at, { level: 'grid' }); // { filingElapsedHours: 1, filingLimitHours: 1, routedLevel: 'grid', routedDepartment: null }
 */
export function filingClockFacts(
  env: Pick<ProcessEnv, 'calendar' | 'policy'>,
  context: GridEscalationContext,
  at: number,
  routed: { level: string; department?: string },
): Record<string, unknown> {
  const limit = filingLimit(env.policy, context.urgency, context.request.source);
  const start = context.submittedAt;
  const due = context.filingDueAt ?? null;
  return {
    filingElapsedHours: start === null ? 0 : hoursOf(Math.max(0, env.calendar.elapsed(start, at, limit.counting))),
    filingLimitHours: start === null || due === null ? null : hoursOf(env.calendar.elapsed(start, due, limit.counting)),
    routedLevel: routed.level,
    routedDepartment: routed.department ?? null,
  };
}

/**
 * Extra facts a guard adds for one rule, merged into `case`.
 *
 * @example
 * caseRuleFacts(env, context, at, actor, { resolved: true });
 */
export type CaseFactOverrides = Record<string, unknown>;

/**
 * The facts a rule of this process reads (see the policy's fact dictionary): `case.*` from the context and the
 * clock at `at`, `actor.*` from the event. `limits.*` are added by `env.rule`.
 *
 * @example
 * env.rule('escalate', caseRuleFacts(env, context, event.at, event.actor));
 * // { case: { level: 'grid', elapsedHours: 21, limitHours: 21, resolved: false, … }, actor: { id, roles } }
 */
export function caseRuleFacts(
  env: Pick<ProcessEnv, 'calendar'>,
  context: GridEscalationContext,
  at: number,
  actor: Actor,
  overrides: CaseFactOverrides = {},
): Record<string, unknown> {
  const routing = routingFactsOf(context).case as Record<string, unknown>;
  return {
    case: {
      ...routing,
      level: context.level,
      department: context.department,
      resolved: context.resolved,
      extensions: context.extensions.filter((e) => e.status === 'approved').length,
      returns: context.returns.length,
      escalations: context.escalations.length,
      whistleDepartments: context.summoned.filter((s) => s.round === context.round).length,
      handlerId: context.handlerId,
      ...clockFacts(env.calendar, context, at),
      ...overrides,
    },
    actor: { id: actor.id, roles: [...actor.roles], units: [...actor.units] },
  };
}
