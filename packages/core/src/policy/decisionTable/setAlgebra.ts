import type { Interval } from './parseCondition.js';

/**
 * Set algebra over boxes for the decision-table analysis. A box constrains some dimensions (a missing
 * dimension is unconstrained); a region is a union of boxes. Operations that would grow past
 * {@link MAX_BOXES} give up and return `undefined`, and callers then fall back to a safe answer.
 */

/** A dimension: a numeric fact, an enumerated fact (closed domain) or an open string fact. */
export interface Dim {
  kind: 'number' | 'enum' | 'string';
  /** Values of an enumerated dimension. */
  domain: readonly string[];
  /** The fact may be absent (null). */
  nullable: boolean;
}

/** The values a box allows on one dimension; `nul` says whether a missing value is included. */
export type DimSet =
  | { kind: 'number'; intervals: readonly Interval[]; nul: boolean }
  | { kind: 'enum'; values: ReadonlySet<string>; nul: boolean }
  | { kind: 'string'; neg: boolean; values: ReadonlySet<string>; nul: boolean };

export type Box = ReadonlyMap<string, DimSet>;
export type Region = readonly Box[];

/** The region that contains everything: one unconstrained box. */
export const TOP: Region = Object.freeze([new Map<string, DimSet>()]);

/** Past this many boxes an operation gives up. */
export const MAX_BOXES = 4000;

// ---- intervals -------------------------------------------------------------------------------------------

function ivEmpty(i: Interval): boolean {
  return i.lo > i.hi || (i.lo === i.hi && (i.loOpen || i.hiOpen));
}

function ivIntersect(a: Interval, b: Interval): Interval {
  const lo =
    a.lo === b.lo
      ? { lo: a.lo, loOpen: a.loOpen || b.loOpen }
      : a.lo > b.lo
        ? { lo: a.lo, loOpen: a.loOpen }
        : { lo: b.lo, loOpen: b.loOpen };
  const hi =
    a.hi === b.hi
      ? { hi: a.hi, hiOpen: a.hiOpen || b.hiOpen }
      : a.hi < b.hi
        ? { hi: a.hi, hiOpen: a.hiOpen }
        : { hi: b.hi, hiOpen: b.hiOpen };
  return { ...lo, ...hi };
}

/** Sorts and merges overlapping or touching intervals. */
export function normalizeIntervals(list: readonly Interval[]): Interval[] {
  const sorted = list.filter((i) => !ivEmpty(i)).sort((a, b) => a.lo - b.lo || Number(a.loOpen) - Number(b.loOpen));
  const out: Interval[] = [];
  for (const next of sorted) {
    const cur = out[out.length - 1];
    if (cur && (next.lo < cur.hi || (next.lo === cur.hi && !(cur.hiOpen && next.loOpen)))) {
      if (next.hi > cur.hi) {
        cur.hi = next.hi;
        cur.hiOpen = next.hiOpen;
      } else if (next.hi === cur.hi) cur.hiOpen = cur.hiOpen && next.hiOpen;
    } else out.push({ ...next });
  }
  return out;
}

function ivsIntersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) for (const y of b) out.push(ivIntersect(x, y));
  return normalizeIntervals(out);
}

function ivsComplement(a: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let lo = -Infinity;
  let loOpen = true;
  for (const iv of normalizeIntervals(a)) {
    out.push({ lo, loOpen, hi: iv.lo, hiOpen: !iv.loOpen });
    lo = iv.hi;
    loOpen = !iv.hiOpen;
  }
  out.push({ lo, loOpen, hi: Infinity, hiOpen: true });
  return out.filter((i) => !ivEmpty(i));
}

// ---- dimension sets --------------------------------------------------------------------------------------

function fullSet(dim: Dim): DimSet {
  if (dim.kind === 'number')
    return {
      kind: 'number',
      intervals: [{ lo: -Infinity, loOpen: true, hi: Infinity, hiOpen: true }],
      nul: dim.nullable,
    };
  if (dim.kind === 'enum') return { kind: 'enum', values: new Set(dim.domain), nul: dim.nullable };
  return { kind: 'string', neg: true, values: new Set(), nul: dim.nullable };
}

/** True when the set allows no value (and not a missing one). */
export function isEmptySet(s: DimSet): boolean {
  if (s.nul) return false;
  if (s.kind === 'number') return s.intervals.length === 0;
  if (s.kind === 'enum') return s.values.size === 0;
  return !s.neg && s.values.size === 0;
}

function intersectSets(a: DimSet, b: DimSet): DimSet {
  const nul = a.nul && b.nul;
  if (a.kind === 'number' && b.kind === 'number')
    return { kind: 'number', intervals: ivsIntersect(a.intervals, b.intervals), nul };
  if (a.kind === 'enum' && b.kind === 'enum')
    return { kind: 'enum', values: new Set([...a.values].filter((v) => b.values.has(v))), nul };
  if (a.kind === 'string' && b.kind === 'string') {
    if (!a.neg && !b.neg)
      return { kind: 'string', neg: false, values: new Set([...a.values].filter((v) => b.values.has(v))), nul };
    if (a.neg && b.neg) return { kind: 'string', neg: true, values: new Set([...a.values, ...b.values]), nul };
    const [pos, neg] = a.neg ? [b, a] : [a, b];
    return { kind: 'string', neg: false, values: new Set([...pos.values].filter((v) => !neg.values.has(v))), nul };
  }
  throw new Error('dimension kinds differ');
}

function complementSet(s: DimSet, dim: Dim): DimSet {
  const nul = dim.nullable && !s.nul;
  if (s.kind === 'number') return { kind: 'number', intervals: ivsComplement(s.intervals), nul };
  if (s.kind === 'enum') return { kind: 'enum', values: new Set(dim.domain.filter((v) => !s.values.has(v))), nul };
  return { kind: 'string', neg: !s.neg, values: s.values, nul };
}

// ---- boxes and regions -----------------------------------------------------------------------------------

function intersectBoxes(a: Box, b: Box): Box | undefined {
  const out = new Map(a);
  for (const [key, set] of b) {
    const mine = out.get(key);
    const both = mine ? intersectSets(mine, set) : set;
    if (isEmptySet(both)) return undefined;
    out.set(key, both);
  }
  return out;
}

/** `a \ b` as disjoint boxes. */
function subtractBox(a: Box, b: Box, dims: ReadonlyMap<string, Dim>): Box[] {
  const out: Box[] = [];
  let rest = new Map(a);
  for (const [key, bSet] of b) {
    const dim = dims.get(key);
    if (!dim) return [a];
    const aSet = rest.get(key) ?? fullSet(dim);
    const outside = intersectSets(aSet, complementSet(bSet, dim));
    if (!isEmptySet(outside)) out.push(new Map(rest).set(key, outside));
    const inside = intersectSets(aSet, bSet);
    if (isEmptySet(inside)) return out;
    rest = new Map(rest).set(key, inside);
  }
  return out;
}

/** `a ∩ b`, or undefined when too large. */
export function intersectRegions(a: Region, b: Region): Region | undefined {
  const out: Box[] = [];
  for (const x of a)
    for (const y of b) {
      const box = intersectBoxes(x, y);
      if (box) out.push(box);
      if (out.length > MAX_BOXES) return undefined;
    }
  return out;
}

/** `a ∪ b`, or undefined when too large. */
export function unionRegions(a: Region, b: Region): Region | undefined {
  return a.length + b.length > MAX_BOXES ? undefined : [...a, ...b];
}

/** `a \ b`, or undefined when too large. */
export function subtractRegion(a: Region, b: Region, dims: ReadonlyMap<string, Dim>): Region | undefined {
  let current: Box[] = [...a];
  for (const box of b) {
    current = current.flatMap((x) => subtractBox(x, box, dims));
    if (current.length === 0) return [];
    if (current.length > MAX_BOXES) return undefined;
  }
  return current;
}

/** Everything not in `r`, or undefined when too large. */
export function complementRegion(r: Region, dims: ReadonlyMap<string, Dim>): Region | undefined {
  return subtractRegion(TOP, r, dims);
}

/** True only when `a ⊆ b` is proven. */
export function isCovered(a: Region, b: Region, dims: ReadonlyMap<string, Dim>): boolean {
  const rest = subtractRegion(a, b, dims);
  return rest !== undefined && rest.length === 0;
}

/** True when the regions are proven to share a point; false when disjoint or unknown. */
export function overlaps(a: Region, b: Region): boolean {
  const both = intersectRegions(a, b);
  return both !== undefined && both.length > 0;
}
