import { COORDINATION_RULE_PREFIX } from '../../policy/defaults/coordinationRules.js';
import type { CoordinationRuleKey } from '../../policy/types.js';
import type { ProcessEnv } from '../contract/types.js';
import { unique } from './matter.js';
import { ownersVoteFacts } from './ownersVote.js';
import type { CoordinationSettings, Meeting, OwnersVoteTotals } from './types.js';

/**
 * The policy checks of a three-party matter, shared by its guards and actions: each check is a policy rule
 * (`coordination.<name>`), evaluated once per event.
 *
 * @module
 */

const HOUR_MS = 3_600_000;

/** Rounded up to hundredths, so a rule's values read well and the rounding never lets a check pass early. */
const ceil2 = (x: number): number => Math.ceil(x * 100) / 100;

/**
 * The checks for one policy.
 *
 * @example
 * const checks = createCoordinationChecks(env);
 * checks.decide(event, 'quorum', () => facts); // true
 */
export function createCoordinationChecks(env: ProcessEnv) {
  const coordination = (): CoordinationSettings => env.policy.coordination;

  // Each coordination check is a policy rule (`coordination.<name>`), evaluated once per event: guards of several
  // transitions of one event may ask the same question, and history should record each decision once.
  const decided = new WeakMap<object, Map<CoordinationRuleKey, boolean>>();
  const decide = (event: object, key: CoordinationRuleKey, facts: () => Record<string, unknown>): boolean => {
    let memo = decided.get(event);
    if (!memo) decided.set(event, (memo = new Map<CoordinationRuleKey, boolean>()));
    const known = memo.get(key);
    if (known !== undefined) return known;
    const result = env.rule(`${COORDINATION_RULE_PREFIX}${key}`, facts(), 'boolean');
    memo.set(key, result);
    return result;
  };
  const expectedParties = (m: Meeting): string[] => unique([...coordination().requiredParties, ...m.invited]);
  const meetingFacts = (m: Meeting, at: number) => ({
    expected: expectedParties(m),
    present: Object.keys(m.presence ?? {}),
    hoursToStart: ceil2((m.meetingAt - at) / HOUR_MS),
  });

  /**
   * Judges an owners' vote with the rules `ownersParticipation` and `ownersOrdinary` / `ownersMajor` (the
   * thresholds as percentages of `coordination.ownersVote`).
   */
  const judgeVote = (event: object, matterType: string, totals: OwnersVoteTotals) => {
    const c = coordination();
    const major = c.ownersVote.majorMatters.includes(matterType);
    const facts = () => ownersVoteFacts(c, totals);
    const participationMet = decide(event, 'ownersParticipation', facts);
    const approvalMet = decide(event, major ? 'ownersMajor' : 'ownersOrdinary', facts);
    return { major, participationMet, approvalMet, passed: participationMet && approvalMet };
  };
  return { coordination, decide, expectedParties, meetingFacts, judgeVote };
}

/** The checks {@link createCoordinationChecks} makes. */
export type CoordinationChecks = ReturnType<typeof createCoordinationChecks>;
