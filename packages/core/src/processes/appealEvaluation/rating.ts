import type { EvaluationPolicy } from '../../policy/types.js';
import type { AppealEvaluationContext, EvaluationPhase, RatingRecord, RevisitAttempt } from './types.js';

/**
 * Which rating counts, and whether an unsatisfied reason is within the unit's control.
 *
 * @module
 */

/** The phase the evaluation is in: `final` once a redo was ordered. */
export const phaseOf = (ctx: AppealEvaluationContext): EvaluationPhase => (ctx.redo ? 'final' : 'first');

export const attemptsIn = (ctx: AppealEvaluationContext, phase: EvaluationPhase): RevisitAttempt[] =>
  ctx.attempts.filter((a) => a.phase === phase);

/**
 * Whether an unsatisfied reason is within the unit's control: as given, or else whether the reason is one of
 * `policy.evaluation.controllableReasons`.
 *
 * @example
 * isControllable(policy.evaluation, 'not_handled', undefined); // true when 'not_handled' is a controllable reason
 */
export function isControllable(
  evaluation: EvaluationPolicy,
  reason: string | undefined,
  given: boolean | undefined,
): boolean {
  if (given !== undefined) return given;
  return reason !== undefined && evaluation.controllableReasons.some((r) => r.code === reason);
}

/**
 * The rating that counts after the ratings given so far: the first or the last one (`ratingThatCounts`).
 *
 * @example
 * countedRatingOf('final', [{ rating: 'unsatisfied', … }, { rating: 'satisfied', … }]); // the satisfied one
 */
export function countedRatingOf(
  ratingThatCounts: EvaluationPolicy['ratingThatCounts'],
  ratings: readonly RatingRecord[],
): RatingRecord | undefined {
  return ratingThatCounts === 'first' ? ratings[0] : ratings[ratings.length - 1];
}
