import { GridflowError } from '../errors.js';
import { daysFromCivil, MS_PER_DAY, MS_PER_SECOND } from './civil.js';

/**
 * An IANA time zone, isomorphic (only `Intl.DateTimeFormat`, no Node or DOM API). Offsets are read from
 * `Intl` at the two ends of each UTC day and cached (a day with a transition also caches the transition
 * instant, found by bisection), so converting between instants and wall-clock time is a map lookup on the
 * hot path. Assumes at most one offset change per UTC day, which holds for every zone in the tz database.
 * Internal to the calendar module.
 */
export interface Zone {
  readonly id: string;
  /** Milliseconds to add to an instant to get its local wall-clock time (as if that wall time were UTC). */
  offsetAt(epochMs: number): number;
  /**
   * The instant of a local wall-clock time (expressed as if it were UTC). Ambiguous times (a DST fold) take
   * the earlier instant; skipped times (a DST gap) move forward by the gap — Temporal's `'compatible'`.
   */
  toInstant(localMs: number): number;
}

/** A UTC day in which the offset changes: the offset before, after, and the first instant of the new offset. */
interface Transition {
  before: number;
  after: number;
  at: number;
}

/** Upper bound of cached UTC days per zone (about 270 years); the cache is reset past it. */
const MAX_CACHED_DAYS = 100_000;

const zones = new Map<string, Zone>();

/** True when the runtime knows this IANA time zone. */
export function isKnownTimeZone(timeZone: unknown): boolean {
  if (typeof timeZone !== 'string' || timeZone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The shared {@link Zone} for an IANA id; throws `calendar.unknown_time_zone` when the runtime does not know it. */
export function getZone(timeZone: string): Zone {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = createZone(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

function createZone(timeZone: string): Zone {
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (cause) {
    throw new GridflowError(
      'calendar.unknown_time_zone',
      { zh: `未知的时区"${timeZone}"`, en: `Unknown time zone "${timeZone}"` },
      { cause },
    );
  }

  /** The offset at a whole second, straight from Intl. */
  const rawOffset = (epochMs: number): number => {
    const second = epochMs - (((epochMs % MS_PER_SECOND) + MS_PER_SECOND) % MS_PER_SECOND);
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let sec = 0;
    for (const part of dtf.formatToParts(second)) {
      switch (part.type) {
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value);
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          sec = Number(part.value);
          break;
        default:
          break;
      }
    }
    const local = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + sec) * MS_PER_SECOND;
    return local - second;
  };

  // Offsets per UTC day; NaN marks a day with a transition, whose details are in `transitions`.
  const days = new Map<number, number>();
  const transitions = new Map<number, Transition>();

  const fillDay = (day: number): number => {
    if (days.size >= MAX_CACHED_DAYS) {
      days.clear();
      transitions.clear();
    }
    const from = day * MS_PER_DAY;
    const last = from + MS_PER_DAY - MS_PER_SECOND;
    const before = rawOffset(from);
    const after = rawOffset(last);
    if (before === after) {
      days.set(day, before);
      return before;
    }
    // Binary search for the first second with the new offset.
    let lo = from;
    let hi = last;
    while (hi - lo > MS_PER_SECOND) {
      const mid = lo + Math.floor((hi - lo) / (2 * MS_PER_SECOND)) * MS_PER_SECOND;
      if (rawOffset(mid) === before) lo = mid;
      else hi = mid;
    }
    transitions.set(day, { before, after, at: hi });
    days.set(day, NaN);
    return NaN;
  };

  const offsetAt = (epochMs: number): number => {
    const day = Math.floor(epochMs / MS_PER_DAY);
    let offset = days.get(day);
    if (offset === undefined) offset = fillDay(day);
    if (offset === offset) return offset;
    const t = transitions.get(day) as Transition;
    return epochMs < t.at ? t.before : t.after;
  };

  const toInstant = (localMs: number): number => {
    // Any instant for this wall time lies within ±18 h, so one day either side brackets every candidate offset.
    const before = offsetAt(localMs - MS_PER_DAY);
    const after = offsetAt(localMs + MS_PER_DAY);
    if (before === after) {
      const candidate = localMs - before;
      if (offsetAt(candidate) === before) return candidate;
    }
    const first = localMs - before;
    const second = localMs - after;
    const firstValid = offsetAt(first) === before;
    const secondValid = offsetAt(second) === after;
    if (firstValid && secondValid) return Math.min(first, second);
    if (firstValid) return first;
    if (secondValid) return second;
    // A gap: keep the offset from before the transition, which lands after the gap.
    return localMs - before;
  };

  return { id: timeZone, offsetAt, toInstant };
}
