import type { ProcessEnv } from '../contract/types.js';

/**
 * The deadlines of a three-party matter: the meeting time and each action item's due date.
 *
 * @module
 */

/** Deadline kinds this process sets. */
export const CoordinationDeadlineKind = { MEETING: 'meeting', ACTION_ITEM: 'action_item' } as const;
export type CoordinationDeadlineKind = (typeof CoordinationDeadlineKind)[keyof typeof CoordinationDeadlineKind];

/** The id of the deadline at a meeting's time. */
export const meetingDeadlineId = (n: number): string => `meeting:${n}`;
/** The id of an action item's deadline. */
export const actionDeadlineId = (itemId: string): string => `action:${itemId}`;

/** `days` whole days after `at`, counted as working or calendar days on the policy calendar. */
export const addDays = (
  env: Pick<ProcessEnv, 'calendar'>,
  at: number,
  days: number,
  counting: 'working' | 'calendar',
): number => env.calendar.addDuration(at, `P${Math.max(0, Math.floor(days))}D`, counting);
