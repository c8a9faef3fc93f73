import type { LocalizedText } from '../i18n.js';
import { toPointer } from '../problems.js';
import { isPlainObject } from '../rules/tree/json.js';
import { SECTION_NAMES, fieldName } from './diffLabels.js';
import type { PolicyChange } from './policyChange.js';

/**
 * The machinery of the semantic policy diff: canonical comparison, a collector that words each change, and
 * comparisons of keyed collections (with reordering detected as moves), sets of codes and plain fields.
 */

export type Path = (string | number)[];
export type Item = Record<string, unknown>;

/** JSON with sorted keys, so that key order never counts as a change. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Item)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

const same = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

const show = (value: unknown): string => {
  const text = value === undefined ? '—' : typeof value === 'string' ? value : canonical(value);
  return text.length > 80 ? text.slice(0, 77) + '…' : text;
};

export class Collector {
  readonly changes: PolicyChange[] = [];

  private section(section: string): LocalizedText {
    return SECTION_NAMES[section] ?? { zh: section, en: section };
  }

  added(section: string, id: string, path: Path, after: unknown): void {
    const s = this.section(section);
    this.changes.push({
      kind: 'added',
      section,
      id,
      path: toPointer(path),
      after,
      summary: { zh: `新增${s.zh}“${id}”`, en: `Added ${s.en} "${id}"` },
    });
  }

  removed(section: string, id: string, path: Path, before: unknown): void {
    const s = this.section(section);
    this.changes.push({
      kind: 'removed',
      section,
      id,
      path: toPointer(path),
      before,
      summary: { zh: `删除${s.zh}“${id}”`, en: `Removed ${s.en} "${id}"` },
    });
  }

  changed(section: string, id: string, path: Path, field: string | undefined, before: unknown, after: unknown): void {
    const s = this.section(section);
    const f = field === undefined ? undefined : fieldName(field);
    const what = f
      ? { zh: `${s.zh}“${id}”的${f.zh}`, en: `the ${f.en} of ${s.en} "${id}"` }
      : { zh: `${s.zh}“${id}”`, en: `${s.en} "${id}"` };
    this.changes.push({
      kind: 'changed',
      section,
      id,
      path: toPointer(path),
      ...(field === undefined ? {} : { field }),
      before,
      after,
      summary: {
        zh: `${what.zh}由 ${show(before)} 改为 ${show(after)}`,
        en: `Changed ${what.en} from ${show(before)} to ${show(after)}`,
      },
    });
  }

  moved(section: string, id: string, path: Path, from: number, to: number): void {
    const s = this.section(section);
    this.changes.push({
      kind: 'moved',
      section,
      id,
      path: toPointer(path),
      before: from,
      after: to,
      summary: {
        zh: `${s.zh}“${id}”从第 ${from + 1} 位移到第 ${to + 1} 位`,
        en: `Moved ${s.en} "${id}" from position ${from + 1} to ${to + 1}`,
      },
    });
  }
}

/** Compares two values field by field (or whole when not objects). */
export function diffFields(
  c: Collector,
  section: string,
  id: string,
  before: unknown,
  after: unknown,
  path: Path,
  skip: readonly string[] = [],
): void {
  if (!isPlainObject(before) || !isPlainObject(after)) {
    if (!same(before, after)) c.changed(section, id, path, undefined, before, after);
    return;
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.includes(k));
  for (const key of keys)
    if (!same(before[key], after[key])) c.changed(section, id, [...path, key], key, before[key], after[key]);
}

/** Positions of items that are not on a longest common subsequence of the two orders: the moved ones. */
function movedIds(beforeOrder: string[], afterOrder: string[]): Set<string> {
  const common = new Set(beforeOrder.filter((id) => afterOrder.includes(id)));
  const a = beforeOrder.filter((id) => common.has(id));
  const b = afterOrder.filter((id) => common.has(id));
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--) {
      const row = lcs[i] as number[];
      row[j] = a[i] === b[j] ? (lcs[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lcs[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      kept.add(a[i] as string);
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  return new Set([...common].filter((id) => !kept.has(id)));
}

export interface Keyed<T> {
  section: string;
  before: readonly T[];
  after: readonly T[];
  beforePath: Path;
  afterPath: Path;
  key: (item: T) => string;
  /** Report reordering as `moved`. */
  ordered?: boolean;
  /** Fields compared elsewhere (nested collections). */
  skip?: readonly string[];
  nested?: (before: T, after: T, beforePath: Path, afterPath: Path) => void;
}

export function diffKeyed<T>(c: Collector, spec: Keyed<T>): void {
  const index = (list: readonly T[]): Map<string, number> => {
    const map = new Map<string, number>();
    list.forEach((item, i) => {
      const k = spec.key(item);
      if (!map.has(k)) map.set(k, i);
    });
    return map;
  };
  const before = index(spec.before);
  const after = index(spec.after);
  for (const [id, i] of before)
    if (!after.has(id)) c.removed(spec.section, id, [...spec.beforePath, i], spec.before[i]);
  const moved = spec.ordered ? movedIds([...before.keys()], [...after.keys()]) : new Set<string>();
  for (const [id, j] of after) {
    const i = before.get(id);
    const a = spec.after[j] as T;
    if (i === undefined) {
      c.added(spec.section, id, [...spec.afterPath, j], a);
      continue;
    }
    const b = spec.before[i] as T;
    if (moved.has(id)) c.moved(spec.section, id, [...spec.afterPath, j], i, j);
    diffFields(c, spec.section, id, b, a, [...spec.afterPath, j], spec.skip);
    spec.nested?.(b, a, [...spec.beforePath, i], [...spec.afterPath, j]);
  }
}

/** Lists of codes whose order does not matter: each value added or removed. */
export function diffSet(
  c: Collector,
  section: string,
  before: readonly string[],
  after: readonly string[],
  beforePath: Path,
  afterPath: Path,
): void {
  diffKeyed(c, { section, before, after, beforePath, afterPath, key: (v) => v });
}

/** Named entries of an object (rules by key): each one added, removed or changed field by field (id = its key). */
export function diffEntries(
  c: Collector,
  section: string,
  before: Item,
  after: Item,
  keys: readonly string[],
  path: Path,
): void {
  for (const k of keys) {
    const at: Path = [...path, k];
    if (before[k] === undefined) c.added(section, k, at, after[k]);
    else if (after[k] === undefined) c.removed(section, k, at, before[k]);
    else diffFields(c, section, k, before[k], after[k], at);
  }
}

/** Plain fields of an object, each reported as a change of its own (id = field name). */
export function diffScalars(
  c: Collector,
  section: string,
  before: Item,
  after: Item,
  fields: readonly string[],
  path: Path,
): void {
  for (const f of fields) if (!same(before[f], after[f])) c.changed(section, f, [...path, f], f, before[f], after[f]);
}
