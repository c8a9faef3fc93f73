import {
  Collector,
  diffEntries,
  diffFields,
  diffKeyed,
  diffScalars,
  diffSet,
  type Item,
  type Keyed,
  type Path,
} from './diffCollector.js';
import type { PolicyChange } from './policyChange.js';
import type { Policy } from './types.js';

/**
 * A semantic diff between two versions of a policy: what policy staff changed, keyed by the stable ids of
 * what they edit (routing rows and time-limit cells by `id`, categories by `code`, attributes by code within
 * their category, rules by key, holidays by date…) rather than by line. Routing rows that changed place are
 * reported as `moved`, since the first matching row wins.
 */

export type { PolicyChange, PolicyChangeKind } from './policyChange.js';

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
  const date = (d: { date: string }): string => d.date;
  /** A keyed collection at the path its section names (`timeLimits.handling` at `/timeLimits/handling`). */
  const keyed = <T>(
    section: string,
    get: (p: Policy) => readonly T[],
    by: (item: T) => string,
    more: Pick<Keyed<T>, 'ordered' | 'skip' | 'nested'> = {},
  ): void => {
    const path = section.split('.');
    diffKeyed(c, {
      section,
      before: get(before),
      after: get(after),
      beforePath: path,
      afterPath: path,
      key: by,
      ...more,
    });
  };
  /** A set of codes at the path its section names. */
  const set = (section: string, get: (p: Policy) => readonly string[]): void => {
    const path = section.split('.');
    diffSet(c, section, get(before), get(after), path, path);
  };
  diffScalars(
    c,
    'meta',
    asItem(before),
    asItem(after),
    ['id', 'version', 'status', 'effectiveFrom', 'author', 'changeNote', 'name'],
    [],
  );

  const bo = before.organisation;
  const ao = after.organisation;
  keyed('organisation.levels', (p) => p.organisation.levels, code);
  diffScalars(c, 'organisation', asItem(bo), asItem(ao), ['escalationPath'], ['organisation']);
  for (const part of ['departments', 'roles'] as const)
    keyed(`organisation.${part}`, (p) => p.organisation[part], code);
  keyed('urgencies', (p) => p.urgencies, code);
  keyed('categories', (p) => p.categories, code, {
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
  keyed('routing.rows', (p) => p.routing.rows, key, { ordered: true });

  const bt = before.timeLimits;
  const at = after.timeLimits;
  keyed('timeLimits.handling', (p) => p.timeLimits.handling, key);
  keyed('timeLimits.total', (p) => p.timeLimits.total, key);
  keyed('timeLimits.filing', (p) => p.timeLimits.filing ?? [], key);
  for (const limit of ['signing', 'contact', 'whistleCheckIn'] as const)
    diffFields(c, 'timeLimits', limit, bt[limit], at[limit], ['timeLimits', limit]);
  diffScalars(
    c,
    'timeLimits',
    asItem(bt),
    asItem(at),
    ['warningAt', 'publicNoticeAfterWorkingDays', 'higherLevelsNotShorter'],
    ['timeLimits'],
  );

  diffScalars(
    c,
    'calendar',
    asItem(before.calendar),
    asItem(after.calendar),
    ['timeZone', 'workingDays', 'workingHours'],
    ['calendar'],
  );
  keyed('calendar.holidays', (p) => p.calendar.holidays, date);
  keyed('calendar.makeUpWorkdays', (p) => p.calendar.makeUpWorkdays, date);

  const br = asItem(before.rules);
  const ar = asItem(after.rules);
  const ruleKeys = [...new Set([...Object.keys(br), ...Object.keys(ar)])].filter((k) => k !== 'limits');
  diffEntries(c, 'rules', br, ar, ruleKeys, ['rules']);
  diffScalars(
    c,
    'rules.limits',
    asItem(before.rules.limits),
    asItem(after.rules.limits),
    ['maxExtensions', 'maxReturns', 'maxWhistleDepartments'],
    ['rules', 'limits'],
  );

  const bk = before.coordination;
  const ak = after.coordination;
  set('coordination.requiredParties', (p) => p.coordination.requiredParties);
  diffScalars(c, 'coordination', asItem(bk), asItem(ak), ['noticeDays', 'quorum', 'actionItemDays'], ['coordination']);
  keyed('coordination.matterTypes', (p) => p.coordination.matterTypes, key);
  diffFields(
    c,
    'coordination.ownersVote',
    'ownersVote',
    { ...bk.ownersVote, majorMatters: undefined },
    { ...ak.ownersVote, majorMatters: undefined },
    ['coordination', 'ownersVote'],
  );
  const mm: Path = ['coordination', 'ownersVote', 'majorMatters'];
  diffSet(c, 'coordination.majorMatters', bk.ownersVote.majorMatters, ak.ownersVote.majorMatters, mm, mm);
  // The meeting's checks, by key (a rule left out is the default one).
  const bcr = asItem(bk.rules ?? {});
  const acr = asItem(ak.rules ?? {});
  diffEntries(
    c,
    'coordination.rules',
    bcr,
    acr,
    [...new Set([...Object.keys(bcr), ...Object.keys(acr)])],
    ['coordination', 'rules'],
  );

  keyed('evaluation.scale', (p) => p.evaluation.scale, code, { ordered: true });
  set('evaluation.unsatisfied', (p) => p.evaluation.unsatisfied);
  diffScalars(
    c,
    'evaluation',
    asItem(before.evaluation),
    asItem(after.evaluation),
    [
      'basicallySatisfiedWeight',
      'revisitAttempts',
      'ratingThatCounts',
      'exclusionsNeedApproval',
      'publicNoticeNeedsApproval',
    ],
    ['evaluation'],
  );
  keyed('evaluation.controllableReasons', (p) => p.evaluation.controllableReasons, code);
  keyed('evaluation.indicators', (p) => p.evaluation.indicators, code);

  keyed('permissions', (p) => p.permissions, key);
  set('privacy.unmaskedRoles', (p) => p.privacy.unmaskedRoles);
  return c.changes;
}
