import { Collector, diffFields, diffKeyed, diffScalars, diffSet, type Item, type Path } from './diffCollector.js';
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
  diffKeyed(c, {
    section: 'organisation.levels',
    before: bo.levels,
    after: ao.levels,
    beforePath: ['organisation', 'levels'],
    afterPath: ['organisation', 'levels'],
    key: code,
  });
  diffScalars(c, 'organisation', asItem(bo), asItem(ao), ['escalationPath'], ['organisation']);
  for (const part of ['departments', 'roles'] as const)
    diffKeyed(c, {
      section: `organisation.${part}`,
      before: bo[part],
      after: ao[part],
      beforePath: ['organisation', part],
      afterPath: ['organisation', part],
      key: code,
    });
  diffKeyed(c, {
    section: 'urgencies',
    before: before.urgencies,
    after: after.urgencies,
    beforePath: ['urgencies'],
    afterPath: ['urgencies'],
    key: code,
  });
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
  diffKeyed(c, {
    section: 'routing.rows',
    before: before.routing.rows,
    after: after.routing.rows,
    beforePath: ['routing', 'rows'],
    afterPath: ['routing', 'rows'],
    key,
    ordered: true,
  });

  const bt = before.timeLimits;
  const at = after.timeLimits;
  diffKeyed(c, {
    section: 'timeLimits.handling',
    before: bt.handling,
    after: at.handling,
    beforePath: ['timeLimits', 'handling'],
    afterPath: ['timeLimits', 'handling'],
    key,
  });
  diffKeyed(c, {
    section: 'timeLimits.total',
    before: bt.total,
    after: at.total,
    beforePath: ['timeLimits', 'total'],
    afterPath: ['timeLimits', 'total'],
    key,
  });
  diffKeyed(c, {
    section: 'timeLimits.filing',
    before: bt.filing ?? [],
    after: at.filing ?? [],
    beforePath: ['timeLimits', 'filing'],
    afterPath: ['timeLimits', 'filing'],
    key,
  });
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

  const bc = before.calendar;
  const ac = after.calendar;
  diffScalars(c, 'calendar', asItem(bc), asItem(ac), ['timeZone', 'workingDays', 'workingHours'], ['calendar']);
  const date = (d: { date: string }): string => d.date;
  diffKeyed(c, {
    section: 'calendar.holidays',
    before: bc.holidays,
    after: ac.holidays,
    beforePath: ['calendar', 'holidays'],
    afterPath: ['calendar', 'holidays'],
    key: date,
  });
  diffKeyed(c, {
    section: 'calendar.makeUpWorkdays',
    before: bc.makeUpWorkdays,
    after: ac.makeUpWorkdays,
    beforePath: ['calendar', 'makeUpWorkdays'],
    afterPath: ['calendar', 'makeUpWorkdays'],
    key: date,
  });

  const ruleKeys = [...new Set([...Object.keys(before.rules), ...Object.keys(after.rules)])].filter(
    (k) => k !== 'limits',
  );
  const br = asItem(before.rules);
  const ar = asItem(after.rules);
  for (const k of ruleKeys) {
    if (br[k] === undefined) c.added('rules', k, ['rules', k], ar[k]);
    else if (ar[k] === undefined) c.removed('rules', k, ['rules', k], br[k]);
    else diffFields(c, 'rules', k, br[k], ar[k], ['rules', k]);
  }
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
  diffSet(
    c,
    'coordination.requiredParties',
    bk.requiredParties,
    ak.requiredParties,
    ['coordination', 'requiredParties'],
    ['coordination', 'requiredParties'],
  );
  diffScalars(c, 'coordination', asItem(bk), asItem(ak), ['noticeDays', 'quorum', 'actionItemDays'], ['coordination']);
  diffKeyed(c, {
    section: 'coordination.matterTypes',
    before: bk.matterTypes,
    after: ak.matterTypes,
    beforePath: ['coordination', 'matterTypes'],
    afterPath: ['coordination', 'matterTypes'],
    key,
  });
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
  for (const k of [...new Set([...Object.keys(bcr), ...Object.keys(acr)])]) {
    const at: Path = ['coordination', 'rules', k];
    if (bcr[k] === undefined) c.added('coordination.rules', k, at, acr[k]);
    else if (acr[k] === undefined) c.removed('coordination.rules', k, at, bcr[k]);
    else diffFields(c, 'coordination.rules', k, bcr[k], acr[k], at);
  }

  const be = before.evaluation;
  const ae = after.evaluation;
  diffKeyed(c, {
    section: 'evaluation.scale',
    before: be.scale,
    after: ae.scale,
    beforePath: ['evaluation', 'scale'],
    afterPath: ['evaluation', 'scale'],
    key: code,
    ordered: true,
  });
  diffSet(
    c,
    'evaluation.unsatisfied',
    be.unsatisfied,
    ae.unsatisfied,
    ['evaluation', 'unsatisfied'],
    ['evaluation', 'unsatisfied'],
  );
  diffScalars(
    c,
    'evaluation',
    asItem(be),
    asItem(ae),
    [
      'basicallySatisfiedWeight',
      'revisitAttempts',
      'ratingThatCounts',
      'exclusionsNeedApproval',
      'publicNoticeNeedsApproval',
    ],
    ['evaluation'],
  );
  const reasons: Path = ['evaluation', 'controllableReasons'];
  diffKeyed(c, {
    section: 'evaluation.controllableReasons',
    before: be.controllableReasons,
    after: ae.controllableReasons,
    beforePath: reasons,
    afterPath: reasons,
    key: code,
  });
  diffKeyed(c, {
    section: 'evaluation.indicators',
    before: be.indicators,
    after: ae.indicators,
    beforePath: ['evaluation', 'indicators'],
    afterPath: ['evaluation', 'indicators'],
    key: code,
  });

  diffKeyed(c, {
    section: 'permissions',
    before: before.permissions,
    after: after.permissions,
    beforePath: ['permissions'],
    afterPath: ['permissions'],
    key,
  });
  diffSet(
    c,
    'privacy.unmaskedRoles',
    before.privacy.unmaskedRoles,
    after.privacy.unmaskedRoles,
    ['privacy', 'unmaskedRoles'],
    ['privacy', 'unmaskedRoles'],
  );
  return c.changes;
}
