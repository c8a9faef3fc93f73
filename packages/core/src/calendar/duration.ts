import { GridflowError } from '../errors.js';
import { Locale } from '../i18n.js';
import { Counting } from '../policy/types.js';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND } from './civil.js';

/**
 * An ISO 8601 duration split into its components. Every component is present (0 when absent from the
 * text) and non-negative. Only the last component given may have a fraction, and only hours, minutes or
 * seconds may (`PT1.5H` is allowed, `P1.5D` is not: days are counted whole).
 *
 * @example
 * const d: Duration = parseDuration('P1DT4H');
 * d.days; // 1
 */
export interface Duration {
  readonly years: number;
  readonly months: number;
  readonly weeks: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

const DURATION =
  /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

const invalid = (iso: unknown, why?: { zh: string; en: string }): GridflowError => {
  const text = typeof iso === 'string' ? iso : String(iso);
  return new GridflowError(
    'duration.invalid',
    {
      zh: `"${text}"不是有效的 ISO 8601 时长（例如 PT2H、P7D、P1DT4H）${why === undefined ? '' : '：' + why.zh}`,
      en: `"${text}" is not a valid ISO 8601 duration (e.g. PT2H, P7D, P1DT4H)${why === undefined ? '' : ': ' + why.en}`,
    },
    { details: { value: iso } },
  );
};

/**
 * Parses an ISO 8601 duration: `P[nY][nM][nW][nD][T[nH][nM][nS]]`, upper case, no sign. Weeks may be
 * combined with other components (as in ISO 8601-2 and Temporal).
 *
 * @throws GridflowError `duration.invalid` for anything else (empty `P`/`PT`, lower case, negative, a
 *   fraction on days, a fraction not on the last component, a component too large to count exactly).
 * @example
 * parseDuration('P1DT4H'); // { years: 0, months: 0, weeks: 0, days: 1, hours: 4, minutes: 0, seconds: 0 }
 * parseDuration('PT1.5H').hours; // 1.5
 */
export function parseDuration(iso: string): Duration {
  const m = typeof iso === 'string' ? DURATION.exec(iso) : null;
  if (m === null) throw invalid(iso);
  const raw = m.slice(1, 8);
  let lastGiven = -1;
  raw.forEach((part, i) => {
    if (part !== undefined) lastGiven = i;
  });
  const values = raw.map((part, i) => {
    if (part === undefined) return 0;
    const fractional = /[.,]/.test(part);
    if (fractional && i !== lastGiven) {
      throw invalid(iso, { zh: '只有最后一项可以带小数', en: 'only the last component may have a fraction' });
    }
    const value = Number(part.replace(',', '.'));
    if (!fractional && !Number.isSafeInteger(value)) {
      throw invalid(iso, { zh: '数值过大', en: 'a component is too large' });
    }
    return value;
  });
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0] = values;
  return Object.freeze({ years, months, weeks, days, hours, minutes, seconds });
}

const cache = new Map<string, Duration>();

/** {@link parseDuration} with a bounded cache, for hot paths that see the same few policy durations. */
export function parseDurationCached(iso: string): Duration {
  let d = cache.get(iso);
  if (d === undefined) {
    d = parseDuration(iso);
    if (cache.size >= 1_000) cache.clear();
    cache.set(iso, d);
  }
  return d;
}

/** The time part (hours, minutes, seconds) in milliseconds, rounded to a whole millisecond. */
export function timePartMs(d: Duration): number {
  return Math.round(d.hours * MS_PER_HOUR + d.minutes * MS_PER_MINUTE + d.seconds * MS_PER_SECOND);
}

/**
 * The fixed length of a duration in milliseconds, counting a day as 24 hours and a week as 7 days. Years and
 * months have no fixed length, so they are rejected: to add `P1M` or to count days across a daylight-saving
 * change, use {@link BusinessCalendar.addDuration} with `'calendar'` counting, which does month and day
 * arithmetic in the calendar's time zone.
 *
 * @throws GridflowError `duration.not_fixed` when the duration has years or months; `duration.invalid` when
 *   the text does not parse.
 * @example
 * durationToMs('PT2H'); // 7_200_000
 * durationToMs('P1DT4H'); // 100_800_000
 */
export function durationToMs(d: Duration | string): number {
  const dur = typeof d === 'string' ? parseDurationCached(d) : d;
  if (dur.years !== 0 || dur.months !== 0) {
    throw new GridflowError(
      'duration.not_fixed',
      {
        zh: '含年或月的时长没有固定长度，请按日历在时区内计算',
        en: 'A duration with years or months has no fixed length; add it on a calendar in its time zone',
      },
      { details: { duration: dur } },
    );
  }
  return (dur.weeks * 7 + dur.days) * MS_PER_DAY + timePartMs(dur);
}

interface UnitWords {
  zh: string;
  zhWorking?: string;
  en: [singular: string, plural: string];
  enWorking?: [singular: string, plural: string];
}

const UNITS: readonly [keyof Duration, UnitWords][] = [
  ['years', { zh: '年', en: ['year', 'years'] }],
  ['months', { zh: '个月', en: ['month', 'months'] }],
  ['weeks', { zh: '周', zhWorking: '个工作周', en: ['week', 'weeks'], enWorking: ['working week', 'working weeks'] }],
  ['days', { zh: '天', zhWorking: '个工作日', en: ['day', 'days'], enWorking: ['working day', 'working days'] }],
  ['hours', { zh: '小时', en: ['hour', 'hours'] }],
  ['minutes', { zh: '分钟', en: ['minute', 'minutes'] }],
  ['seconds', { zh: '秒', en: ['second', 'seconds'] }],
];

/**
 * Says a duration in words, for policy staff and residents. In working counting, days and weeks are said as
 * working days and working weeks (a working week is 5 working days); hours and minutes read the same in
 * both countings.
 *
 * @example
 * formatDuration('PT2H', 'zh'); // '2 小时'
 * formatDuration('P7D', 'en', 'working'); // '7 working days'
 * formatDuration('P1DT4H', 'zh', 'working'); // '1 个工作日 4 小时'
 */
export function formatDuration(
  d: Duration | string,
  locale: Locale = Locale.ZH,
  counting: Counting = Counting.CALENDAR,
): string {
  const dur = typeof d === 'string' ? parseDurationCached(d) : d;
  const working = counting === Counting.WORKING;
  const parts: string[] = [];
  for (const [key, words] of UNITS) {
    const n = dur[key];
    if (n === 0) continue;
    if (locale === Locale.EN) {
      const [one, many] = (working ? words.enWorking : undefined) ?? words.en;
      parts.push(`${n} ${n === 1 ? one : many}`);
    } else {
      parts.push(`${n} ${(working ? words.zhWorking : undefined) ?? words.zh}`);
    }
  }
  if (parts.length === 0) return locale === Locale.EN ? '0 minutes' : '0 分钟';
  return parts.join(' ');
}
