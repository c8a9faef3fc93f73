/**
 * The business calendar: ISO 8601 durations, deadlines in calendar or working time in a policy's time zone,
 * and validation of calendar definitions.
 *
 * @module
 */
export { parseDuration, formatDuration, durationToMs, type Duration } from './duration.js';
export { createBusinessCalendar, WORKING_DAYS_PER_WEEK, type BusinessCalendar } from './businessCalendar.js';
export { validateCalendar } from './validateCalendar.js';
