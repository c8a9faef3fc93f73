/**
 * The only way Gridflow code learns the time. Every component that needs "now" takes a clock,
 * so tests and simulations control time and no result depends on today's date.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A clock that reads the machine's time. Pass it in at the edge of an application, never deep inside. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until moved: for tests, simulation and demo mode. */
export interface ManualClock extends Clock {
  set(epochMs: number): void;
  advance(ms: number): void;
}

/**
 * Creates a clock that only moves when told to.
 *
 * @example
 * const clock = createManualClock(Date.parse('2026-03-02T09:00:00+08:00'));
 * clock.advance(60 * 60 * 1000);
 */
export function createManualClock(start: number): ManualClock {
  let current = start;
  return {
    now: () => current,
    set(epochMs) {
      current = epochMs;
    },
    advance(ms) {
      current += ms;
    },
  };
}
