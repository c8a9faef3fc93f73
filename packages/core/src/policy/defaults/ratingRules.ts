import { t } from '../../i18n.js';
import type { RuleDef } from '../types.js';

function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Who may record an evaluation's rating (rule `raterAllowed`, read on `evaluation.rate`): anyone the permissions let
 * rate it, except the rated unit's own staff, so that no unit rates its own response (满意率 is the residents' and
 * the lower levels' word). The resident who called rates their own matter (谁呼谁评) even where they live in the
 * rated unit (a directory may list residents' home grid, community and street); anyone else — the 12345 platform
 * recording the rating for them, a street rating a department it summoned (下评上) — must not belong to the rated
 * unit.
 *
 * The default policy carries it as `rules.raterAllowed`; a policy without that rule (one stored before it existed)
 * gets this one, so its ratings are protected as well.
 *
 * @example
 * DEFAULT_RATER_ALLOWED.name.zh; // '评价人回避'
 */
export const DEFAULT_RATER_ALLOWED: Readonly<RuleDef> = frozen({
  id: 'rule-rater',
  name: t('评价人回避', 'The rated unit does not rate itself'),
  description: t(
    '被评价单位的工作人员不能评价本单位的办理结果；群众本人评价自己反映的事项，代为记录评价的12345平台和其他单位须不属于被评价单位',
    'Staff of the rated unit may not rate its response; the resident rates their own matter, and the 12345 platform recording the rating for them or another unit must not belong to the rated unit',
  ),
  logic: {
    or: [
      { '!': { in: [{ var: 'evaluation.unit' }, { var: 'actor.units' }] } },
      {
        and: [
          { '==': [{ var: 'actor.id' }, { var: 'evaluation.evaluatorId' }] },
          { in: ['resident', { var: 'actor.roles' }] },
        ],
      },
    ],
  },
});

/**
 * Built-in rules that apply even where a policy leaves them out: their default stands in (unlike `autoFile`, whose
 * absence means "never").
 */
const STANDING_DEFAULTS: Readonly<Record<string, Readonly<RuleDef>>> = Object.freeze({
  raterAllowed: DEFAULT_RATER_ALLOWED,
});

/**
 * The default that stands in for built-in rule `key` when a policy has none, if the rule always applies.
 *
 * @example
 * standingDefaultRule('raterAllowed') === DEFAULT_RATER_ALLOWED; // true
 * standingDefaultRule('autoFile'); // undefined
 */
export function standingDefaultRule(key: string): Readonly<RuleDef> | undefined {
  return Object.hasOwn(STANDING_DEFAULTS, key) ? STANDING_DEFAULTS[key] : undefined;
}
