import { GridflowError, type Clock } from '@gridflow/core';
import type { ServerClock } from './context.js';

/** The fastest a demo clock may run: one simulated day per 0.864 real seconds. */
export const MAX_CLOCK_SPEED = 100_000;

/** Options of {@link createServerClock}. */
export interface ServerClockOptions {
  /** Called after the demo clock was sped up or advanced (the deadline worker looks at once). */
  onChange?: () => void;
}

/**
 * The server's clock. In production it is the base clock and cannot be changed (`controllable` is false;
 * `setSpeed`/`advance` throw `clock.not_controllable`). In demo mode it runs `speed()` times faster than the base
 * clock and can be moved forward, so escalations can be watched: it never goes back, and re-anchors when the
 * speed changes so no jump happens then.
 *
 * Each process has its own demo clock; several demo processes on one database do not share it.
 *
 * @example
 * const clock = createServerClock('demo', systemClock);
 * clock.setSpeed(60); // a minute per second
 * clock.advance(2 * 3_600_000); // two hours later: emergency cases are overdue
 */
export function createServerClock(
  mode: 'demo' | 'production',
  base: Clock,
  options: ServerClockOptions = {},
): ServerClock {
  if (mode === 'production') {
    return {
      controllable: false,
      now: () => base.now(),
      speed: () => 1,
      setSpeed: () => {
        throw notControllable();
      },
      advance: () => {
        throw notControllable();
      },
    };
  }
  // simulated = anchorSim + (base - anchorReal) * factor
  let factor = 1;
  let anchorReal = base.now();
  let anchorSim = anchorReal;
  let last = anchorSim;
  const now = (): number => {
    const t = Math.floor(anchorSim + (base.now() - anchorReal) * factor);
    if (t > last) last = t;
    return last;
  };
  return {
    controllable: true,
    now,
    speed: () => factor,
    setSpeed(next: number) {
      if (typeof next !== 'number' || !Number.isFinite(next) || next < 0 || next > MAX_CLOCK_SPEED) {
        throw new GridflowError(
          'clock.invalid_speed',
          {
            zh: `时钟倍速应在 0 到 ${MAX_CLOCK_SPEED} 之间`,
            en: `The clock speed must be from 0 to ${MAX_CLOCK_SPEED}`,
          },
          { path: '/speed', details: { speed: next } },
        );
      }
      anchorSim = now();
      anchorReal = base.now();
      factor = next;
      options.onChange?.();
    },
    advance(ms: number) {
      if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 10 * 366 * 86_400_000) {
        throw new GridflowError(
          'clock.invalid_advance',
          { zh: '时钟只能向前拨，且一次不超过十年', en: 'The clock only moves forward, at most ten years at a time' },
          { path: '/ms', details: { ms } },
        );
      }
      anchorSim = now() + Math.floor(ms);
      anchorReal = base.now();
      last = Math.max(last, anchorSim);
      options.onChange?.();
    },
  };
}

function notControllable(): GridflowError {
  return new GridflowError('clock.not_controllable', {
    zh: '生产模式下不能调整服务器时钟',
    en: 'The server clock cannot be changed in production mode',
  });
}
