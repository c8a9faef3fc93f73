import type { LocalizedText } from '../i18n.js';
import { toPointer } from '../problems.js';
import { SECTION_NAMES, fieldName } from './diffLabels.js';
import type { Policy } from './types.js';

/**
 * A semantic diff between two versions of a policy: what policy staff changed, keyed by the stable ids of
 * what they edit (routing rows and time-limit cells by `id`, categories by `code`, attributes by code within
 * their category, rules by key, holidays by date…) rather than by line. Routing rows that changed place are
 * reported as `moved`, since the first matching row wins.
 */

export type PolicyChangeKind = 'added' | 'removed' | 'changed' | 'moved';

export interface PolicyChange {
  kind: PolicyChangeKind;
  /** What part of the policy: `meta`, `routing.rows`, `timeLimits.handling`, `categories.attributes`, … */
  section: string;
  /** The stable id of the thing changed within its section (row id, cell id, category code, holiday date, field name…). */
  id: string;
  /** JSON Pointer in `after` (in `before` for `removed`). */
  path: string;
  /** For `changed`: which field of the thing. */
  field?: string;
  /** The old value (`changed`, `removed`) or the old position, 0-based (`moved`). */
  before?: unknown;
  /** The new value (`changed`, `added`) or the new position, 0-based (`moved`). */
  after?: unknown;
  summary: LocalizedText;
}

type Path = (string | number)[];
type Item = Record<string, unknown>;

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

class Collector {
  readonly changes: PolicyChange[] = [];

  private section(section: string): LocalizedText {
    return SECTION_NAMES[section] ?? { zh: section, en: section };
  }

  added(section: string, id: string, path: Path, after: unknown): void {
    const s = this.section(section);
    this.changes.push({ kind: 'added', section, id, path: toPointer(path), after, summary: { zh: `新增${s.zh}“${id}”`, en: `Added ${s.en} "${id}"` } });
  }

  removed(section: string, id: string, path: Path, before: unknown): void {
    const s = this.section(section);
    this.changes.push({ kind: 'removed', section, id, path: toPointer(path), before, summary: { zh: `删除${s.zh}“${id}”`, en: `Removed ${s.en} "${id}"` } });
  }

  changed(section: string, id: string, path: Path, field: string | undefined, before: unknown, after: unknown): void {
    const s = this.section(section);
    const f = field === undefined ? undefined : fieldName(field);
    const what = f ? { zh: `${s.zh}“${id}”的${f.zh}`, en: `the ${f.en} of ${s.en} "${id}"` } : { zh: `${s.zh}“${id}”`, en: `${s.en} "${id}"` };
    this.changes.push({
      kind: 'changed',
      section,
      id,
      path: toPointer(path),
      ...(field === undefined ? {} : { field }),
      before,
      after,
      summary: { zh: `${what.zh}由 ${show(before)} 改为 ${show(after)}`, en: `Changed ${what.en} from ${show(before)} to ${show(after)}` },
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
      summary: { zh: `${s.zh}“${id}”从第 ${from + 1} 位移到第 ${to + 1} 位`, en: `Moved ${s.en} "${id}" from position ${from + 1} to ${to + 1}` },
    });
  }
}

/** Compares two values field by field (or whole when not objects). */
function diffFields(c: Collector, section: string, id: string, before: unknown, after: unknown, path: Path, skip: readonly string[] = []): void {
  const isObj = (v: unknown): v is Item => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(before) || !isObj(after)) {
    if (!same(before, after)) c.changed(section, id, path, undefined, before, after);
    return;
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !skip.includes(k));
  for (const key of keys) if (!same(before[key], after[key])) c.changed(section, id, [...path, key], key, before[key], after[key]);
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
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] === b[j]) {
      kept.add(a[i] as string);
      i++;
      j++;
    } else if ((lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  return new Set([...common].filter((id) => !kept.has(id)));
}

interface Keyed<T> {
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

function diffKeyed<T>(c: Collector, spec: Keyed<T>): void {
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
  for (const [id, i] of before) if (!after.has(id)) c.removed(spec.section, id, [...spec.beforePath, i], spec.before[i]);
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
function diffSet(c: Collector, section: string, before: readonly string[], after: readonly string[], beforePath: Path, afterPath: Path): void {
  diffKeyed(c, { section, before, after, beforePath, afterPath, key: (v) => v });
}

/** Plain fields of an object, each reported as a change of its own (id = field name). */
function diffScalars(c: Collector, section: string, before: Item, after: Item, fields: readonly string[], path: Path): void {
  for (const f of fields) if (!same(before[f], after[f])) c.changed(section, f, [...path, f], f, before[f], after[f]);
}

const asItem = (v: object): Item => v as Item;

/**
 * The changes from one policy version to the next, in document order. Identical policies give `[]`.
 *
 * @example
 * const after = createDefaultPolicy();
 * after.timeLimits.handling[0].duration = 'PT30M';
 * diffPolicies(createDefaultPolicy(), after);
 * // [{ kind: 'changed', section: 'timeLimits.handling', id: 'c-grid-emergency', field: 'duration',
 * //    path: '/timeLimits/handling/0/duration', before: 'PT1H', after: 'PT30M', summary: { zh: '…', en: '…' } }]
 */
export function diffPolicies(before: Policy, after: Policy): PolicyChange[] {
  const c = new Collector();
  const key = (p: { id: string }): string => p.id;
  const code = (p: { code: string }): string => p.code;
  diffScalars(c, 'meta', asItem(before), asItem(after), ['id', 'version', 'status', 'effectiveFrom', 'author', 'changeNote', 'name'], []);

  const bo = before.organisation;
  const ao = after.organisation;
  diffKeyed(c, { section: 'organisation.levels', before: bo.levels, after: ao.levels, beforePath: ['organisation', 'levels'], afterPath: ['organisation', 'levels'], key: code });
  diffScalars(c, 'organisation', asItem(bo), asItem(ao), ['escalationPath'], ['organisation']);
  for (const part of ['departments', 'roles'] as const)
    diffKeyed(c, { section: `organisation.${part}`, before: bo[part], after: ao[part], beforePath: ['organisation', part], afterPath: ['organisation', part], key: code });
  diffKeyed(c, { section: 'urgencies', before: before.urgencies, after: after.urgencies, beforePath: ['urgencies'], afterPath: ['urgencies'], key: code });
  diffKeyed(c, {
    section: 'categories',
    before: before.categories,
    after: after.categories,
    beforePath: ['categories'],
    afterPath: ['categories'],
    key: code,
    skip: ['attributes'],
    nested: (b, a, bp, ap) =>
      diffKeyed(c, {
        section: 'categories.attributes',
        before: b.attributes,
        after: a.attributes,
        beforePath: [...bp, 'attributes'],
        afterPath: [...ap, 'attributes'],
        key: (attr) => `${a.code}/${attr.code}`,
        ordered: true,
      }),
  });
  diffKeyed(c, { section: 'routing.rows', before: before.routing.rows, after: after.routing.rows, beforePath: ['routing', 'rows'], afterPath: ['routing', 'rows'], key, ordered: true });

  const bt = before.timeLimits;
  const at = after.timeLimits;
  diffKeyed(c, { section: 'timeLimits.handling', before: bt.handling, after: at.handling, beforePath: ['timeLimits', 'handling'], afterPath: ['timeLimits', 'handling'], key });
  diffKeyed(c, { section: 'timeLimits.total', before: bt.total, after: at.total, beforePath: ['timeLimits', 'total'], afterPath: ['timeLimits', 'total'], key });
  for (const limit of ['signing', 'contact', 'whistleCheckIn'] as const) diffFields(c, 'timeLimits', limit, bt[limit], at[limit], ['timeLimits', limit]);
  diffScalars(c, 'timeLimits', asItem(bt), asItem(at), ['warningAt', 'publicNoticeAfterWorkingDays', 'higherLevelsNotShorter'], ['timeLimits']);

  const bc = before.calendar;
  const ac = after.calendar;
  diffScalars(c, 'calendar', asItem(bc), asItem(ac), ['timeZone', 'workingDays', 'workingHours'], ['calendar']);
  const date = (d: { date: string }): string => d.date;
  diffKeyed(c, { section: 'calendar.holidays', before: bc.holidays, after: ac.holidays, beforePath: ['calendar', 'holidays'], afterPath: ['calendar', 'holidays'], key: date });
  diffKeyed(c, { section: 'calendar.makeUpWorkdays', before: bc.makeUpWorkdays, after: ac.makeUpWorkdays, beforePath: ['calendar', 'makeUpWorkdays'], afterPath: ['calendar', 'makeUpWorkdays'], key: date });

  const ruleKeys = [...new Set([...Object.keys(before.rules), ...Object.keys(after.rules)])].filter((k) => k !== 'limits');
  const br = asItem(before.rules);
  const ar = asItem(after.rules);
  for (const k of ruleKeys) {
    if (br[k] === undefined) c.added('rules', k, ['rules', k], ar[k]);
    else if (ar[k] === undefined) c.removed('rules', k, ['rules', k], br[k]);
    else diffFields(c, 'rules', k, br[k], ar[k], ['rules', k]);
  }
  diffScalars(c, 'rules.limits', asItem(before.rules.limits), asItem(after.rules.limits), ['maxExtensions', 'maxReturns', 'maxWhistleDepartments'], ['rules', 'limits']);

  const bk = before.coordination;
  const ak = after.coordination;
  diffSet(c, 'coordination.requiredParties', bk.requiredParties, ak.requiredParties, ['coordination', 'requiredParties'], ['coordination', 'requiredParties']);
  diffScalars(c, 'coordination', asItem(bk), asItem(ak), ['noticeDays', 'quorum', 'actionItemDays'], ['coordination']);
  diffKeyed(c, { section: 'coordination.matterTypes', before: bk.matterTypes, after: ak.matterTypes, beforePath: ['coordination', 'matterTypes'], afterPath: ['coordination', 'matterTypes'], key });
  diffFields(c, 'coordination.ownersVote', 'ownersVote', { ...bk.ownersVote, majorMatters: undefined }, { ...ak.ownersVote, majorMatters: undefined }, ['coordination', 'ownersVote']);
  const mm: Path = ['coordination', 'ownersVote', 'majorMatters'];
  diffSet(c, 'coordination.majorMatters', bk.ownersVote.majorMatters, ak.ownersVote.majorMatters, mm, mm);

  const be = before.evaluation;
  const ae = after.evaluation;
  diffKeyed(c, { section: 'evaluation.scale', before: be.scale, after: ae.scale, beforePath: ['evaluation', 'scale'], afterPath: ['evaluation', 'scale'], key: code, ordered: true });
  diffSet(c, 'evaluation.unsatisfied', be.unsatisfied, ae.unsatisfied, ['evaluation', 'unsatisfied'], ['evaluation', 'unsatisfied']);
  diffScalars(c, 'evaluation', asItem(be), asItem(ae), ['basicallySatisfiedWeight', 'revisitAttempts', 'ratingThatCounts', 'exclusionsNeedApproval', 'publicNoticeNeedsApproval'], ['evaluation']);
  const reasons: Path = ['evaluation', 'controllableReasons'];
  diffKeyed(c, { section: 'evaluation.controllableReasons', before: be.controllableReasons, after: ae.controllableReasons, beforePath: reasons, afterPath: reasons, key: code });
  diffKeyed(c, { section: 'evaluation.indicators', before: be.indicators, after: ae.indicators, beforePath: ['evaluation', 'indicators'], afterPath: ['evaluation', 'indicators'], key: code });

  diffKeyed(c, { section: 'permissions', before: before.permissions, after: after.permissions, beforePath: ['permissions'], afterPath: ['permissions'], key });
  diffSet(c, 'privacy.unmaskedRoles', before.privacy.unmaskedRoles, after.privacy.unmaskedRoles, ['privacy', 'unmaskedRoles'], ['privacy', 'unmaskedRoles']);
  return c.changes;
}
