import { describe, expect, it } from 'vitest';
import { GridflowError } from '../errors.js';
import { durationToMs, formatDuration, parseDuration } from './duration.js';

const H = 3_600_000;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof GridflowError ? e.code : 'not-a-gridflow-error';
  }
  return undefined;
}

describe('parseDuration', () => {
  it.each([
    ['PT2H', { hours: 2 }],
    ['P7D', { days: 7 }],
    ['P1DT4H', { days: 1, hours: 4 }],
    ['PT30M', { minutes: 30 }],
    ['P2W', { weeks: 2 }],
    ['P1Y2M', { years: 1, months: 2 }],
    ['P1M', { months: 1 }],
    ['PT1M', { minutes: 1 }],
    ['P1Y2M3W4DT5H6M7S', { years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 }],
    ['PT1.5H', { hours: 1.5 }],
    ['PT0,5S', { seconds: 0.5 }],
    ['PT1H30.5M', { hours: 1, minutes: 30.5 }],
    ['P0D', {}],
  ])('%s', (iso, parts) => {
    expect(parseDuration(iso)).toEqual({
      years: 0,
      months: 0,
      weeks: 0,
      days: 0,
      hours: 0,
      minutes: 0,
      seconds: 0,
      ...parts,
    });
  });

  it.each([
    '',
    'P',
    'PT',
    'P1DT',
    'pt2h',
    'PT2h',
    '2H',
    'P-1D',
    '-P1D',
    'P1.5D',
    'PT1.5H30M',
    'P1H',
    'PT1D',
    ' PT2H',
    'PT2H ',
    'P1D2Y',
    'P99999999999999999D',
  ])('rejects %j with duration.invalid', (iso) => {
    expect(codeOf(() => parseDuration(iso))).toBe('duration.invalid');
  });

  it('says what is wrong in Chinese and English', () => {
    try {
      parseDuration('7 days');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GridflowError);
      const err = e as GridflowError;
      expect(err.messages.zh).toContain('"7 days"不是有效的 ISO 8601 时长');
      expect(err.messages.en).toContain('"7 days" is not a valid ISO 8601 duration');
    }
  });

  it('returns a frozen value', () => {
    expect(Object.isFrozen(parseDuration('PT2H'))).toBe(true);
  });
});

describe('durationToMs', () => {
  it('counts fixed units', () => {
    expect(durationToMs('PT2H')).toBe(2 * H);
    expect(durationToMs('P7D')).toBe(7 * 24 * H);
    expect(durationToMs('P1DT4H')).toBe(28 * H);
    expect(durationToMs('P2W')).toBe(14 * 24 * H);
    expect(durationToMs('PT1.5H')).toBe(1.5 * H);
    expect(durationToMs(parseDuration('PT30M'))).toBe(H / 2);
  });

  it('rejects years and months, which have no fixed length', () => {
    expect(codeOf(() => durationToMs('P1M'))).toBe('duration.not_fixed');
    expect(codeOf(() => durationToMs('P1Y'))).toBe('duration.not_fixed');
  });
});

describe('formatDuration', () => {
  it.each([
    ['PT2H', 'zh', 'calendar', '2 小时'],
    ['PT2H', 'en', 'calendar', '2 hours'],
    ['PT1H', 'en', 'working', '1 hour'],
    ['P7D', 'zh', 'calendar', '7 天'],
    ['P7D', 'zh', 'working', '7 个工作日'],
    ['P7D', 'en', 'working', '7 working days'],
    ['P1D', 'en', 'working', '1 working day'],
    ['P1DT4H', 'zh', 'working', '1 个工作日 4 小时'],
    ['P1DT4H', 'en', 'calendar', '1 day 4 hours'],
    ['P2W', 'zh', 'working', '2 个工作周'],
    ['P2W', 'en', 'calendar', '2 weeks'],
    ['P1Y2M', 'zh', 'calendar', '1 年 2 个月'],
    ['PT30M', 'zh', 'calendar', '30 分钟'],
    ['PT1.5H', 'en', 'calendar', '1.5 hours'],
    ['PT0S', 'zh', 'calendar', '0 分钟'],
    ['PT0S', 'en', 'calendar', '0 minutes'],
  ] as const)('%s in %s (%s) → %s', (iso, locale, counting, text) => {
    expect(formatDuration(iso, locale, counting)).toBe(text);
  });

  it('defaults to Chinese and calendar counting', () => {
    expect(formatDuration('P7D')).toBe('7 天');
  });
});
