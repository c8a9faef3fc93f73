import type { CoordinationPolicy, DecisionRule } from '../../policy/types.js';
import type { PartyVote } from './types.js';

/**
 * The decision rule of a three-party meeting's resolution: consensus or majority among the required parties
 * present, by matter type.
 *
 * @module
 */

/**
 * Whether a resolution's votes satisfy the matter type's decision rule among the voters (the required parties
 * present): `consensus` — every voter votes yes; `majority` — more than half of the voters vote yes.
 *
 * @example
 * decisionRuleMet('majority', ['community', 'owners_committee', 'property_company'],
 *   { community: 'yes', owners_committee: 'yes', property_company: 'no' }); // true
 */
export function decisionRuleMet(
  rule: DecisionRule,
  voters: readonly string[],
  votes: Readonly<Record<string, PartyVote>>,
): boolean {
  if (voters.length === 0) return false;
  const yes = voters.filter((p) => votes[p] === 'yes').length;
  return rule === 'consensus' ? yes === voters.length : yes * 2 > voters.length;
}

/**
 * The decision rule of a matter type (consensus when the type is unknown: the safer rule).
 *
 * @example
 * decisionRuleOf(createDefaultPolicy().coordination, 'property_fees'); // 'consensus'
 */
export function decisionRuleOf(coordination: CoordinationPolicy, matterType: string): DecisionRule {
  return coordination.matterTypes.find((m) => m.code === matterType)?.decision ?? 'consensus';
}
