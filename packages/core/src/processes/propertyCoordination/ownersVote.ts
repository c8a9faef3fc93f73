import type { CoordinationPolicy } from '../../policy/types.js';
import type { OwnersVoteTotals } from './types.js';

/**
 * How an owners' assembly vote (业主大会表决) counts, by the Civil Code (art. 278): participation and approval
 * thresholds by floor area AND by headcount, ordinary and major matters (`policy.coordination.ownersVote`). The
 * machine asks the policy rules `coordination.ownersParticipation` and `coordination.ownersOrdinary` /
 * `coordination.ownersMajor` over {@link ownersVoteFacts}; {@link judgeOwnersVote} checks the totals and judges
 * them against the thresholds directly.
 *
 * @module
 */

const EPSILON = 1e-9;

/** `part / whole` as a percentage rounded to 6 decimals (0 when the whole is 0), as the rules read shares. */
export const percentOf = (part: number, whole: number): number =>
  whole > 0 ? Math.round((part / whole) * 1e8) / 1e6 : 0;

/** Fraction `part / whole` compared "at least" with a tolerance for fractions like 2/3. */
const atLeast = (part: number, whole: number, threshold: number): boolean =>
  whole > 0 && part / whole >= threshold - EPSILON;
/** Fraction `part / whole` compared "more than" (过半数). */
const moreThan = (part: number, whole: number, threshold: number): boolean =>
  whole > 0 && part / whole > threshold + EPSILON;

/**
 * Judges an owners' assembly vote against the policy (Civil Code art. 278): participation of at least the
 * thresholds by floor area AND by headcount; then approval by the voters — ordinary matters "more than" the
 * ordinary thresholds, major matters (`ownersVote.majorMatters`) "at least" the major thresholds, both by area
 * AND by headcount. Inconsistent totals (a part larger than its whole, negatives) are `valid: false`.
 *
 * @example
 * judgeOwnersVote(policy.coordination, 'parking', { totalArea: 300, totalOwners: 3, participatingArea: 200,
 *   participatingOwners: 2, yesArea: 150, yesOwners: 2 }); // { valid: true, passed: true, … }
 */
export function judgeOwnersVote(
  coordination: CoordinationPolicy,
  matterType: string,
  totals: OwnersVoteTotals,
): { valid: boolean; major: boolean; participationMet: boolean; approvalMet: boolean; passed: boolean } {
  const t = coordination.ownersVote;
  const major = t.majorMatters.includes(matterType);
  const { totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners } = totals;
  const numbers = [totalArea, totalOwners, participatingArea, participatingOwners, yesArea, yesOwners];
  const valid =
    numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0) &&
    totalArea > 0 &&
    totalOwners > 0 &&
    participatingArea <= totalArea &&
    participatingOwners <= totalOwners &&
    yesArea <= participatingArea &&
    yesOwners <= participatingOwners;
  if (!valid) return { valid, major, participationMet: false, approvalMet: false, passed: false };
  const participationMet =
    atLeast(participatingArea, totalArea, t.participationByArea) &&
    atLeast(participatingOwners, totalOwners, t.participationByHeadcount);
  const approvalMet = major
    ? atLeast(yesArea, participatingArea, t.majorByArea) && atLeast(yesOwners, participatingOwners, t.majorByHeadcount)
    : moreThan(yesArea, participatingArea, t.ordinaryByArea) &&
      moreThan(yesOwners, participatingOwners, t.ordinaryByHeadcount);
  return { valid, major, participationMet, approvalMet, passed: participationMet && approvalMet };
}

/**
 * The facts the owners'-vote rules read: the shares (percentages) of participation by area and by head, of yes
 * votes among the voters by area and by head, and the policy's thresholds as percentages.
 *
 * @example
 * ownersVoteFacts(policy.coordination, totals).vote.participatingAreaShare; // 66.666667
 */
export function ownersVoteFacts(
  coordination: CoordinationPolicy,
  totals: OwnersVoteTotals,
): { vote: Record<string, number>; coordination: { ownersVote: Record<string, number> } } {
  const thresholds = Object.fromEntries(
    Object.entries(coordination.ownersVote)
      .filter(([, value]) => typeof value === 'number')
      .map(([k, value]) => [k, percentOf(value as number, 1)]),
  );
  return {
    vote: {
      participatingAreaShare: percentOf(totals.participatingArea, totals.totalArea),
      participatingOwnersShare: percentOf(totals.participatingOwners, totals.totalOwners),
      yesAreaShare: percentOf(totals.yesArea, totals.participatingArea),
      yesOwnersShare: percentOf(totals.yesOwners, totals.participatingOwners),
    },
    coordination: { ownersVote: thresholds },
  };
}
