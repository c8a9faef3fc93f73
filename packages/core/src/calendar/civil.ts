/**
 * Proleptic Gregorian date arithmetic on "day numbers" (days since 1970-01-01), with no time zone and no
 * `Date` object. Internal to the calendar module: the business calendar keys its caches by day number.
 */

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** A civil (wall-calendar) date. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

/** Days since 1970-01-01 for a civil date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (H. Hinnant's `civil_from_days`). */
export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function isoWeekday(dayNumber: number): number {
  return ((((dayNumber + 3) % 7) + 7) % 7) + 1;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a `YYYY-MM-DD` string, or `undefined` when it is malformed or not a real date (2026-02-30). */
export function parseYmd(ymd: unknown): number | undefined {
  if (typeof ymd !== 'string') return undefined;
  const m = YMD.exec(ymd);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + String(n);

/** `YYYY-MM-DD` for a day number (years 0–9999). */
export function formatYmd(dayNumber: number): string {
  const { year, month, day } = civilFromDays(dayNumber);
  return String(year).padStart(4, '0') + '-' + pad2(month) + '-' + pad2(day);
}

const HM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Minutes after midnight of an `HH:MM` string (00:00–23:59, plus `24:00` for the end of the day), or
 * `undefined` when malformed.
 */
export function parseHm(hm: unknown): number | undefined {
  if (typeof hm !== 'string') return undefined;
  if (hm === '24:00') return 24 * 60;
  const m = HM.exec(hm);
  return m === null ? undefined : Number(m[1]) * 60 + Number(m[2]);
}
