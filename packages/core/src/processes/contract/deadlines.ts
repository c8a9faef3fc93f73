import type { Deadline } from './types.js';

/**
 * Pure helpers over the deadline list a machine keeps in its context. Each returns a new array.
 *
 * @example
 * let deadlines = setDeadline([], { id: 'sign:1', kind: 'sign', dueAt: 1000 });
 * deadlines = setDeadline(deadlines, { id: 'sign:1', kind: 'sign', dueAt: 2000 }); // set again: replaced
 * deadlines; // [{ id: 'sign:1', kind: 'sign', dueAt: 2000 }]
 */
export function setDeadline(deadlines: readonly Deadline[], deadline: Deadline): Deadline[] {
  return [...deadlines.filter((d) => d.id !== deadline.id), deadline];
}

/** Removes the unfired deadlines matching the predicate (fired ones stay as a record). */
export function clearDeadlines(deadlines: readonly Deadline[], match: (d: Deadline) => boolean): Deadline[] {
  return deadlines.filter((d) => d.firedAt !== undefined || !match(d));
}

/**
 * Marks one deadline fired at `at`. A deadline already fired stays as it was (idempotent). With `dueAt`, only the
 * deadline of that id due at that time is marked: one set again under the same id for another time stays pending.
 */
export function markFired(deadlines: readonly Deadline[], id: string, at: number, dueAt?: number): Deadline[] {
  return deadlines.map((d) =>
    d.id === id && d.firedAt === undefined && (dueAt === undefined || d.dueAt === dueAt) ? { ...d, firedAt: at } : d,
  );
}

/** True when the deadline exists and has not fired yet. */
export function isPending(deadlines: readonly Deadline[], id: string): boolean {
  return deadlines.some((d) => d.id === id && d.firedAt === undefined);
}

/** The earliest unfired due time, or null: what a store keeps with the case to find due cases. */
export function nextDueAt(deadlines: readonly Deadline[]): number | null {
  let next: number | null = null;
  for (const d of deadlines) {
    if (d.firedAt === undefined && (next === null || d.dueAt < next)) next = d.dueAt;
  }
  return next;
}

/** The unfired deadlines due at or before `now`, earliest first. */
export function dueDeadlines(deadlines: readonly Deadline[], now: number): Deadline[] {
  return deadlines
    .filter((d) => d.firedAt === undefined && d.dueAt <= now)
    .sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id));
}
