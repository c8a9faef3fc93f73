import { GridflowError } from '../errors.js';
import { Counting, type CalendarDef } from '../policy/types.js';
import {
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatYmd,
  isoWeekday,
  MS_PER_DAY,
  MS_PER_MINUTE,
  parseHm,
  parseYmd,
} from './civil.js';
import { parseDurationCached, timePartMs, type Duration } from './duration.js';
import { getZone, type Zone } from './timeZone.js';
import { validateCalendar } from './validateCalendar.js';

/**
 * In working counting a `W` is this many working days.
 *
 * @example
 * const cal = createBusinessCalendar(policy.calendar);
 * const start = Date.parse('2026-03-02T09:00:00+08:00');
 * cal.addDuration(start, 'P2W', 'working') === cal.addDuration(start, `P${2 * WORKING_DAYS_PER_WEEK}D`, 'working'); // true
 */
export const WORKING_DAYS_PER_WEEK = 5;

/**
 * Deadlines and elapsed time on a policy's business calendar. All instants are epoch milliseconds; nothing
 * here reads the current time.
 *
 * Counting rules (`'working'`):
 * - hours, minutes and seconds consume working hours only; a due time that lands exactly on the end of a
 *   working period stays there (PT1H from 16:30 is 17:30, not 09:00 next day);
 * - a day (`D`) is one working day: the due time is the same working moment of the n-th next working day
 *   (P1D from Tuesday 10:00 is Wednesday 10:00 when Wednesday is worked). A start outside working time first
 *   moves to the next working period start (P1D from Saturday 10:00 is Tuesday 09:00 when Monday and Tuesday
 *   are worked; from 12:15 in the lunch break it counts from 13:30);
 * - a week (`W`) is {@link WORKING_DAYS_PER_WEEK} working days;
 * - days and weeks are added before hours and minutes (`P1DT2H` = one working day, then two working hours);
 * - years and months are rejected (`duration.unsupported_in_working`).
 *
 * Counting rules (`'calendar'`): years, months, weeks and days are added to the local date in the time zone,
 * keeping the wall-clock time (so P1D across a daylight-saving change is 23 or 25 hours; 31 January + P1M is
 * 28/29 February); hours, minutes and seconds are then added as exact elapsed time.
 */
export interface BusinessCalendar {
  /** A copy of the definition the calendar was made from. */
  readonly def: CalendarDef;
  readonly timeZone: string;
  /**
   * The due time: `iso` counted from `startMs`.
   *
   * @throws GridflowError `duration.invalid` for a malformed duration, `duration.unsupported_in_working` for
   *   years or months in working counting.
   * @example
   * cal.addDuration(Date.parse('2026-09-29T10:00:00+08:00'), 'P1D', 'working'); // Wed 2026-09-30 10:00 +08:00
   */
  addDuration(startMs: number, iso: string, counting: Counting): number;
  /**
   * Counted milliseconds from `startMs` to `endMs`: all of it in calendar counting, only working time in
   * working counting. Negative when `endMs` is before `startMs`.
   *
   * @example
   * cal.elapsed(Date.parse('2026-09-29T11:00:00+08:00'), Date.parse('2026-09-29T14:30:00+08:00'), 'working'); // 2 h in ms
   */
  elapsed(startMs: number, endMs: number, counting: Counting): number;
  /**
   * Whole working days from `startMs` to `endMs`: the largest n such that `addDuration(startMs, 'PnD',
   * 'working') <= endMs`; 0 when `endMs` is not after `startMs`. Use it for "more than 5 working days overdue".
   *
   * @example
   * cal.elapsedWorkingDays(dueMs, nowMs) > policy.timeLimits.publicNoticeAfterWorkingDays;
   */
  elapsedWorkingDays(startMs: number, endMs: number): number;
  /**
   * Calendar days from `startMs` to `endMs` in the calendar's time zone: the difference of the two local
   * wall-clock times, in days (so the same local time three dates later is 3 even across a daylight-saving change,
   * where the elapsed time is 71 or 73 hours). Negative when `endMs` is before `startMs`.
   *
   * @example
   * berlin.calendarDays(Date.parse('2026-03-27T12:00:00+01:00'), Date.parse('2026-03-30T12:00:00+02:00')); // 3
   */
  calendarDays(startMs: number, endMs: number): number;
  /**
   * True when the local date is worked: a make-up working day, or a normal working weekday that is not a
   * holiday.
   *
   * @throws GridflowError `calendar.invalid_date` when `ymd` is not a real `YYYY-MM-DD` date.
   * @example
   * cal.isWorkingDay('2026-10-01'); // false (National Day)
   */
  isWorkingDay(ymd: string): boolean;
  /**
   * True when the instant is inside a working period (start inclusive, end exclusive) of a working day.
   *
   * @example
   * cal.isWorkingTime(Date.parse('2026-09-29T12:30:00+08:00')); // false (lunch break)
   */
  isWorkingTime(ms: number): boolean;
  /**
   * `ms` itself when it is working time, else the start of the next working period.
   *
   * @example
   * cal.nextWorkingTime(Date.parse('2026-09-29T12:30:00+08:00')); // 2026-09-29 13:30 +08:00
   */
  nextWorkingTime(ms: number): number;
  /**
   * The local date of an instant in the calendar's time zone, `YYYY-MM-DD`.
   *
   * @example
   * cal.localDate(Date.parse('2026-09-30T20:00:00Z')); // '2026-10-01' in Asia/Shanghai
   */
  localDate(ms: number): string;
}

/** One local date, with its working periods as instants. Built once per date and cached. */
interface Day {
  readonly dn: number;
  /** First instant of the local date. */
  readonly start: number;
  /** First instant of the next local date. */
  readonly end: number;
  readonly working: boolean;
  /** Working periods as instants, flat `[start0, end0, start1, end1, …]`, sorted, non-empty, disjoint. */
  readonly periods: readonly number[];
  /** Working milliseconds in the day. */
  readonly total: number;
}

/** How far any search may walk (about 270 years), so a broken calendar cannot loop forever. */
const MAX_SCAN_DAYS = 100_000;
const MAX_CACHED_DAYS = 50_000;

/**
 * Creates a {@link BusinessCalendar} from a policy's calendar definition.
 *
 * @throws GridflowError `calendar.invalid` (with the problems in `details`) when {@link validateCalendar}
 *   reports an error.
 * @example
 * const cal = createBusinessCalendar({
 *   timeZone: 'Asia/Shanghai',
 *   workingDays: [1, 2, 3, 4, 5],
 *   workingHours: [{ start: '09:00', end: '12:00' }, { start: '13:30', end: '17:30' }],
 *   holidays: [{ date: '2026-10-01' }],
 *   makeUpWorkdays: [{ date: '2026-10-10' }],
 * });
 * const due = cal.addDuration(Date.parse('2026-09-29T10:00:00+08:00'), 'P7D', 'working');
 */
export function createBusinessCalendar(def: CalendarDef): BusinessCalendar {
  const problems = validateCalendar(def).filter((p) => p.severity === 'error');
  const first = problems[0];
  if (first !== undefined) {
    throw new GridflowError(
      'calendar.invalid',
      {
        zh: `工作日历有误：${first.message.zh}${problems.length > 1 ? `（另有 ${problems.length - 1} 处）` : ''}`,
        en: `Invalid business calendar: ${first.message.en}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      },
      { path: first.path, details: problems },
    );
  }
  return new Calendar(def, getZone(def.timeZone));
}

/** Working periods as minutes after midnight, sorted and merged. */
function periodMinutes(def: CalendarDef): [number, number][] {
  const list = def.workingHours
    .map((p) => [parseHm(p.start) ?? 0, parseHm(p.end) ?? 0] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const p of list) {
    const last = merged[merged.length - 1];
    if (last !== undefined && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
  return merged;
}

function daySet(dates: readonly { date: string }[]): Set<number> {
  const set = new Set<number>();
  for (const { date } of dates) {
    const dn = parseYmd(date);
    if (dn !== undefined) set.add(dn);
  }
  return set;
}

const outOfRange = (): GridflowError =>
  new GridflowError('calendar.out_of_range', {
    zh: '时长超出工作日历可计算的范围',
    en: 'The duration reaches beyond what the business calendar can count',
  });

class Calendar implements BusinessCalendar {
  readonly def: CalendarDef;
  readonly timeZone: string;
  readonly #zone: Zone;
  readonly #weekdays: readonly boolean[];
  readonly #holidays: Set<number>;
  readonly #makeUps: Set<number>;
  readonly #minutes: [number, number][];
  readonly #days = new Map<number, Day>();
  #lastDay: Day | undefined;

  constructor(def: CalendarDef, zone: Zone) {
    // The definition is read once: copy it so later changes to the caller's object cannot disagree with the caches.
    this.def = JSON.parse(JSON.stringify(def)) as CalendarDef;
    this.timeZone = def.timeZone;
    this.#zone = zone;
    const weekdays = new Array<boolean>(8).fill(false);
    for (const d of def.workingDays) weekdays[d] = true;
    this.#weekdays = weekdays;
    this.#holidays = daySet(def.holidays);
    this.#makeUps = daySet(def.makeUpWorkdays);
    this.#minutes = periodMinutes(def);
  }

  #isWorkingDn(dn: number): boolean {
    if (this.#makeUps.has(dn)) return true;
    if (this.#holidays.has(dn)) return false;
    return this.#weekdays[isoWeekday(dn)] === true;
  }

  #day(dn: number): Day {
    let day = this.#days.get(dn);
    if (day !== undefined) return day;
    const zone = this.#zone;
    const base = dn * MS_PER_DAY;
    const start = zone.toInstant(base);
    const end = zone.toInstant(base + MS_PER_DAY);
    const working = this.#isWorkingDn(dn);
    const periods: number[] = [];
    let total = 0;
    if (working) {
      for (const [s, e] of this.#minutes) {
        const from = zone.toInstant(base + s * MS_PER_MINUTE);
        const to = zone.toInstant(base + e * MS_PER_MINUTE);
        if (to > from) {
          periods.push(from, to);
          total += to - from;
        }
      }
    }
    day = { dn, start, end, working: working && total > 0, periods, total };
    if (this.#days.size >= MAX_CACHED_DAYS) this.#days.clear();
    this.#days.set(dn, day);
    return day;
  }

  #dayOf(ms: number): Day {
    const last = this.#lastDay;
    if (last !== undefined && ms >= last.start && ms < last.end) return last;
    let day = this.#day(Math.floor((ms + this.#zone.offsetAt(ms)) / MS_PER_DAY));
    // Around odd transitions (a skipped midnight) the wall-clock date and the day bounds can disagree.
    if (ms < day.start) day = this.#day(day.dn - 1);
    else if (ms >= day.end) day = this.#day(day.dn + 1);
    this.#lastDay = day;
    return day;
  }

  /** The first working day strictly after `day`. */
  #nextWorkingDay(day: Day): Day {
    for (let dn = day.dn + 1, n = 0; n < MAX_SCAN_DAYS; dn++, n++) {
      const next = this.#day(dn);
      if (next.working) return next;
    }
    throw outOfRange();
  }

  /** The working day containing or following `ms`, and the working milliseconds of that day before `ms`. */
  #position(ms: number): { day: Day; offset: number } {
    const day = this.#dayOf(ms);
    if (day.working) {
      const p = day.periods;
      let offset = 0;
      for (let i = 0; i < p.length; i += 2) {
        const s = p[i] as number;
        const e = p[i + 1] as number;
        if (ms < e) return { day, offset: ms > s ? offset + (ms - s) : offset };
        offset += e - s;
      }
    }
    return { day: this.#nextWorkingDay(day), offset: 0 };
  }

  /** The instant at `offset` working milliseconds into a working day; a boundary between periods takes the later. */
  #atOffset(day: Day, offset: number): number {
    const p = day.periods;
    let before = 0;
    for (let i = 0; i < p.length; i += 2) {
      const s = p[i] as number;
      const e = p[i + 1] as number;
      if (offset < before + (e - s)) return s + (offset - before);
      before += e - s;
    }
    return p[p.length - 1] as number;
  }

  #addWorkingDays(startMs: number, days: number): number {
    const position = this.#position(startMs);
    const offset = position.offset;
    let day = position.day;
    for (let k = 0; k < days; k++) day = this.#nextWorkingDay(day);
    return this.#atOffset(day, offset);
  }

  #addWorkingMs(startMs: number, ms: number): number {
    let day = this.#dayOf(startMs);
    let remaining = ms;
    for (let n = 0; n < MAX_SCAN_DAYS; n++) {
      if (day.working) {
        const p = day.periods;
        if (startMs <= (p[0] as number) && remaining > day.total) {
          remaining -= day.total;
        } else {
          for (let i = 0; i < p.length; i += 2) {
            const e = p[i + 1] as number;
            if (e <= startMs) continue;
            const from = Math.max(p[i] as number, startMs);
            const available = e - from;
            if (remaining <= available) return from + remaining;
            remaining -= available;
          }
        }
      }
      day = this.#day(day.dn + 1);
    }
    throw outOfRange();
  }

  #addWorking(startMs: number, d: Duration): number {
    if (d.years !== 0 || d.months !== 0) {
      throw new GridflowError('duration.unsupported_in_working', {
        zh: '按工作日计算的时限不能含年或月，请改用天或周',
        en: 'A working-time limit cannot have years or months; use days or weeks',
      });
    }
    const days = d.weeks * WORKING_DAYS_PER_WEEK + d.days;
    const ms = timePartMs(d);
    let at = startMs;
    if (days > 0) at = this.#addWorkingDays(at, days);
    if (ms > 0) at = this.#addWorkingMs(at, ms);
    return at;
  }

  #addCalendar(startMs: number, d: Duration): number {
    let at = startMs;
    if (d.years !== 0 || d.months !== 0 || d.weeks !== 0 || d.days !== 0) {
      const local = startMs + this.#zone.offsetAt(startMs);
      let dn = Math.floor(local / MS_PER_DAY);
      const timeOfDay = local - dn * MS_PER_DAY;
      if (d.years !== 0 || d.months !== 0) {
        const { year, month, day } = civilFromDays(dn);
        const monthIndex = year * 12 + (month - 1) + d.years * 12 + d.months;
        const y = Math.floor(monthIndex / 12);
        const m = monthIndex - y * 12 + 1;
        dn = daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
      }
      dn += d.weeks * 7 + d.days;
      at = this.#zone.toInstant(dn * MS_PER_DAY + timeOfDay);
    }
    return at + timePartMs(d);
  }

  addDuration(startMs: number, iso: string, counting: Counting): number {
    const d = parseDurationCached(iso);
    return counting === Counting.WORKING ? this.#addWorking(startMs, d) : this.#addCalendar(startMs, d);
  }

  elapsed(startMs: number, endMs: number, counting: Counting): number {
    if (counting !== Counting.WORKING) return endMs - startMs;
    if (endMs < startMs) return -this.#elapsedWorking(endMs, startMs);
    return this.#elapsedWorking(startMs, endMs);
  }

  #elapsedWorking(startMs: number, endMs: number): number {
    if ((endMs - startMs) / MS_PER_DAY > MAX_SCAN_DAYS) throw outOfRange();
    let total = 0;
    let day = this.#dayOf(startMs);
    while (day.start < endMs) {
      if (day.working) {
        const p = day.periods;
        if (startMs <= (p[0] as number) && endMs >= (p[p.length - 1] as number)) {
          total += day.total;
        } else {
          for (let i = 0; i < p.length; i += 2) {
            const from = Math.max(p[i] as number, startMs);
            const to = Math.min(p[i + 1] as number, endMs);
            if (to > from) total += to - from;
          }
        }
      }
      day = this.#day(day.dn + 1);
    }
    return total;
  }

  elapsedWorkingDays(startMs: number, endMs: number): number {
    if (!(endMs > startMs)) return 0;
    const position = this.#position(startMs);
    const offset = position.offset;
    let day = position.day;
    let count = 0;
    for (let n = 0; n < MAX_SCAN_DAYS; n++) {
      day = this.#nextWorkingDay(day);
      if (this.#atOffset(day, offset) > endMs) return count;
      count++;
    }
    throw outOfRange();
  }

  calendarDays(startMs: number, endMs: number): number {
    const local = (ms: number) => ms + this.#zone.offsetAt(ms);
    return (local(endMs) - local(startMs)) / MS_PER_DAY;
  }

  isWorkingDay(ymd: string): boolean {
    const dn = parseYmd(ymd);
    if (dn === undefined) {
      throw new GridflowError(
        'calendar.invalid_date',
        { zh: `"${String(ymd)}"不是有效日期（YYYY-MM-DD）`, en: `"${String(ymd)}" is not a valid date (YYYY-MM-DD)` },
        { details: { value: ymd } },
      );
    }
    return this.#isWorkingDn(dn);
  }

  isWorkingTime(ms: number): boolean {
    const day = this.#dayOf(ms);
    if (!day.working) return false;
    const p = day.periods;
    for (let i = 0; i < p.length; i += 2) {
      if (ms >= (p[i] as number) && ms < (p[i + 1] as number)) return true;
    }
    return false;
  }

  nextWorkingTime(ms: number): number {
    const { day, offset } = this.#position(ms);
    return this.#atOffset(day, offset);
  }

  localDate(ms: number): string {
    return formatYmd(this.#dayOf(ms).dn);
  }
}
