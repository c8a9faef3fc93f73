import { describe, expect, it } from 'vitest';
import type { CalendarDef } from '../policy/types.js';
import { validateCalendar } from './validateCalendar.js';

const base: CalendarDef = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [{ date: '2026-10-01' }, { date: '2026-10-02' }, { date: '2026-10-05' }],
  makeUpWorkdays: [{ date: '2026-09-20' }, { date: '2026-10-10' }],
};

const summary = (def: CalendarDef, basePath?: string) =>
  validateCalendar(def, basePath).map((p) => [p.code, p.severity, p.path]);

describe('validateCalendar', () => {
  it('accepts a sound calendar', () => {
    expect(validateCalendar(base)).toEqual([]);
  });

  it('accepts touching periods and a period ending at 24:00', () => {
    expect(
      validateCalendar({
        ...base,
        workingHours: [
          { start: '00:00', end: '12:00' },
          { start: '12:00', end: '24:00' },
        ],
      }),
    ).toEqual([]);
  });

  it.each<[string, Partial<CalendarDef>, [string, string, string][]]>([
    [
      'unknown time zone',
      { timeZone: 'Asia/Beijing' },
      [['calendar.unknown_time_zone', 'error', '/calendar/timeZone']],
    ],
    ['empty time zone', { timeZone: '' }, [['calendar.unknown_time_zone', 'error', '/calendar/timeZone']]],
    [
      'invalid holiday date',
      { holidays: [{ date: '2026-10-01' }, { date: '2026-02-30' }] },
      [['calendar.invalid_date', 'error', '/calendar/holidays/1/date']],
    ],
    [
      'malformed make-up date',
      { makeUpWorkdays: [{ date: '2026/09/20' }] },
      [['calendar.invalid_date', 'error', '/calendar/makeUpWorkdays/0/date']],
    ],
    [
      'a date both holiday and make-up day',
      { makeUpWorkdays: [{ date: '2026-09-20' }, { date: '2026-10-05' }] },
      [['calendar.holiday_and_makeup', 'error', '/calendar/makeUpWorkdays/1/date']],
    ],
    [
      'a make-up day on a normal working day',
      { makeUpWorkdays: [{ date: '2026-10-09' }] },
      [['calendar.makeup_on_workday', 'warning', '/calendar/makeUpWorkdays/0/date']],
    ],
    [
      'a holiday on a weekend',
      { holidays: [{ date: '2026-10-01' }, { date: '2026-10-03' }] },
      [['calendar.holiday_on_non_working_day', 'warning', '/calendar/holidays/1/date']],
    ],
    [
      'a duplicate holiday',
      { holidays: [{ date: '2026-10-01' }, { date: '2026-10-02' }, { date: '2026-10-01' }] },
      [['calendar.duplicate_date', 'warning', '/calendar/holidays/2/date']],
    ],
    [
      'a duplicate make-up day',
      { makeUpWorkdays: [{ date: '2026-09-20' }, { date: '2026-09-20' }] },
      [['calendar.duplicate_date', 'warning', '/calendar/makeUpWorkdays/1/date']],
    ],
    [
      'inverted hours',
      {
        workingHours: [
          { start: '09:00', end: '12:00' },
          { start: '17:30', end: '13:30' },
        ],
      },
      [['calendar.hours_inverted', 'error', '/calendar/workingHours/1']],
    ],
    [
      'an empty period',
      { workingHours: [{ start: '09:00', end: '09:00' }] },
      [['calendar.hours_inverted', 'error', '/calendar/workingHours/0']],
    ],
    [
      'overlapping hours',
      {
        workingHours: [
          { start: '13:30', end: '17:30' },
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '14:00' },
        ],
      },
      [['calendar.hours_overlap', 'error', '/calendar/workingHours/2']],
    ],
    [
      'invalid HH:MM',
      {
        workingHours: [
          { start: '9:00', end: '12:60' },
          { start: '24:00', end: '24:00' },
        ],
      },
      [
        ['calendar.invalid_time', 'error', '/calendar/workingHours/0/start'],
        ['calendar.invalid_time', 'error', '/calendar/workingHours/0/end'],
        ['calendar.invalid_time', 'error', '/calendar/workingHours/1/start'],
      ],
    ],
    ['no working hours', { workingHours: [] }, [['calendar.no_working_hours', 'error', '/calendar/workingHours']]],
    [
      'no working days',
      { workingDays: [], holidays: [], makeUpWorkdays: [] },
      [['calendar.no_working_days', 'error', '/calendar/workingDays']],
    ],
    [
      'working days out of 1..7',
      { workingDays: [0, 1, 2, 3, 4, 5, 8, 2.5] },
      [
        ['calendar.working_day_out_of_range', 'error', '/calendar/workingDays/0'],
        ['calendar.working_day_out_of_range', 'error', '/calendar/workingDays/6'],
        ['calendar.working_day_out_of_range', 'error', '/calendar/workingDays/7'],
      ],
    ],
    [
      'a duplicate working day',
      { workingDays: [1, 2, 3, 4, 5, 3] },
      [['calendar.duplicate_working_day', 'warning', '/calendar/workingDays/5']],
    ],
  ])('%s', (_name, patch, expected) => {
    expect(summary({ ...base, ...patch })).toEqual(expected);
  });

  it('writes every message in Chinese and English', () => {
    const problems = validateCalendar({
      ...base,
      timeZone: 'Nowhere/City',
      holidays: [{ date: '2026-13-01' }],
      makeUpWorkdays: [{ date: '2026-10-09' }],
    });
    expect(problems.length).toBe(3);
    for (const p of problems) {
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en).toMatch(/[a-z]/);
    }
    expect(problems[0]?.message.zh).toContain('Nowhere/City');
  });

  it('prefixes paths with the base path and escapes nothing it should not', () => {
    expect(summary({ ...base, timeZone: 'X/Y' }, '/policies/0/calendar')).toEqual([
      ['calendar.unknown_time_zone', 'error', '/policies/0/calendar/timeZone'],
    ]);
    expect(summary({ ...base, timeZone: 'X/Y' }, '')).toEqual([['calendar.unknown_time_zone', 'error', '/timeZone']]);
  });

  it('reports a wrong shape instead of throwing, for documents straight from JSON', () => {
    const broken = {
      timeZone: 'Asia/Shanghai',
      workingDays: '1-5',
      workingHours: [null],
      holidays: {},
      makeUpWorkdays: [],
    };
    expect(summary(broken as unknown as CalendarDef)).toEqual([
      ['calendar.invalid_shape', 'error', '/calendar/workingDays'],
      ['calendar.invalid_shape', 'error', '/calendar/workingHours/0'],
      ['calendar.invalid_shape', 'error', '/calendar/holidays'],
    ]);
    expect(summary(null as unknown as CalendarDef)).toEqual([['calendar.invalid_shape', 'error', '/calendar']]);
  });
});
