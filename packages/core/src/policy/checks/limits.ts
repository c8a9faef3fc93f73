import { formatDuration, parseDuration, validateCalendar, type Duration } from '../../calendar/index.js';
import type { LocalizedText } from '../../i18n.js';
import type { DecisionTableAnalysis } from '../decisionTable/index.js';
import type { CalendarDef, Counting, TimeLimitCell } from '../types.js';
import { named, type CheckContext } from './context.js';

/**
 * Time limits: every level × urgency that routing and escalation can reach has a handling limit, higher
 * levels are not shorter (when the policy asks for it), the total limit is not shorter than where a case
 * starts, durations make sense in their counting, and the calendar they count on is sound.
 */

/** Hours of wall-clock time a duration takes, roughly: exact enough to compare limits. */
export function approxCalendarHours(d: Duration, counting: Counting, calendar: CalendarDef): number {
  const fixed = d.years * 365 * 24 + d.months * 30 * 24;
  if (counting === 'calendar') return fixed + (d.weeks * 7 + d.days) * 24 + d.hours + d.minutes / 60 + d.seconds / 3600;
  const daysPerWeek = new Set(calendar.workingDays).size;
  const hoursPerDay = calendar.workingHours.reduce((sum, p) => sum + (minutes(p.end) - minutes(p.start)) / 60, 0);
  if (daysPerWeek === 0 || hoursPerDay <= 0) return Infinity;
  const perWorkingDay = (7 * 24) / daysPerWeek;
  const perWorkingHour = perWorkingDay / hoursPerDay;
  return (
    fixed + (d.weeks * 5 + d.days) * perWorkingDay + (d.hours + d.minutes / 60 + d.seconds / 3600) * perWorkingHour
  );
}

function minutes(hm: string): number {
  const [h, m] = hm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

interface Limit {
  duration: string;
  counting: Counting;
}

const say = (limit: Limit): LocalizedText => ({
  zh: formatDuration(limit.duration, 'zh', limit.counting),
  en: formatDuration(limit.duration, 'en', limit.counting),
});

/** Checks one duration; returns its approximate length in hours, or undefined when it cannot be used. */
function checkDuration(ctx: CheckContext, limit: Limit, at: (string | number)[]): number | undefined {
  let d: Duration;
  try {
    d = parseDuration(limit.duration);
  } catch {
    ctx.error('limits.duration_invalid', [...at, 'duration'], {
      zh: `时长“${limit.duration}”无法解析（只有最后一项可以带小数，天数必须是整数）`,
      en: `Duration "${limit.duration}" cannot be read (only the last component may have a fraction, days must be whole)`,
    });
    return undefined;
  }
  if (limit.counting === 'working' && (d.years > 0 || d.months > 0)) {
    ctx.error('limits.working_years_months', [...at, 'duration'], {
      zh: `按工作时间计算的时长“${limit.duration}”不能用年或月，请改用工作日（如 P20D）`,
      en: `Duration "${limit.duration}" counts working time, which has no years or months; use working days (e.g. P20D)`,
    });
    return undefined;
  }
  const hours = approxCalendarHours(d, limit.counting, ctx.policy.calendar);
  if (hours === 0) {
    ctx.error('limits.duration_zero', [...at, 'duration'], {
      zh: `时长“${limit.duration}”为零，案件一开始就会超时`,
      en: `Duration "${limit.duration}" is zero, so every case would be overdue at once`,
    });
    return undefined;
  }
  return hours;
}

/** Every level × urgency the routing table and the escalation path can reach, with why. */
function reachableCells(
  ctx: CheckContext,
  routing: DecisionTableAnalysis,
): Map<string, { level: string; urgency: string; why: LocalizedText }> {
  const path = ctx.policy.organisation.escalationPath;
  const out = new Map<string, { level: string; urgency: string; why: LocalizedText }>();
  const rows = ctx.policy.routing.rows;
  for (const finding of routing.rows) {
    const row = rows[finding.index];
    if (!row || finding.afterDefault || finding.neverMatches || finding.coveredBy) continue;
    const start = row.then.level;
    for (const urgency of finding.reachable['case.urgency'] ?? []) {
      const key = `${start}|${urgency}`;
      if (!out.has(key))
        out.set(key, {
          level: start,
          urgency,
          why: { zh: `路由行“${row.id}”把案件派到这里`, en: `routing row "${row.id}" sends cases there` },
        });
      const k = path.indexOf(start);
      if (k < 0) continue;
      for (const higher of path.slice(k + 1)) {
        const hk = `${higher}|${urgency}`;
        if (!out.has(hk))
          out.set(hk, {
            level: higher,
            urgency,
            why: {
              zh: `从路由行“${row.id}”的起点${named(ctx.known.levels, start).zh}逐级上报可达`,
              en: `cases of routing row "${row.id}" can rise there from ${named(ctx.known.levels, start).en}`,
            },
          });
      }
    }
  }
  return out;
}

function checkCells(ctx: CheckContext, routing: DecisionTableAnalysis): void {
  const tl = ctx.policy.timeLimits;
  const { levels, urgencies } = ctx.known;
  const cells = new Map<string, { cell: TimeLimitCell; index: number; hours: number | undefined }>();
  tl.handling.forEach((cell, index) => {
    const hours = checkDuration(ctx, cell, ['timeLimits', 'handling', index]);
    const key = `${cell.level}|${cell.urgency}`;
    const first = cells.get(key);
    if (first) {
      ctx.error('limits.duplicate_cell', ['timeLimits', 'handling', index], {
        zh: `${named(levels, cell.level).zh} × ${named(urgencies, cell.urgency).zh}已有时限单元“${first.cell.id}”，不能重复设置`,
        en: `${named(levels, cell.level).en} × ${named(urgencies, cell.urgency).en} already has cell "${first.cell.id}"`,
      });
    } else cells.set(key, { cell, index, hours });
  });

  for (const { level, urgency, why } of reachableCells(ctx, routing).values()) {
    if (cells.has(`${level}|${urgency}`) || !levels.has(level) || !urgencies.has(urgency)) continue;
    ctx.error('limits.cell_missing', ['timeLimits', 'handling'], {
      zh: `缺少${named(levels, level).zh} × ${named(urgencies, urgency).zh}的处理时限：${why.zh}`,
      en: `No handling limit for ${named(levels, level).en} × ${named(urgencies, urgency).en}: ${why.en}`,
    });
  }

  if (tl.higherLevelsNotShorter) {
    for (const urgency of urgencies.keys()) {
      let lower: { cell: TimeLimitCell; hours: number } | undefined;
      for (const level of ctx.policy.organisation.escalationPath) {
        const entry = cells.get(`${level}|${urgency}`);
        if (!entry || entry.hours === undefined) continue;
        if (lower && entry.hours < lower.hours - 1e-9) {
          ctx.error('limits.higher_level_shorter', ['timeLimits', 'handling', entry.index, 'duration'], {
            zh: `${named(levels, level).zh}的${named(urgencies, urgency).zh}时限（${say(entry.cell).zh}）短于下级${named(levels, lower.cell.level).zh}（${say(lower.cell).zh}），而政策要求上级时限不短于下级`,
            en: `${named(levels, level).en} has a shorter ${named(urgencies, urgency).en} limit (${say(entry.cell).en}) than the lower ${named(levels, lower.cell.level).en} (${say(lower.cell).en}), but the policy wants higher levels not shorter`,
          });
        }
        lower = { cell: entry.cell, hours: entry.hours };
      }
    }
  }
  checkTotals(ctx, routing, cells);
}

function checkTotals(
  ctx: CheckContext,
  routing: DecisionTableAnalysis,
  cells: Map<string, { cell: TimeLimitCell; hours: number | undefined }>,
): void {
  const tl = ctx.policy.timeLimits;
  const { levels, urgencies } = ctx.known;
  const totals = new Map<string, number>();
  tl.total.forEach((total, index) => {
    const hours = checkDuration(ctx, total, ['timeLimits', 'total', index]);
    if (totals.has(total.urgency)) {
      ctx.error('limits.duplicate_total', ['timeLimits', 'total', index, 'urgency'], {
        zh: `${named(urgencies, total.urgency).zh}的总时限重复设置`,
        en: `${named(urgencies, total.urgency).en} has more than one total limit`,
      });
      return;
    }
    totals.set(total.urgency, index);
    if (hours === undefined) return;
    const starts = new Set<string>();
    for (const f of routing.rows) {
      const row = ctx.policy.routing.rows[f.index];
      if (
        row &&
        !f.afterDefault &&
        !f.neverMatches &&
        !f.coveredBy &&
        f.reachable['case.urgency']?.includes(total.urgency)
      )
        starts.add(row.then.level);
    }
    for (const level of starts) {
      const start = cells.get(`${level}|${total.urgency}`);
      if (start?.hours !== undefined && hours < start.hours - 1e-9) {
        ctx.error('limits.total_shorter_than_handling', ['timeLimits', 'total', index, 'duration'], {
          zh: `${named(urgencies, total.urgency).zh}的总时限（${say(total).zh}）短于起始层级${named(levels, level).zh}的处理时限（${say(start.cell).zh}）`,
          en: `The total ${named(urgencies, total.urgency).en} limit (${say(total).en}) is shorter than the handling limit at the starting level ${named(levels, level).en} (${say(start.cell).en})`,
        });
      }
    }
  });
  for (const urgency of urgencies.keys()) {
    if (!totals.has(urgency)) {
      ctx.error('limits.total_missing', ['timeLimits', 'total'], {
        zh: `缺少${named(urgencies, urgency).zh}案件的总时限，按期结案率无法计算`,
        en: `No total limit for ${named(urgencies, urgency).en} cases, so on-time closure cannot be measured`,
      });
    }
  }
  const signing = checkDuration(ctx, tl.signing, ['timeLimits', 'signing']);
  checkDuration(ctx, tl.contact, ['timeLimits', 'contact']);
  checkDuration(ctx, tl.whistleCheckIn, ['timeLimits', 'whistleCheckIn']);
  if (signing !== undefined) {
    for (const { cell, hours } of cells.values()) {
      if (hours !== undefined && signing > hours + 1e-9) {
        ctx.warn('limits.signing_exceeds_handling', ['timeLimits', 'signing', 'duration'], {
          zh: `签收时限（${say(tl.signing).zh}）长于时限单元“${cell.id}”（${say(cell).zh}），签收前案件可能已经超时`,
          en: `The signing limit (${say(tl.signing).en}) is longer than cell "${cell.id}" (${say(cell).en}), so a case may be overdue before it is signed for`,
        });
        break;
      }
    }
  }
}

/** Filing limits: durations that make sense, one per urgency × source (an urgency without one gets an hour). */
function checkFiling(ctx: CheckContext): void {
  const seen = new Set<string>();
  (ctx.policy.timeLimits.filing ?? []).forEach((limit, index) => {
    checkDuration(ctx, limit, ['timeLimits', 'filing', index]);
    const key = `${limit.urgency}|${limit.source ?? ''}`;
    if (seen.has(key)) {
      const urgency = named(ctx.known.urgencies, limit.urgency);
      const source = limit.source ?? '';
      ctx.error('limits.duplicate_filing', ['timeLimits', 'filing', index], {
        zh: `${urgency.zh}${source ? `（来源 ${source}）` : ''}的立案时限重复设置`,
        en: `${urgency.en}${source ? ` (source ${source})` : ''} has more than one filing limit`,
      });
    }
    seen.add(key);
  });
}

/** Time limits, warning threshold and the business calendar. */
export function checkLimits(ctx: CheckContext, routing: DecisionTableAnalysis): void {
  ctx.problems.push(...validateCalendar(ctx.policy.calendar, '/calendar'));
  checkFiling(ctx);
  checkCells(ctx, routing);
  const w = ctx.policy.timeLimits.warningAt;
  if (!(w > 0 && w < 1)) {
    ctx.error('limits.warning_at_range', ['timeLimits', 'warningAt'], {
      zh: `预警点 ${w} 应在 0 和 1 之间（不含两端），例如 0.8 表示用去八成时限时预警`,
      en: `warningAt ${w} must lie strictly between 0 and 1, e.g. 0.8 warns when 80% of a limit is used`,
    });
  }
}
