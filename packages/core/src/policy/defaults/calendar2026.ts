import type { LocalizedText } from '../../i18n.js';
import type { CalendarDef } from '../types.js';

/**
 * The default business calendar: Asia/Shanghai, Monday to Friday, 09:00–12:00 and 13:30–17:30, with the 2026
 * public holidays and make-up working days (调休) of the State Council General Office's notice of 4 November
 * 2025 (国务院办公厅关于2026年部分节假日安排的通知). Only holiday dates that would otherwise be working days
 * are listed (weekend days inside a holiday are not working days anyway). Add each new year's schedule when
 * it is published.
 */

const holiday = (zh: string, en: string, dates: string[]): { date: string; name: LocalizedText }[] =>
  dates.map((date) => ({ date, name: { zh, en } }));

export const defaultCalendar: CalendarDef = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [
    // 元旦 1 月 1 日—3 日
    ...holiday('元旦', 'New Year’s Day', ['2026-01-01', '2026-01-02']),
    // 春节 2 月 15 日—23 日
    ...holiday('春节', 'Spring Festival', [
      '2026-02-16',
      '2026-02-17',
      '2026-02-18',
      '2026-02-19',
      '2026-02-20',
      '2026-02-23',
    ]),
    // 清明节 4 月 4 日—6 日
    ...holiday('清明节', 'Qingming Festival', ['2026-04-06']),
    // 劳动节 5 月 1 日—5 日
    ...holiday('劳动节', 'Labour Day', ['2026-05-01', '2026-05-04', '2026-05-05']),
    // 端午节 6 月 19 日—21 日
    ...holiday('端午节', 'Dragon Boat Festival', ['2026-06-19']),
    // 中秋节 9 月 25 日—27 日
    ...holiday('中秋节', 'Mid-Autumn Festival', ['2026-09-25']),
    // 国庆节 10 月 1 日—7 日
    ...holiday('国庆节', 'National Day', ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']),
  ],
  makeUpWorkdays: [
    ...holiday('元旦调休上班', 'New Year make-up working day', ['2026-01-04']),
    ...holiday('春节调休上班', 'Spring Festival make-up working day', ['2026-02-14', '2026-02-28']),
    ...holiday('劳动节调休上班', 'Labour Day make-up working day', ['2026-05-09']),
    ...holiday('国庆节调休上班', 'National Day make-up working day', ['2026-09-20', '2026-10-10']),
  ],
};
