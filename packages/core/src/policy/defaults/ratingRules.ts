import { t } from '../../i18n.js';
import type { RuleDef } from '../types.js';

/**
 * Who may record an evaluation's rating (rule `raterAllowed`, read on `evaluation.rate`): anyone the permissions let
 * rate it except the rated unit's own staff, so no unit rates its own response (满意率 is the residents' and the
 * lower levels' word). The resident, the 12345 platform recording the rating on the resident's behalf and a street
 * rating a department it summoned (下评上) are not members of the rated unit.
 *
 * The default policy carries it as `rules.raterAllowed`; a policy without that rule (one stored before it existed)
 * gets this one, so its ratings are protected as well.
 *
 * @example
 * DEFAULT_RATER_ALLOWED.logic; // { '!': { in: [{ var: 'evaluation.unit' }, { var: 'actor.units' }] } }
 */
function frozen<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}

export const DEFAULT_RATER_ALLOWED: Readonly<RuleDef> = frozen({
  id: 'rule-rater',
  name: t('评价人不属于被评价单位', 'The rater is not a member of the rated unit'),
  description: t(
    '被评价单位的工作人员不能评价本单位的办理结果；群众本人、代为记录评价的12345平台和其他单位可以评价',
    'Staff of the rated unit may not rate its response; the resident, the 12345 platform recording the rating for them and other units may',
  ),
  logic: { '!': { in: [{ var: 'evaluation.unit' }, { var: 'actor.units' }] } },
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
