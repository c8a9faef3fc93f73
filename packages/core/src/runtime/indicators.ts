import { createBusinessCalendar, type BusinessCalendar } from '../calendar/index.js';
import type { LocalizedText } from '../i18n.js';
import { filingLimit } from '../processes/gridEscalation/index.js';
import type { Policy } from '../policy/types.js';
import { createRuleEngine, type RuleEngine } from '../rules/engine.js';
import type { CaseRecord, HistoryEntry } from './types.js';

/** The counts indicator formulas read (the `indicatorFacts` of the policy). */
export interface IndicatorCounts {
  filed: number;
  filedInTime: number;
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
  /** The policy whose formulas and weights make the report (and that reads the cases unless `policyOf` says). */
  policy: Policy;
  /** The cases concerned (grid cases and their evaluations); other processes are ignored. */
  cases: readonly CaseRecord[];
  /**
   * Their history. Each case's whole history is needed for the events of its own (a signing is timely against
   * the dispatch before it, even one before the period); what counts in [from, to) is decided by each event's time.
   */
  history: readonly HistoryEntry[];
  from: number;
  to: number;
  /** Only cases of this unit (`grid:g-01`, `street:s-01`, `department:urban_management`…). */
  unit?: string;
  /** The policy a case's events are read under: its limits, calendar, rating rules (default: `policy`). */
  policyOf?: (record: CaseRecord) => Policy;
  engine?: RuleEngine;
}

/** A counter of {@link IndicatorCounts}: what an indicator event adds one to. */
export type IndicatorKind = keyof IndicatorCounts;

/**
 * One thing a case contributes to the figures: `kind` is the counter it adds one to, `at` the instant that
 * decides the period it counts in, `units` the units it counts for. {@link indicatorEvents} makes them from a
 * case and its history; {@link countIndicatorEvents} counts them over a period. The server keeps them as rows
 * (a projection per case, rewritten with every history append) and counts them in SQL, so the replay and the
 * projection share this one definition.
 */
export interface IndicatorEvent {
  kind: IndicatorKind;
  at: number;
  units: readonly string[];
}

const emptyCounts = (): IndicatorCounts => ({
  filed: 0,
  filedInTime: 0,
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

/**
 * Every counter, in the order of {@link IndicatorCounts}.
 *
 * @example
 * INDICATOR_KINDS.includes('signedInTime'); // true
 */
export const INDICATOR_KINDS: readonly IndicatorKind[] = Object.freeze(Object.keys(emptyCounts()) as IndicatorKind[]);

/**
 * Counts with every counter at zero.
 *
 * @example
 * emptyIndicatorCounts().filed; // 0
 */
export function emptyIndicatorCounts(): IndicatorCounts {
  return emptyCounts();
}

const calendars = new WeakMap<Policy, BusinessCalendar>();
function calendarOf(policy: Policy): BusinessCalendar {
  let c = calendars.get(policy);
  if (!c) calendars.set(policy, (c = createBusinessCalendar(policy.calendar)));
  return c;
}

/**
 * The indicator events of one case from its record and its whole history (any order; other processes give
 * none). The period rule of every counter (see docs/indicators.md):
 * - `filed` at the (first) filing, by hand or by rule `autoFile`; `filedInTime` at that filing when a person
 *   filed the report within its filing limit (counted from submission; before its filing deadline fired);
 *   `dispatched` at every entry that moves the case into `handling.dispatched`
 *   (filing, an accepted return, a reopening for redo…), not at a deadline firing while it waits there;
 * - `signedInTime` at a signing within the signing limit counted from the dispatch before it (business calendar);
 *   `contactedInTime` at a contact within the contact limit counted from that signing;
 * - `returned` at every return; `whistled` at the first whistle; `redone` at every reopening;
 * - `due` at the total deadline (from the first filing, by the case's urgency); `closed` and `closedOnTime` at
 *   that same deadline, by the first closing, whichever period the closing itself fell in: a case counts among
 *   the closed of the period it was due in, so 结案率 and 按期结案率 compare a cohort with itself and never exceed 1;
 * - an evaluation counts once it is rated: `revisits`, `solved` and its rating at the rating that counts
 *   (`ratingThatCounts`: the first, or the last so far), with an assessor's upheld correction; its creation, an
 *   unreachable requester and an excluded evaluation count nothing. A resident's rating counts for the rated unit
 *   and the units of the case's area; a lower level's rating (下评上) only for the rated unit.
 *
 * @example
 * // `signed`: a noise report filed at 09:00 on Monday 2 March 2026 and signed by the grid 30 minutes later
 * indicatorEvents(policy, signed.record, signed.history).map((e) => e.kind);
 * // ['filed', 'filedInTime', 'due', 'dispatched', 'signedInTime']
 */
export function indicatorEvents(
  policy: Policy,
  record: CaseRecord,
  history: readonly HistoryEntry[],
): IndicatorEvent[] {
  const entries = history.filter((e) => e.caseId === record.id).sort((a, b) => a.seq - b.seq);
  if (record.process === 'gridEscalation') return gridEvents(policy, record, entries);
  if (record.process === 'appealEvaluation') return evaluationEvents(policy, record, entries);
  return [];
}

function gridEvents(policy: Policy, record: CaseRecord, entries: readonly HistoryEntry[]): IndicatorEvent[] {
  const calendar = calendarOf(policy);
  const { signing, contact, total } = policy.timeLimits;
  const units = record.summary.units;
  const events: IndicatorEvent[] = [];
  const add = (kind: IndicatorKind, at: number) => events.push({ kind, at, units });
  let signDue: number | null = null;
  let contactDue: number | null = null;
  let totalDue: number | null = null;
  let filed = false;
  let filingFired = false;
  let whistled = false;
  let closed = false;
  const filingDue = filingDueOf(policy, record, entries);
  for (const e of entries) {
    if (e.command === 'deadline.due' && e.input.kind === 'filing') filingFired = true;
    // Filing: the first move out of triage into handling (`case.triage.file`, or a filing deadline by `autoFile`).
    if (!filed && e.from === 'triage' && e.to.startsWith('handling')) {
      filed = true;
      add('filed', e.at);
      const manual = e.command === 'case.triage.file';
      if (manual && !filingFired && (filingDue === null || e.at <= filingDue)) add('filedInTime', e.at);
      const limit = total.find((t) => t.urgency === record.summary.urgency);
      totalDue = limit ? calendar.addDuration(e.at, limit.duration, limit.counting) : null;
      if (totalDue !== null) add('due', totalDue);
    }
    if (e.to === 'handling.dispatched' && (e.from !== 'handling.dispatched' || e.command !== 'deadline.due')) {
      signDue = calendar.addDuration(e.at, signing.duration, signing.counting);
      contactDue = null;
      add('dispatched', e.at);
    }
    switch (e.command) {
      case 'case.sign':
        if (signDue !== null && e.at <= signDue) add('signedInTime', e.at);
        contactDue = calendar.addDuration(e.at, contact.duration, contact.counting);
        break;
      case 'case.contact':
        if (contactDue !== null && e.at <= contactDue) add('contactedInTime', e.at);
        contactDue = null;
        break;
      case 'case.return':
        add('returned', e.at);
        break;
      case 'case.whistle':
        if (!whistled) add('whistled', e.at);
        whistled = true;
        break;
      case 'case.close':
        // A case counts once among the closed, by its first closing (a redo closes it again).
        if (!closed && totalDue !== null) {
          add('closed', totalDue);
          if (e.at <= totalDue) add('closedOnTime', totalDue);
        }
        closed = true;
        break;
      case 'case.reopen':
        add('redone', e.at);
        break;
    }
  }
  return events;
}

/**
 * When the report's filing limit ended: as the machine counted it (`filingDueAt`, recounted by a policy
 * migration), or for a case from before filing limits, from its submission with the policy's limit.
 */
function filingDueOf(policy: Policy, record: CaseRecord, entries: readonly HistoryEntry[]): number | null {
  const ctx = record.snapshot.context as {
    filingDueAt?: number | null;
    urgency?: string;
    request?: { source?: string };
  };
  if (ctx.filingDueAt !== undefined) return ctx.filingDueAt;
  const submitted = entries.find((e) => e.from === '');
  if (submitted === undefined) return null;
  const limit = filingLimit(policy, ctx.urgency ?? record.summary.urgency ?? '', ctx.request?.source);
  return calendarOf(policy).addDuration(submitted.at, limit.duration, limit.counting);
}

interface EvaluationFields {
  excluded?: boolean;
  unit?: string;
  evaluatorKind?: string;
  subjectUnits?: string[];
}

function evaluationEvents(policy: Policy, record: CaseRecord, entries: readonly HistoryEntry[]): IndicatorEvent[] {
  const ctx = record.snapshot.context as EvaluationFields;
  if (ctx.excluded === true) return [];
  // Ratings only: the creation entry (from no state) is no rating, whatever name an older history gave it.
  const ratings = entries.filter((e) => e.command === 'evaluation.rate' && e.from !== '');
  const counted = policy.evaluation.ratingThatCounts === 'first' ? ratings[0] : ratings[ratings.length - 1];
  if (!counted) return [];
  let rating = String(counted.input.rating);
  let solved = counted.input.solved === true;
  for (const e of entries) {
    if (e.command !== 'evaluation.appeal.decide' || e.input.upheld !== true) continue;
    if (typeof e.input.correctedRating !== 'string') continue;
    rating = e.input.correctedRating;
    if (typeof e.input.correctedSolved === 'boolean') solved = e.input.correctedSolved;
  }
  const units =
    typeof ctx.unit !== 'string'
      ? record.summary.units
      : ctx.evaluatorKind === 'lower_level'
        ? [ctx.unit]
        : [...new Set([ctx.unit, ...(ctx.subjectUnits ?? [])])];
  const events: IndicatorEvent[] = [{ kind: 'revisits', at: counted.at, units }];
  if (solved) events.push({ kind: 'solved', at: counted.at, units });
  if (rating === 'satisfied') events.push({ kind: 'satisfied', at: counted.at, units });
  else if (rating === 'basically_satisfied') events.push({ kind: 'basicallySatisfied', at: counted.at, units });
  else if (policy.evaluation.unsatisfied.includes(rating)) events.push({ kind: 'unsatisfied', at: counted.at, units });
  return events;
}

/**
 * Counts indicator events whose time is in [from, to) (and that count for `unit`, when given).
 *
 * @example
 * const march = Date.parse('2026-03-01T00:00:00+08:00');
 * const april = Date.parse('2026-04-01T00:00:00+08:00');
 * const events = [
 *   { kind: 'signedInTime', at: Date.parse('2026-03-02T09:30:00+08:00'), units: ['grid:g-01', 'community:c-01'] },
 *   { kind: 'signedInTime', at: Date.parse('2026-03-03T10:00:00+08:00'), units: ['grid:g-02', 'community:c-01'] },
 *   { kind: 'signedInTime', at: Date.parse('2026-04-01T09:00:00+08:00'), units: ['grid:g-01', 'community:c-01'] },
 * ] as const;
 * countIndicatorEvents(events, march, april, 'grid:g-01').signedInTime; // 1
 * countIndicatorEvents(events, march, april, 'community:c-01').signedInTime; // 2
 */
export function countIndicatorEvents(
  events: Iterable<IndicatorEvent>,
  from: number,
  to: number,
  unit?: string,
): IndicatorCounts {
  const counts = emptyCounts();
  for (const e of events) {
    if (e.at < from || e.at >= to) continue;
    if (unit !== undefined && !e.units.includes(unit)) continue;
    counts[e.kind]++;
  }
  return counts;
}

function groupByCase(history: readonly HistoryEntry[]): Map<string, HistoryEntry[]> {
  const map = new Map<string, HistoryEntry[]>();
  for (const e of history) {
    const list = map.get(e.caseId);
    if (list) list.push(e);
    else map.set(e.caseId, [e]);
  }
  return map;
}

/** The engine reports use when given none: one per process, so each formula is compiled once, not once per unit. */
let sharedEngine: RuleEngine | undefined;

/**
 * The report of counts: the policy's indicator formulas over them, and the weighted composite score.
 *
 * @example
 * const counts = { ...emptyIndicatorCounts(), dispatched: 4, signedInTime: 3, contactedInTime: 4, due: 4, closed: 4, closedOnTime: 3 };
 * const report = indicatorReport(policy, counts, { from: 0, to: 1, unit: 'street:s-01' });
 * report.indicators.find((i) => i.code === 'timely_signing_rate')?.value; // 0.75
 * report.indicators.find((i) => i.code === 'satisfaction_rate')?.value; // null (nothing rated)
 */
export function indicatorReport(
  policy: Policy,
  counts: IndicatorCounts,
  options: { from: number; to: number; unit?: string; engine?: RuleEngine },
): IndicatorReport {
  const { from, to, unit } = options;
  const engine = options.engine ?? (sharedEngine ??= createRuleEngine());
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

/**
 * Computes the policy's indicators (响应率, 解决率, 满意率, 按期结案率, 结案率, 及时签收率, 回退率, 重办率, 吹哨率…) for a
 * unit and period by replaying the cases' history: {@link indicatorEvents} of every case, counted over
 * [from, to) by {@link countIndicatorEvents}, then the policy's formulas and weights ({@link indicatorReport}).
 *
 * @example
 * // `signed`: a noise report filed at 09:00 on Monday 2 March 2026 and signed by the grid 30 minutes later
 * const { record, history } = signed;
 * const march = { from: Date.parse('2026-03-01T00:00:00+08:00'), to: Date.parse('2026-04-01T00:00:00+08:00') };
 * const report = computeIndicators({ policy, cases: [record], history, ...march, unit: 'grid:g-01' });
 * report.indicators.find((i) => i.code === 'timely_signing_rate')?.value; // 1
 * report.indicators.find((i) => i.code === 'response_rate')?.value; // 0 (nobody contacted the reporter yet)
 */
export function computeIndicators(input: IndicatorInput): IndicatorReport {
  const { policy, from, to, unit } = input;
  const byCase = groupByCase(input.history);
  const events: IndicatorEvent[] = [];
  for (const c of input.cases) {
    const entries = byCase.get(c.id);
    if (entries) events.push(...indicatorEvents(input.policyOf?.(c) ?? policy, c, entries));
  }
  return indicatorReport(policy, countIndicatorEvents(events, from, to, unit), {
    from,
    to,
    ...(unit ? { unit } : {}),
    ...(input.engine ? { engine: input.engine } : {}),
  });
}

/** Ranks units by composite score, best first (红黑榜); units without a score come last. */
export function rankUnits(reports: readonly IndicatorReport[]): (IndicatorReport & { rank: number | null })[] {
  const sorted = [...reports].sort(
    (a, b) => (b.score ?? -1) - (a.score ?? -1) || (a.unit ?? '').localeCompare(b.unit ?? ''),
  );
  return sorted.map((r, i) => ({ ...r, rank: r.score === null ? null : i + 1 }));
}
