import type { FactDictionary } from '../../rules/types.js';
import { parseCondition, type Cond, type Interval } from './parseCondition.js';
import { isOptionalFact } from '../facts.js';
import {
  type Dim,
  type DimSet,
  type Region,
  TOP,
  complementRegion,
  intersectRegions,
  isCovered,
  isEmptySet,
  normalizeIntervals,
  subtractRegion,
  unionRegions,
} from './setAlgebra.js';

/**
 * Reachability analysis of an ordered decision table (first match wins), such as the routing table.
 *
 * Each row condition becomes a region: a union of boxes over dimensions (finite sets for enumerated facts
 * such as category, level, urgency or source; interval unions for numeric facts; include/exclude sets for
 * open string facts). Conditions are understood in the usual shapes — `==`, `!=`, `in`, `<`, `<=`, `>`,
 * `>=` and their between forms, `!`, `and`, `or` — and anything else is "unknown". Two regions are kept per
 * row: an over-approximation (unknown parts may match anything) and an under-approximation (unknown parts
 * match nothing). A row is reported unreachable only when its over-approximation is covered by the union of
 * the earlier rows' under-approximations, so a condition the analysis cannot read never causes a false report.
 * Facts that may be missing (category attributes) carry a "null" point: comparisons treat it as 0, as every
 * engine does; equality with 0, `false` or `""` is left open, since engines disagree there.
 */

/** One row of a decision table, as the analysis needs it. */
export interface DecisionRow {
  id: string;
  /** JsonLogic condition; `true` for the default row. */
  when: unknown;
}

/** How much of a row's condition the analysis understood. */
export type RowPrecision = 'exact' | 'partial' | 'unknown';

/** What the analysis found about one row. */
export interface RowFinding {
  index: number;
  id: string;
  precision: RowPrecision;
  /** The condition is the literal `true`. */
  isDefault: boolean;
  /** A literal-`true` row comes earlier, so this row is never consulted. */
  afterDefault: boolean;
  /** The condition can never be true on its own (e.g. `x < 5 and x > 10`). */
  neverMatches: boolean;
  /** When earlier rows together match everything this row matches: the fewest of them (ids) found to do so. */
  coveredBy?: string[];
  /** The indexes of the rows in {@link RowFinding.coveredBy}. */
  coveredByRows?: number[];
  /**
   * For each enumerated fact asked for in {@link AnalyseOptions.reachableValuesOf}: the values a case reaching
   * this row may have (a value is left out only when proven impossible).
   */
  reachable: Record<string, string[]>;
}

export interface DecisionTableAnalysis {
  rows: RowFinding[];
  /** Index of the first literal-`true` row, or -1. */
  defaultIndex: number;
  /** The last row is the literal `true`. */
  endsWithDefault: boolean;
}

export interface AnalyseOptions {
  /** Facts that may be absent (null); defaults to {@link isOptionalFact}. */
  isOptional?: (path: string) => boolean;
  /** Enumerated facts whose reachable values to report per row, e.g. `['case.urgency']`. */
  reachableValuesOf?: readonly string[];
}

interface Earlier {
  id: string;
  index: number;
  under: Region;
}

interface Approx {
  over: Region;
  under: Region;
}

/** Builds the dimensions for the facts the conditions use, widening enumerations with literals they name. */
function buildDims(
  conds: readonly Cond[],
  facts: FactDictionary,
  isOptional: (p: string) => boolean,
  extra: readonly string[],
): Map<string, Dim> {
  const dims = new Map<string, Dim>();
  const ensure = (path: string): Dim | undefined => {
    const existing = dims.get(path);
    if (existing) return existing;
    const def = facts[path];
    if (!def) return undefined;
    const nullable = isOptional(path);
    let dim: Dim | undefined;
    if (def.type === 'number') dim = { kind: 'number', domain: [], nullable };
    else if (def.type === 'boolean') dim = { kind: 'enum', domain: ['true', 'false'], nullable };
    else if (def.type === 'string' && def.values)
      dim = { kind: 'enum', domain: def.values.map((v) => v.value), nullable };
    else if (def.type === 'string') dim = { kind: 'string', domain: [], nullable };
    if (dim) dims.set(path, dim);
    return dim;
  };
  const visit = (c: Cond): void => {
    if (c.kind === 'and' || c.kind === 'or') c.items.forEach(visit);
    else if (c.kind === 'not') visit(c.item);
    else if (c.kind === 'atom') {
      const dim = ensure(c.fact);
      if (dim?.kind === 'enum' && c.test.type === 'in') {
        for (const v of c.test.values) if (!dim.domain.includes(v)) dim.domain = [...dim.domain, v];
      }
    }
  };
  conds.forEach(visit);
  extra.forEach(ensure);
  return dims;
}

function atomRegion(c: Extract<Cond, { kind: 'atom' }>, dims: Map<string, Dim>): Approx {
  const dim = dims.get(c.fact);
  if (!dim) return { over: TOP, under: [] };
  const box = (set: DimSet): Region => [new Map([[c.fact, set]])];
  const test = c.test;
  // Whether a missing value is matched: for sure (under), or possibly (over).
  const nulUnder =
    dim.nullable && test.nullAs === 'zero' && test.type === 'range' && test.intervals.some((i) => containsZero(i));
  const nulOver = nulUnder || (dim.nullable && test.nullAs === 'unsure');
  const pair = (make: (nul: boolean) => DimSet): Approx => {
    const under = make(nulUnder);
    const over = nulOver === nulUnder ? under : make(nulOver);
    return { over: isEmptySet(over) ? [] : box(over), under: isEmptySet(under) ? [] : box(under) };
  };
  if (test.type === 'in' && dim.kind === 'enum') {
    const values = new Set(test.values.filter((v) => dim.domain.includes(v)));
    return pair((nul) => ({ kind: 'enum', values, nul }));
  }
  if (test.type === 'in' && dim.kind === 'string')
    return pair((nul) => ({ kind: 'string', neg: false, values: new Set(test.values), nul }));
  if (test.type === 'range' && dim.kind === 'number')
    return pair((nul) => ({ kind: 'number', intervals: normalizeIntervals(test.intervals), nul }));
  return { over: TOP, under: [] };
}

function containsZero(i: Interval): boolean {
  return (i.lo < 0 || (i.lo === 0 && !i.loOpen)) && (i.hi > 0 || (i.hi === 0 && !i.hiOpen));
}

function toApprox(c: Cond, dims: Map<string, Dim>): Approx {
  switch (c.kind) {
    case 'const':
      return c.value ? { over: TOP, under: TOP } : { over: [], under: [] };
    case 'unknown':
      return { over: TOP, under: [] };
    case 'atom':
      return atomRegion(c, dims);
    case 'not': {
      const inner = toApprox(c.item, dims);
      return { over: complementRegion(inner.under, dims) ?? TOP, under: complementRegion(inner.over, dims) ?? [] };
    }
    case 'and': {
      let over: Region = TOP;
      let under: Region = TOP;
      for (const item of c.items) {
        const a = toApprox(item, dims);
        over = intersectRegions(over, a.over) ?? TOP;
        under = intersectRegions(under, a.under) ?? [];
      }
      return { over, under };
    }
    case 'or': {
      let over: Region = [];
      let under: Region = [];
      for (const item of c.items) {
        const a = toApprox(item, dims);
        over = unionRegions(over, a.over) ?? TOP;
        under = unionRegions(under, a.under) ?? [];
      }
      return { over, under };
    }
  }
}

function precisionOf(c: Cond): RowPrecision {
  let known = 0;
  let unknown = 0;
  const visit = (n: Cond): void => {
    if (n.kind === 'unknown') unknown++;
    else if (n.kind === 'atom' || n.kind === 'const') known++;
    else if (n.kind === 'not') visit(n.item);
    else n.items.forEach(visit);
  };
  visit(c);
  if (unknown === 0) return 'exact';
  return known === 0 ? 'unknown' : 'partial';
}

/** The fewest earlier rows (greedy) whose regions still cover `target`. */
function minimalCover(target: Region, earlier: Earlier[], dims: Map<string, Dim>): Earlier[] {
  let chosen = earlier.filter((e) => {
    if (e.under.length === 0) return false;
    const shared = intersectRegions(target, e.under);
    return shared === undefined || shared.length > 0;
  });
  for (const candidate of [...chosen]) {
    const without = chosen.filter((e) => e !== candidate);
    if (
      isCovered(
        target,
        without.flatMap((e) => e.under),
        dims,
      )
    )
      chosen = without;
  }
  return chosen;
}

/**
 * Analyses an ordered decision table: the default row, rows after it, rows that can never match, and rows
 * whose every case is already taken by earlier rows (with the rows that take them).
 *
 * @example
 * const facts = { amount: { type: 'number', label: { zh: '金额', en: 'the amount' } } } as const;
 * const result = analyseDecisionTable(
 *   [
 *     { id: 'small', when: { '<': [{ var: 'amount' }, 10] } },
 *     { id: 'large', when: { '>=': [{ var: 'amount' }, 10] } },
 *     { id: 'medium', when: { '==': [{ var: 'amount' }, 12] } },
 *     { id: 'default', when: true },
 *   ],
 *   facts,
 * );
 * result.rows[2].coveredBy; // ['large']
 * result.rows[3].coveredBy; // ['small', 'large']
 */
export function analyseDecisionTable(
  rows: readonly DecisionRow[],
  facts: FactDictionary,
  options: AnalyseOptions = {},
): DecisionTableAnalysis {
  const isOptional = options.isOptional ?? isOptionalFact;
  const wanted = options.reachableValuesOf ?? [];
  const conds = rows.map((r) => parseCondition(r.when, facts));
  const dims = buildDims(conds, facts, isOptional, wanted);
  const defaultIndex = rows.findIndex((r) => r.when === true);
  const earlier: Earlier[] = [];
  const findings: RowFinding[] = rows.map((row, index) => {
    const cond = conds[index] ?? { kind: 'unknown' };
    const finding: RowFinding = {
      index,
      id: row.id,
      precision: precisionOf(cond),
      isDefault: row.when === true,
      afterDefault: defaultIndex >= 0 && index > defaultIndex,
      neverMatches: false,
      reachable: {},
    };
    if (finding.afterDefault) {
      for (const fact of wanted) finding.reachable[fact] = [];
      return finding;
    }
    const { over, under } = toApprox(cond, dims);
    const before = earlier.flatMap((e) => e.under);
    if (over.length === 0) finding.neverMatches = true;
    else if (earlier.length > 0 && isCovered(over, before, dims)) {
      const cover = minimalCover(over, earlier, dims);
      finding.coveredBy = cover.map((e) => e.id);
      finding.coveredByRows = cover.map((e) => e.index);
    }
    for (const fact of wanted) finding.reachable[fact] = reachableValues(over, before, fact, dims);
    earlier.push({ id: row.id, index, under });
    return finding;
  });
  return { rows: findings, defaultIndex, endsWithDefault: rows.length > 0 && rows[rows.length - 1]?.when === true };
}

/** The values of an enumerated fact with which a case can reach a row (none listed when the fact is not enumerated). */
function reachableValues(over: Region, before: Region, fact: string, dims: Map<string, Dim>): string[] {
  const dim = dims.get(fact);
  if (!dim || dim.kind !== 'enum') return [];
  return dim.domain.filter((value) => {
    const slice = intersectRegions(over, [new Map([[fact, { kind: 'enum', values: new Set([value]), nul: false }]])]);
    if (slice === undefined) return true;
    if (slice.length === 0) return false;
    const rest = subtractRegion(slice, before, dims);
    return rest === undefined || rest.length > 0;
  });
}

export type { Interval };
