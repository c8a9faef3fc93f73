/** A seeded pseudo-random source, so the demo data is the same on every run with the same seed. */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** One element of a non-empty list, by weights. */
  weighted<T>(items: readonly (readonly [item: T, weight: number])[]): T;
}

/**
 * Mulberry32: tiny, fast and good enough for picking demo data. Never `Math.random`: the same seed gives the
 * same district, the same cases and the same histories.
 *
 * @example
 * const random = createRandom(20260823);
 * random.int(1, 6); // the same number on every run
 */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    weighted<T>(items: readonly (readonly [T, number])[]): T {
      const total = items.reduce((sum, [, w]) => sum + w, 0);
      let x = next() * total;
      for (const [item, w] of items) {
        x -= w;
        if (x < 0) return item;
      }
      const last = items[items.length - 1];
      if (last === undefined) throw new RangeError('weighted pick from an empty list');
      return last[0];
    },
  };
}

/** Milliseconds in a minute, an hour and a day. */
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Beijing time is UTC+8 all year (no daylight saving). */
const BEIJING = 8 * HOUR;

/** The hour of day (fractional) in Beijing. */
export function beijingHour(at: number): number {
  return ((((at + BEIJING) % DAY) + DAY) % DAY) / HOUR;
}

/** 0 = Sunday … 6 = Saturday, in Beijing. */
export function beijingWeekday(at: number): number {
  return new Date(at + BEIJING).getUTCDay();
}

/**
 * Moves a time that falls at night (before 08:00 or from 19:00, Beijing) to the next morning between 08:30 and
 * 10:00, and a Sunday to Monday: when offices act on ordinary matters.
 */
export function officeHours(at: number, random: Random): number {
  let t = at;
  const hour = beijingHour(t);
  if (hour < 8 || hour >= 19) {
    const startOfDay = t - hour * HOUR;
    t = startOfDay + (hour < 8 ? 0 : DAY) + 8.5 * HOUR + random.int(0, 90) * MINUTE;
  }
  if (beijingWeekday(t) === 0) t += DAY;
  return t;
}
