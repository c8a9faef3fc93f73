import { createBusinessCalendar, type BusinessCalendar } from '../calendar/index.js';
import type { LocalizedText } from '../i18n.js';
import type { Policy } from '../policy/types.js';
import { createRuleEngine, type RuleEngine } from '../rules/engine.js';
import type { CaseRecord, HistoryEntry } from './types.js';

/** The counts indicator formulas read (the `indicatorFacts` of the policy). */
export interface IndicatorCounts {
  filed: number;
  dispatched: number;
  signedInTime: number;
  contactedInTime: number;
  returned: number;
  whistled: number;
  due: number;
  closed: number;
  closedOnTime: number;
  revisits: number;
  solved: number;
  satisfied: number;
  basicallySatisfied: number;
  unsatisfied: number;
  redone: number;
}

export interface IndicatorValue {
  code: string;
  name: LocalizedText;
  /** The rate, 0–1, or null when its denominator is zero. */
  value: number | null;
  weight: number;
  better: 'higher' | 'lower';
}

export interface IndicatorReport {
  from: number;
  to: number;
  unit?: string;
  counts: IndicatorCounts;
  indicators: IndicatorValue[];
  /** Weighted composite, 0–100, over the indicators that have a value (weights re-normalised). */
  score: number | null;
}

export interface IndicatorInput {
  policy: Policy;
  /** The cases concerned (grid cases and their evaluations); other processes are ignored. */
  cases: readonly CaseRecord[];
  /** Their history; entries outside [from, to) only serve to know when deadlines started. */
  history: readonly HistoryEntry[];
  from: number;
  to: number;
  /** Only cases of this unit (`grid:g-01`, `street:s-01`, `department:urban_management`…). */
  unit?: string;
  engine?: RuleEngine;
}

const emptyCounts = (): IndicatorCounts => ({
  filed: 0,
  dispatched: 0,
  signedInTime: 0,
  contactedInTime: 0,
  returned: 0,
  whistled: 0,
  due: 0,
  closed: 0,
  closedOnTime: 0,
  revisits: 0,
  solved: 0,
  satisfied: 0,
  basicallySatisfied: 0,
  unsatisfied: 0,
  redone: 0,
});

const calendars = new WeakMap<Policy, BusinessCalendar>();
function calendarOf(policy: Policy): BusinessCalendar {
  let c = calendars.get(policy);
  if (!c) calendars.set(policy, (c = createBusinessCalendar(policy.calendar)));
  return c;
}

/**
 * Counts what happened to the grid cases in a period from their history: a dispatch is an entry that moves the
 * case into `handling.dispatched`; signing and contact are timely when they happen within the policy's limits
 * counted from that dispatch on the business calendar; a case is due when its total limit (from filing) falls
 * in the period, closed on time when `case.close` came before it.
 */
export function countGridCases(
  policy: Policy,
  cases: readonly CaseRecord[],
  history: readonly HistoryEntry[],
  from: number,
  to: number,
  counts: IndicatorCounts,
): void {
  const calendar = calendarOf(policy);
  const { signing, contact, total } = policy.timeLimits;
  const inPeriod = (at: number) => at >= from && at < to;
  const byCase = groupByCase(history);
  for (const c of cases) {
    if (c.process !== 'gridEscalation') continue;
    const entries = byCase.get(c.id) ?? [];
    let signDue: number | null = null;
    let contactDue: number | null = null;
    let totalDue: number | null = null;
    let whistled = false;
    let closed = false;
    for (const e of entries) {
      if (e.to === 'handling.dispatched' && (e.from !== 'handling.dispatched' || e.command !== 'deadline.due')) {
        signDue = calendar.addDuration(e.at, signing.duration, signing.counting);
        contactDue = null;
        if (inPeriod(e.at)) counts.dispatched++;
      }
      switch (e.command) {
        case 'case.triage.file': {
          if (totalDue !== null) break;
          if (inPeriod(e.at)) counts.filed++;
          const urgency = c.summary.urgency;
          const limit = total.find((t) => t.urgency === urgency);
          totalDue = limit ? calendar.addDuration(e.at, limit.duration, limit.counting) : null;
          if (totalDue !== null && inPeriod(totalDue)) counts.due++;
          break;
        }
        case 'case.sign':
          if (signDue !== null && inPeriod(e.at) && e.at <= signDue) counts.signedInTime++;
          contactDue = calendar.addDuration(e.at, contact.duration, contact.counting);
          break;
        case 'case.contact':
          if (contactDue !== null && inPeriod(e.at) && e.at <= contactDue) counts.contactedInTime++;
          contactDue = null;
          break;
        case 'case.return':
          if (inPeriod(e.at)) counts.returned++;
          break;
        case 'case.whistle':
          if (inPeriod(e.at) && !whistled) counts.whistled++;
          whistled = true;
          break;
        case 'case.close':
          // A case counts once among the closed, by its first closing (a redo closes it again).
          if (!closed && totalDue !== null && inPeriod(totalDue)) {
            counts.closed++;
            if (e.at <= totalDue) counts.closedOnTime++;
          }
          closed = true;
          break;
        case 'case.reopen':
          if (inPeriod(e.at)) counts.redone++;
          break;
      }
    }
  }
}

/**
 * Counts the evaluations rated in the period: a rating is a valid revisit; which rating counts after a redo
 * (the first or the final) follows the policy; excluded evaluations do not count.
 */
export function countEvaluations(
  policy: Policy,
  cases: readonly CaseRecord[],
  history: readonly HistoryEntry[],
  from: number,
  to: number,
  counts: IndicatorCounts,
): void {
  const byCase = groupByCase(history);
  const unsatisfied = new Set(policy.evaluation.unsatisfied);
  for (const c of cases) {
    if (c.process !== 'appealEvaluation') continue;
    if ((c.snapshot.context as { excluded?: boolean }).excluded === true) continue;
    const ratings = (byCase.get(c.id) ?? []).filter((e) => e.command === 'evaluation.rate');
    const counted = policy.evaluation.ratingThatCounts === 'first' ? ratings[0] : ratings[ratings.length - 1];
    if (!counted || counted.at < from || counted.at >= to) continue;
    const rating = String(counted.input.rating);
    counts.revisits++;
    if (counted.input.solved === true) counts.solved++;
    if (rating === 'satisfied') counts.satisfied++;
    else if (rating === 'basically_satisfied') counts.basicallySatisfied++;
    else if (unsatisfied.has(rating)) counts.unsatisfied++;
  }
}

function groupByCase(history: readonly HistoryEntry[]): Map<string, HistoryEntry[]> {
  const map = new Map<string, HistoryEntry[]>();
  for (const e of history) {
    const list = map.get(e.caseId);
    if (list) list.push(e);
    else map.set(e.caseId, [e]);
  }
  for (const list of map.values()) list.sort((a, b) => a.seq - b.seq);
  return map;
}

/**
 * Computes the policy's indicators (响应率, 解决率, 满意率, 按期结案率, 结案率, 及时签收率, 回退率, 重办率, 吹哨率…) for a
 * unit and period from the cases' history, with the policy's formulas and weights.
 *
 * @example
 * const report = computeIndicators({ policy, cases, history, from, to, unit: 'grid:g-01' });
 * report.indicators.find((i) => i.code === 'response_rate')?.value; // 0.95
 */
export function computeIndicators(input: IndicatorInput): IndicatorReport {
  const { policy, from, to, unit } = input;
  const engine = input.engine ?? createRuleEngine();
  const cases = unit ? input.cases.filter((c) => c.summary.units.includes(unit)) : input.cases;
  const ids = new Set(cases.map((c) => c.id));
  const history = input.history.filter((e) => ids.has(e.caseId));
  const counts = emptyCounts();
  countGridCases(policy, cases, history, from, to, counts);
  countEvaluations(policy, cases, history, from, to, counts);
  const data = { ...counts, basicallySatisfiedWeight: policy.evaluation.basicallySatisfiedWeight };
  const indicators: IndicatorValue[] = policy.evaluation.indicators.map((def) => {
    const raw = engine.evaluate(def.formula, data);
    const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    return { code: def.code, name: def.name, value, weight: def.weight, better: def.better ?? 'higher' };
  });
  let weighted = 0;
  let weights = 0;
  for (const i of indicators) {
    if (i.value === null || i.weight === 0) continue;
    weighted += i.weight * (i.better === 'lower' ? 1 - i.value : i.value);
    weights += i.weight;
  }
  return {
    from,
    to,
    ...(unit ? { unit } : {}),
    counts,
    indicators,
    score: weights > 0 ? Math.round((weighted / weights) * 10000) / 100 : null,
  };
}

/** Ranks units by composite score, best first (红黑榜); units without a score come last. */
export function rankUnits(reports: readonly IndicatorReport[]): (IndicatorReport & { rank: number | null })[] {
  const sorted = [...reports].sort(
    (a, b) => (b.score ?? -1) - (a.score ?? -1) || (a.unit ?? '').localeCompare(b.unit ?? ''),
  );
  return sorted.map((r, i) => ({ ...r, rank: r.score === null ? null : i + 1 }));
}
