import type { Effect } from '../contract/types.js';
import type { GridEscalationContext } from './types.js';

/**
 * The evaluations a closed grid case opens (一事一评: 谁呼谁评 and 下评上) and the unit residents rate.
 *
 * @module
 */

/** The unit that answered the case at its current level, as `kind:id` (the unit residents rate). */
export function answeringUnit(context: GridEscalationContext): string | null {
  const units = context.request.units;
  switch (context.level) {
    case 'department':
      return context.department ? `department:${context.department}` : null;
    case 'grid':
      return units.grid ? `grid:${units.grid}` : null;
    case 'community':
      return units.community ? `community:${units.community}` : null;
    case 'street':
    case 'district':
      return units.street ? `street:${units.street}` : null;
    default:
      return null;
  }
}

/** Identifies an evaluation request: who rates which unit. */
export function evaluationKey(effect: Effect): string {
  return effect.kind === 'submit' ? `${String(effect.input.evaluatorKind)}:${String(effect.input.unit)}` : '';
}

/**
 * The evaluations a closed case opens: the reporter's, and the street's of every department it summoned — each
 * only once (一事一评): after a redo, the evaluation already open takes the final rating, so closing again opens
 * none for the same rater and unit.
 */
export function evaluationEffects(context: GridEscalationContext): Effect[] {
  return requestedEvaluations(context).filter((e) => !(context.evaluationsRequested ?? []).includes(evaluationKey(e)));
}

function requestedEvaluations(context: GridEscalationContext): Effect[] {
  const units = context.request.units;
  const subjectUnits = [
    units.grid ? `grid:${units.grid}` : null,
    units.community ? `community:${units.community}` : null,
    units.street ? `street:${units.street}` : null,
  ].filter((u): u is string => u !== null);
  const effects: Effect[] = [];
  const reporterId = context.request.reporter?.id;
  const rated = answeringUnit(context);
  if (reporterId && rated) {
    effects.push({
      kind: 'submit',
      process: 'appealEvaluation',
      input: {
        subjectCaseId: context.caseId,
        subjectProcess: 'gridEscalation',
        subjectTitle: context.request.title,
        evaluatorKind: 'resident',
        evaluatorId: reporterId,
        reporterId,
        unit: rated,
        subjectUnits,
      },
      linkEvent: 'case.evaluation.link',
    });
  }
  const departments = [...new Set(context.summoned.map((s) => s.department))];
  if (units.street) {
    for (const department of departments) {
      effects.push({
        kind: 'submit',
        process: 'appealEvaluation',
        input: {
          subjectCaseId: context.caseId,
          subjectProcess: 'gridEscalation',
          subjectTitle: context.request.title,
          evaluatorKind: 'lower_level',
          evaluatorId: `street:${units.street}`,
          evaluatorUnit: `street:${units.street}`,
          unit: `department:${department}`,
          subjectUnits: [...subjectUnits, `department:${department}`],
        },
        linkEvent: 'case.evaluation.link',
      });
    }
  }
  return effects;
}
