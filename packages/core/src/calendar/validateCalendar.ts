import type { LocalizedText } from '../i18n.js';
import type { CalendarDef } from '../policy/types.js';
import { Severity, toPointer, type Problem } from '../problems.js';
import { formatYmd, isoWeekday, parseHm, parseYmd } from './civil.js';
import { isKnownTimeZone } from './timeZone.js';

const WEEKDAY_NAMES: readonly LocalizedText[] = [
  { zh: '', en: '' },
  { zh: '周一', en: 'Monday' },
  { zh: '周二', en: 'Tuesday' },
  { zh: '周三', en: 'Wednesday' },
  { zh: '周四', en: 'Thursday' },
  { zh: '周五', en: 'Friday' },
  { zh: '周六', en: 'Saturday' },
  { zh: '周日', en: 'Sunday' },
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a business calendar definition and returns every problem found, each with a stable code, Chinese and
 * English words, and the exact JSON Pointer under `basePath`. Errors make {@link createBusinessCalendar}
 * refuse the calendar; warnings point at entries that are allowed but probably not meant.
 *
 * Codes (severity): `calendar.invalid_shape` (error: a field has the wrong type), `calendar.unknown_time_zone`
 * (error), `calendar.working_day_out_of_range` (error: not an integer 1–7), `calendar.duplicate_working_day`
 * (warning), `calendar.no_working_days` (error), `calendar.no_working_hours` (error), `calendar.invalid_time`
 * (error: not `HH:MM`; `24:00` is allowed as an end), `calendar.hours_inverted` (error: start not before end),
 * `calendar.hours_overlap` (error: reported on the later period of the list; touching periods are fine),
 * `calendar.invalid_date` (error: not a real `YYYY-MM-DD` date), `calendar.duplicate_date` (warning: reported
 * on the repeat), `calendar.holiday_on_non_working_day` (warning), `calendar.holiday_and_makeup` (error:
 * reported on the make-up day), `calendar.makeup_on_workday` (warning).
 *
 * @example
 * validateCalendar({ ...policy.calendar, holidays: [{ date: '2026-02-30' }] });
 * // [{ code: 'calendar.invalid_date', severity: 'error', path: '/calendar/holidays/0/date', message: { zh: '"2026-02-30"不是有效日期…', en: '"2026-02-30" is not a valid date (YYYY-MM-DD)' } }]
 */
export function validateCalendar(def: CalendarDef, basePath = '/calendar'): Problem[] {
  const problems: Problem[] = [];
  const at = (...segments: (string | number)[]): string => basePath + toPointer(segments);
  const add = (code: string, severity: Severity, path: string, message: LocalizedText): void => {
    problems.push({ code, severity, message, path });
  };
  const shape = (path: string, what: LocalizedText): void =>
    add('calendar.invalid_shape', Severity.ERROR, path, {
      zh: `应为${what.zh}`,
      en: `Expected ${what.en}`,
    });

  const input: unknown = def;
  if (!isRecord(input)) {
    shape(basePath, { zh: '工作日历对象', en: 'a business calendar object' });
    return problems;
  }

  // Time zone
  if (!isKnownTimeZone(input.timeZone)) {
    const tz = String(input.timeZone);
    add('calendar.unknown_time_zone', Severity.ERROR, at('timeZone'), {
      zh: `未知的时区"${tz}"，应为 IANA 时区名，例如 Asia/Shanghai`,
      en: `Unknown time zone "${tz}"; use an IANA name such as Asia/Shanghai`,
    });
  }

  // Working days
  const weekdays = new Set<number>();
  if (!Array.isArray(input.workingDays)) {
    shape(at('workingDays'), {
      zh: '星期数组（1=周一 … 7=周日）',
      en: 'an array of ISO weekdays (1 = Monday … 7 = Sunday)',
    });
  } else {
    input.workingDays.forEach((d: unknown, i) => {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7) {
        add('calendar.working_day_out_of_range', Severity.ERROR, at('workingDays', i), {
          zh: `工作日"${String(d)}"无效，应为 1（周一）到 7（周日）`,
          en: `Working day "${String(d)}" is invalid; use 1 (Monday) to 7 (Sunday)`,
        });
      } else if (weekdays.has(d)) {
        add('calendar.duplicate_working_day', Severity.WARNING, at('workingDays', i), {
          zh: `${WEEKDAY_NAMES[d]?.zh ?? ''}重复列出`,
          en: `${WEEKDAY_NAMES[d]?.en ?? ''} is listed twice`,
        });
      } else {
        weekdays.add(d);
      }
    });
    if (weekdays.size === 0) {
      add('calendar.no_working_days', Severity.ERROR, at('workingDays'), {
        zh: '没有任何工作日，按工作日计算的时限将无法到期',
        en: 'No working days: limits counted in working time would never fall due',
      });
    }
  }

  // Working hours
  if (!Array.isArray(input.workingHours)) {
    shape(at('workingHours'), { zh: '工作时段数组', en: 'an array of working periods' });
  } else {
    const valid: { index: number; start: number; end: number }[] = [];
    input.workingHours.forEach((p: unknown, i) => {
      if (!isRecord(p)) {
        shape(at('workingHours', i), { zh: '{ start, end } 时段', en: 'a { start, end } period' });
        return;
      }
      const start = parseHm(p.start);
      const end = parseHm(p.end);
      for (const [key, value] of [
        ['start', start],
        ['end', end],
      ] as const) {
        if (value === undefined || (key === 'start' && value === 24 * 60)) {
          add('calendar.invalid_time', Severity.ERROR, at('workingHours', i, key), {
            zh: `时间"${String(p[key])}"无效，应为 HH:MM（00:00–23:59，结束可为 24:00）`,
            en: `Time "${String(p[key])}" is invalid; use HH:MM (00:00–23:59, or 24:00 as an end)`,
          });
        }
      }
      if (start === undefined || end === undefined || start === 24 * 60) return;
      if (start >= end) {
        add('calendar.hours_inverted', Severity.ERROR, at('workingHours', i), {
          zh: `时段 ${String(p.start)}–${String(p.end)} 的开始时间不早于结束时间`,
          en: `Period ${String(p.start)}–${String(p.end)} does not start before it ends`,
        });
        return;
      }
      const clash = valid.find((q) => start < q.end && q.start < end);
      if (clash !== undefined) {
        add('calendar.hours_overlap', Severity.ERROR, at('workingHours', i), {
          zh: `时段 ${String(p.start)}–${String(p.end)} 与第 ${clash.index + 1} 个时段重叠`,
          en: `Period ${String(p.start)}–${String(p.end)} overlaps period ${clash.index + 1}`,
        });
      }
      valid.push({ index: i, start, end });
    });
    if (input.workingHours.length === 0) {
      add('calendar.no_working_hours', Severity.ERROR, at('workingHours'), {
        zh: '没有任何工作时段',
        en: 'No working hours',
      });
    }
  }

  // Dates
  const dates = (key: 'holidays' | 'makeUpWorkdays'): Map<number, number> => {
    const seen = new Map<number, number>();
    const list = input[key];
    if (!Array.isArray(list)) {
      shape(at(key), { zh: '日期数组', en: 'an array of dates' });
      return seen;
    }
    list.forEach((item: unknown, i) => {
      if (!isRecord(item)) {
        shape(at(key, i), { zh: '{ date } 对象', en: 'a { date } object' });
        return;
      }
      const dn = parseYmd(item.date);
      if (dn === undefined) {
        add('calendar.invalid_date', Severity.ERROR, at(key, i, 'date'), {
          zh: `"${String(item.date)}"不是有效日期（YYYY-MM-DD）`,
          en: `"${String(item.date)}" is not a valid date (YYYY-MM-DD)`,
        });
      } else if (seen.has(dn)) {
        add('calendar.duplicate_date', Severity.WARNING, at(key, i, 'date'), {
          zh: `${formatYmd(dn)} 重复列出`,
          en: `${formatYmd(dn)} is listed twice`,
        });
      } else {
        seen.set(dn, i);
      }
    });
    return seen;
  };
  const holidays = dates('holidays');
  const makeUps = dates('makeUpWorkdays');
  const checkWeekdays = weekdays.size > 0;

  for (const [dn, i] of holidays) {
    const wd = isoWeekday(dn);
    if (checkWeekdays && !weekdays.has(wd) && !makeUps.has(dn)) {
      add('calendar.holiday_on_non_working_day', Severity.WARNING, at('holidays', i, 'date'), {
        zh: `节假日 ${formatYmd(dn)} 是${WEEKDAY_NAMES[wd]?.zh ?? ''}，本就不是工作日`,
        en: `Holiday ${formatYmd(dn)} is a ${WEEKDAY_NAMES[wd]?.en ?? ''}, which is not a working day anyway`,
      });
    }
  }
  for (const [dn, i] of makeUps) {
    const wd = isoWeekday(dn);
    if (holidays.has(dn)) {
      add('calendar.holiday_and_makeup', Severity.ERROR, at('makeUpWorkdays', i, 'date'), {
        zh: `${formatYmd(dn)} 同时是节假日和调休上班日`,
        en: `${formatYmd(dn)} is both a holiday and a make-up working day`,
      });
    } else if (checkWeekdays && weekdays.has(wd)) {
      add('calendar.makeup_on_workday', Severity.WARNING, at('makeUpWorkdays', i, 'date'), {
        zh: `调休上班日 ${formatYmd(dn)} 是${WEEKDAY_NAMES[wd]?.zh ?? ''}，本就是工作日`,
        en: `Make-up working day ${formatYmd(dn)} is a ${WEEKDAY_NAMES[wd]?.en ?? ''}, already a working day`,
      });
    }
  }
  return problems;
}
