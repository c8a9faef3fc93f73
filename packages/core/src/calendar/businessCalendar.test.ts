import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GridflowError } from '../errors.js';
import type { CalendarDef } from '../policy/types.js';
import { createBusinessCalendar } from './businessCalendar.js';

const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;

/**
 * Beijing office hours with the 2026 Mid-Autumn and National Day holidays as this test decides them:
 * 25 Sep (Fri) and 1–7 Oct are holidays; Sun 20 Sep and Sat 10 Oct are make-up working days (调休).
 * A working day is 09:00–12:00 + 13:30–17:30 = 7 hours.
 */
const shanghai: CalendarDef = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [
    { date: '2026-09-25', name: { zh: '中秋节', en: 'Mid-Autumn Festival' } },
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => ({
      date: `2026-10-${d}`,
      name: { zh: '国庆节', en: 'National Day' },
    })),
  ],
  makeUpWorkdays: [{ date: '2026-09-20' }, { date: '2026-10-10' }],
};
const WORKING_DAY = 7 * H;

const cal = createBusinessCalendar(shanghai);
/** An instant from a Beijing wall-clock time. */
const bj = (local: string): number => Date.parse(`${local}+08:00`);
/** Beijing wall-clock text of an instant, for readable failures. */
const toBj = (ms: number): string => new Date(ms + 8 * H).toISOString().slice(0, 16).replace('T', ' ');

describe('addDuration — working counting, Asia/Shanghai 2026', () => {
  it.each([
    // P1D keeps the clock time on the next working day.
    ['2026-09-29T10:00', 'P1D', '2026-09-30 10:00'],
    // P7D across National Day (1–7 Oct), the make-up Saturday 10 Oct (counts) and Sunday 11 Oct (does not).
    ['2026-09-29T10:00', 'P7D', '2026-10-14 10:00'],
    // P7D across the make-up Sunday 20 Sep (counts), Mid-Autumn Friday 25 Sep and a weekend.
    ['2026-09-18T15:00', 'P7D', '2026-09-29 15:00'],
    // P7D across an ordinary weekend.
    ['2026-09-02T10:00', 'P7D', '2026-09-11 10:00'],
    // A week is five working days.
    ['2026-09-01T10:00', 'P2W', '2026-09-15 10:00'],
    // Complex matters: 15 working days across the holiday.
    ['2026-09-29T09:00', 'P15D', '2026-10-26 09:00'],
    // From a holiday Saturday: counting starts at the next working period start (Thu 8 Oct 09:00).
    ['2026-10-03T10:00', 'P1D', '2026-10-09 09:00'],
    // From the lunch break: counting starts at 13:30.
    ['2026-09-29T12:15', 'P1D', '2026-09-30 13:30'],
    // From exactly the end of the day: that is after hours.
    ['2026-09-29T17:30', 'P1D', '2026-10-08 09:00'],
    // PT2H across the lunch break.
    ['2026-09-29T11:00', 'PT2H', '2026-09-29 14:30'],
    // PT2H across the evening.
    ['2026-09-29T16:30', 'PT2H', '2026-09-30 10:00'],
    // PT2H across the evening and the whole National Day holiday.
    ['2026-09-30T16:30', 'PT2H', '2026-10-08 10:00'],
    // A due time that lands on the end of a period stays there.
    ['2026-09-29T16:30', 'PT1H', '2026-09-29 17:30'],
    ['2026-09-29T11:00', 'PT1H', '2026-09-29 12:00'],
    // From the lunch break and from the night.
    ['2026-09-29T12:15', 'PT2H', '2026-09-29 15:30'],
    ['2026-09-29T22:00', 'PT30M', '2026-09-30 09:30'],
    // Days first, then hours.
    ['2026-09-29T16:00', 'P1DT2H', '2026-10-08 09:30'],
    // 24 working hours = 3 days and 3 hours of work.
    ['2026-09-29T09:00', 'PT24H', '2026-10-09 12:00'],
    // Zero stays put.
    ['2026-10-03T10:00', 'PT0S', '2026-10-03 10:00'],
  ])('%s + %s = %s', (start, iso, due) => {
    expect(toBj(cal.addDuration(bj(start), iso, 'working'))).toBe(due);
  });

  it('rejects years and months', () => {
    expect(() => cal.addDuration(bj('2026-09-29T10:00'), 'P1M', 'working')).toThrowError(
      expect.objectContaining({ code: 'duration.unsupported_in_working' }),
    );
  });

  it('rejects malformed durations', () => {
    expect(() => cal.addDuration(bj('2026-09-29T10:00'), '2 hours', 'working')).toThrowError(
      expect.objectContaining({ code: 'duration.invalid' }),
    );
  });

  it('counts very long durations without walking minute by minute', () => {
    const start = bj('2026-01-05T09:00');
    const t0 = performance.now();
    const due = cal.addDuration(start, 'P1000D', 'working');
    const hours = cal.addDuration(start, 'PT7000H', 'working');
    expect(performance.now() - t0).toBeLessThan(1500); // cold caches included; a minute-by-minute walk takes far longer
    expect(due).toBe(hours + 15.5 * H); // the end of a day (17:30) vs the next morning (09:00)
  });
});

describe('addDuration — calendar counting', () => {
  it.each([
    ['2026-09-29T11:00', 'PT2H', '2026-09-29 13:00'],
    ['2026-09-29T16:30', 'PT2H', '2026-09-29 18:30'],
    ['2026-09-29T10:00', 'P7D', '2026-10-06 10:00'],
    ['2026-09-29T10:00', 'P1DT4H', '2026-09-30 14:00'],
    ['2026-01-31T10:00', 'P1M', '2026-02-28 10:00'],
    ['2028-01-31T10:00', 'P1M', '2028-02-29 10:00'],
    ['2026-09-29T10:00', 'P1Y2M', '2027-11-29 10:00'],
    ['2026-09-29T23:30', 'PT1H', '2026-09-30 00:30'],
  ])('%s + %s = %s', (start, iso, due) => {
    expect(toBj(cal.addDuration(bj(start), iso, 'calendar'))).toBe(due);
  });
});

describe('elapsed and elapsedWorkingDays', () => {
  it('counts only working time in working counting', () => {
    expect(cal.elapsed(bj('2026-09-29T11:00'), bj('2026-09-29T14:30'), 'working')).toBe(2 * H);
    expect(cal.elapsed(bj('2026-09-30T16:30'), bj('2026-10-08T10:00'), 'working')).toBe(2 * H);
    expect(cal.elapsed(bj('2026-10-01T00:00'), bj('2026-10-08T00:00'), 'working')).toBe(0);
    expect(cal.elapsed(bj('2026-09-29T10:00'), bj('2026-10-14T10:00'), 'working')).toBe(7 * WORKING_DAY);
    expect(cal.elapsed(bj('2026-09-29T14:30'), bj('2026-09-29T11:00'), 'working')).toBe(-2 * H);
  });

  it('counts all time in calendar counting', () => {
    expect(cal.elapsed(bj('2026-09-29T11:00'), bj('2026-09-29T14:30'), 'calendar')).toBe(3.5 * H);
  });

  it('counts whole working days, e.g. for "more than 5 working days overdue"', () => {
    const due = bj('2026-09-29T10:00');
    expect(cal.elapsedWorkingDays(due, bj('2026-09-29T09:00'))).toBe(0);
    expect(cal.elapsedWorkingDays(due, bj('2026-09-30T09:59'))).toBe(0);
    expect(cal.elapsedWorkingDays(due, bj('2026-09-30T10:00'))).toBe(1);
    expect(cal.elapsedWorkingDays(due, bj('2026-10-08T09:59'))).toBe(1);
    expect(cal.elapsedWorkingDays(due, bj('2026-10-08T10:00'))).toBe(2);
    expect(cal.elapsedWorkingDays(due, bj('2026-10-14T10:00'))).toBe(7);
  });
});

describe('days and instants', () => {
  it('knows working days, holidays and make-up days', () => {
    expect(cal.isWorkingDay('2026-09-29')).toBe(true);
    expect(cal.isWorkingDay('2026-10-01')).toBe(false);
    expect(cal.isWorkingDay('2026-10-03')).toBe(false);
    expect(cal.isWorkingDay('2026-10-10')).toBe(true);
    expect(cal.isWorkingDay('2026-10-11')).toBe(false);
    expect(cal.isWorkingDay('2026-09-20')).toBe(true);
    expect(cal.isWorkingDay('2026-09-25')).toBe(false);
    expect(() => cal.isWorkingDay('2026-02-30')).toThrowError(
      expect.objectContaining({ code: 'calendar.invalid_date' }),
    );
  });

  it('knows working time (start inclusive, end exclusive)', () => {
    expect(cal.isWorkingTime(bj('2026-09-29T09:00'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-09-29T08:59:59.999'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-09-29T12:30'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-09-29T17:29:59.999'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-09-29T17:30'))).toBe(false);
    expect(cal.isWorkingTime(bj('2026-10-10T10:00'))).toBe(true);
    expect(cal.isWorkingTime(bj('2026-10-02T10:00'))).toBe(false);
  });

  it('finds the next working time', () => {
    expect(toBj(cal.nextWorkingTime(bj('2026-09-29T10:17')))).toBe('2026-09-29 10:17');
    expect(toBj(cal.nextWorkingTime(bj('2026-09-29T12:30')))).toBe('2026-09-29 13:30');
    expect(toBj(cal.nextWorkingTime(bj('2026-09-29T17:30')))).toBe('2026-09-30 09:00');
    expect(toBj(cal.nextWorkingTime(bj('2026-09-30T18:00')))).toBe('2026-10-08 09:00');
    expect(toBj(cal.nextWorkingTime(bj('2026-10-09T20:00')))).toBe('2026-10-10 09:00');
  });

  it('gives the local date in the time zone', () => {
    expect(cal.localDate(Date.parse('2026-09-30T15:59:59.999Z'))).toBe('2026-09-30');
    expect(cal.localDate(Date.parse('2026-09-30T16:00:00Z'))).toBe('2026-10-01');
  });
});

describe('daylight saving time', () => {
  const newYork = createBusinessCalendar({
    timeZone: 'America/New_York',
    workingDays: [1, 2, 3, 4, 5],
    workingHours: [{ start: '09:00', end: '17:00' }],
    holidays: [],
    makeUpWorkdays: [],
  });
  const berlin = createBusinessCalendar({ ...shanghai, timeZone: 'Europe/Berlin', holidays: [], makeUpWorkdays: [] });
  const iso = (ms: number): string => new Date(ms).toISOString();

  it('counts a calendar day as the same wall-clock time on the next local date', () => {
    // Spring forward on Sun 8 Mar 2026: that day has 23 hours.
    expect(iso(newYork.addDuration(Date.parse('2026-03-07T12:00:00-05:00'), 'P1D', 'calendar'))).toBe(
      '2026-03-08T16:00:00.000Z',
    );
    expect(iso(newYork.addDuration(Date.parse('2026-03-07T12:00:00-05:00'), 'PT24H', 'calendar'))).toBe(
      '2026-03-08T17:00:00.000Z',
    );
    // Fall back on Sun 1 Nov 2026: that day has 25 hours.
    expect(iso(newYork.addDuration(Date.parse('2026-10-31T12:00:00-04:00'), 'P1D', 'calendar'))).toBe(
      '2026-11-01T17:00:00.000Z',
    );
    // Europe/Berlin springs forward on Sun 29 Mar 2026.
    expect(iso(berlin.addDuration(Date.parse('2026-03-28T10:00:00+01:00'), 'P1D', 'calendar'))).toBe(
      '2026-03-29T08:00:00.000Z',
    );
    expect(iso(berlin.addDuration(Date.parse('2026-03-28T10:00:00+01:00'), 'P1W', 'calendar'))).toBe(
      '2026-04-04T08:00:00.000Z',
    );
  });

  it('counts calendar days as local wall-clock days, not 24-hour days', () => {
    const fri = Date.parse('2026-03-27T12:00:00+01:00');
    const mon = Date.parse('2026-03-30T12:00:00+02:00');
    expect((mon - fri) / 86_400_000).toBeCloseTo(71 / 24);
    expect(berlin.calendarDays(fri, mon)).toBe(3);
    expect(berlin.calendarDays(mon, fri)).toBe(-3);
    expect(berlin.calendarDays(fri, Date.parse('2026-03-28T00:00:00+01:00'))).toBe(0.5);
    expect(cal.calendarDays(fri, mon)).toBeCloseTo(71 / 24);
  });

  it('resolves skipped and repeated wall-clock times like Temporal "compatible"', () => {
    // 02:30 does not exist on 8 Mar: move forward by the gap, to 03:30 EDT.
    expect(iso(newYork.addDuration(Date.parse('2026-03-07T02:30:00-05:00'), 'P1D', 'calendar'))).toBe(
      '2026-03-08T07:30:00.000Z',
    );
    // 01:30 happens twice on 1 Nov: take the earlier (EDT).
    expect(iso(newYork.addDuration(Date.parse('2026-10-31T01:30:00-04:00'), 'P1D', 'calendar'))).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('counts working time across a DST weekend', () => {
    expect(iso(newYork.addDuration(Date.parse('2026-03-06T10:00:00-05:00'), 'P1D', 'working'))).toBe(
      '2026-03-09T14:00:00.000Z',
    );
    expect(iso(newYork.addDuration(Date.parse('2026-03-06T13:00:00-05:00'), 'PT8H', 'working'))).toBe(
      '2026-03-09T17:00:00.000Z',
    );
    expect(newYork.localDate(Date.parse('2026-03-08T04:59:59Z'))).toBe('2026-03-07');
    expect(newYork.localDate(Date.parse('2026-03-08T05:00:00Z'))).toBe('2026-03-08');
    expect(newYork.localDate(Date.parse('2026-11-02T04:59:59Z'))).toBe('2026-11-01');
    expect(newYork.localDate(Date.parse('2026-11-02T05:00:00Z'))).toBe('2026-11-02');
    expect(newYork.isWorkingTime(Date.parse('2026-03-09T13:00:00Z'))).toBe(true); // 09:00 EDT
    expect(newYork.isWorkingTime(Date.parse('2026-03-09T12:59:59Z'))).toBe(false);
  });
});

describe('properties (Asia/Shanghai 2026)', () => {
  const start2026 = bj('2026-01-01T00:00');
  const anyInstant = fc.integer({ min: start2026, max: start2026 + 365 * DAY });
  const anyWorkingDuration = fc.record({
    days: fc.integer({ min: 0, max: 30 }),
    hours: fc.integer({ min: 0, max: 60 }),
    minutes: fc.integer({ min: 0, max: 59 }),
    seconds: fc.integer({ min: 0, max: 59 }),
  });
  const iso = (d: { days: number; hours: number; minutes: number; seconds: number }): string =>
    `P${d.days}DT${d.hours}H${d.minutes}M${d.seconds}S`;
  const workingMs = (d: { days: number; hours: number; minutes: number; seconds: number }): number =>
    d.days * WORKING_DAY + d.hours * H + d.minutes * MIN + d.seconds * 1000;

  it('elapsed() is the inverse of addDuration() from working time', () => {
    fc.assert(
      fc.property(anyInstant, anyWorkingDuration, (t, d) => {
        const start = cal.nextWorkingTime(t);
        expect(cal.isWorkingTime(start)).toBe(true);
        const due = cal.addDuration(start, iso(d), 'working');
        expect(cal.elapsed(start, due, 'working')).toBe(workingMs(d));
      }),
      { numRuns: 500 },
    );
  });

  it('elapsed() is the inverse of addDuration() from any instant', () => {
    fc.assert(
      fc.property(anyInstant, anyWorkingDuration, (start, d) => {
        expect(cal.elapsed(start, cal.addDuration(start, iso(d), 'working'), 'working')).toBe(workingMs(d));
      }),
      { numRuns: 500 },
    );
  });

  it('elapsedWorkingDays() counts the days addDuration() added', () => {
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: 0, max: 40 }), (start, n) => {
        const due = cal.addDuration(start, `P${n}D`, 'working');
        expect(cal.elapsedWorkingDays(start, due)).toBe(n);
        expect(cal.elapsedWorkingDays(start, due - 1)).toBe(Math.max(0, n - 1));
      }),
      { numRuns: 300 },
    );
  });

  it('PTnM agrees with a minute-by-minute reference', () => {
    // Independent oracle: Beijing is UTC+8 all year, so working minutes follow from wall-clock arithmetic.
    const holidays = new Set(shanghai.holidays.map((h) => h.date));
    const makeUps = new Set(shanghai.makeUpWorkdays.map((h) => h.date));
    const isWorkingMinute = (ms: number): boolean => {
      const local = new Date(ms + 8 * H);
      const ymd = local.toISOString().slice(0, 10);
      const weekday = local.getUTCDay();
      const dayOk = makeUps.has(ymd) || (!holidays.has(ymd) && weekday >= 1 && weekday <= 5);
      const m = local.getUTCHours() * 60 + local.getUTCMinutes();
      return dayOk && ((m >= 540 && m < 720) || (m >= 810 && m < 1050));
    };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 24 * 60 }), fc.integer({ min: 1, max: 2000 }), (startMin, n) => {
        const start = start2026 + startMin * MIN;
        let t = start;
        let left = n;
        for (;;) {
          if (isWorkingMinute(t)) left--;
          t += MIN;
          if (left === 0) break;
        }
        expect(toBj(cal.addDuration(start, `PT${n}M`, 'working'))).toBe(toBj(t));
      }),
      { numRuns: 120 },
    );
  });

  it('addDuration() never goes backwards as the duration grows', () => {
    fc.assert(
      fc.property(anyInstant, fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 2000 }), (start, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(cal.addDuration(start, `PT${lo}M`, 'working')).toBeLessThanOrEqual(
          cal.addDuration(start, `PT${hi}M`, 'working'),
        );
      }),
    );
  });
});

describe('createBusinessCalendar', () => {
  it('refuses an invalid definition with the problems attached', () => {
    try {
      createBusinessCalendar({ ...shanghai, timeZone: 'Mars/Olympus', workingDays: [] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GridflowError);
      const err = e as GridflowError;
      expect(err.code).toBe('calendar.invalid');
      expect(err.path).toBe('/calendar/timeZone');
      expect((err.details as { code: string }[]).map((p) => p.code)).toEqual([
        'calendar.unknown_time_zone',
        'calendar.no_working_days',
      ]);
    }
  });

  it('accepts a definition that only has warnings', () => {
    expect(() => createBusinessCalendar({ ...shanghai, makeUpWorkdays: [{ date: '2026-10-09' }] })).not.toThrow();
  });

  it('is fast enough for 10,000 deadlines a second', () => {
    const base = bj('2026-09-01T08:00');
    const n = 20_000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) cal.addDuration(base + (i % 5000) * 7 * MIN, 'P7D', 'working');
    const perCall = ((performance.now() - t0) * 1000) / n;
    expect(perCall).toBeLessThan(50); // µs; the bench suite measures properly
  });
});

describe('time zones against Intl (an independent oracle)', () => {
  const zones = [
    'Asia/Shanghai',
    'America/New_York',
    'Europe/Berlin',
    'America/St_Johns', // UTC−3:30, transitions at half past the UTC hour
    'Australia/Lord_Howe', // a 30-minute DST shift
    'Asia/Kathmandu', // UTC+5:45
    'Pacific/Apia', // skipped a whole date (2011-12-30)
  ];
  const calendars = zones.map((timeZone) =>
    createBusinessCalendar({
      timeZone,
      workingDays: [1, 2, 3, 4, 5],
      workingHours: [{ start: '09:00', end: '17:00' }],
      holidays: [],
      makeUpWorkdays: [],
    }),
  );
  const formatters = new Map(
    zones.map((timeZone) => [
      timeZone,
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
      }),
    ]),
  );
  const wall = (timeZone: string, ms: number) => {
    const parts = Object.fromEntries(
      formatters
        .get(timeZone)!
        .formatToParts(ms)
        .map((p) => [p.type, p.value]),
    );
    return {
      ymd: `${parts.year}-${parts.month}-${parts.day}`,
      minutes: Number(parts.hour) * 60 + Number(parts.minute),
      weekend: parts.weekday === 'Sat' || parts.weekday === 'Sun',
    };
  };

  it('agrees on local dates and working time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: zones.length - 1 }),
        fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }),
        (z, ms) => {
          const c = calendars[z]!;
          const w = wall(zones[z]!, ms);
          expect(c.localDate(ms)).toBe(w.ymd);
          expect(c.isWorkingTime(ms)).toBe(!w.weekend && w.minutes >= 540 && w.minutes < 1020);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees around every transition of 2026', () => {
    for (const [z, timeZone] of zones.entries()) {
      const c = calendars[z]!;
      if (timeZone === 'Asia/Shanghai' || timeZone === 'Asia/Kathmandu') continue; // no transitions
      for (let ms = Date.parse('2026-01-01T00:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += 53 * MIN) {
        expect(c.localDate(ms)).toBe(wall(timeZone, ms).ymd);
      }
    }
  });
});
