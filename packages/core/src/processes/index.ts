/**
 * The built-in processes, one folder each (`gridEscalation/`, `propertyCoordination/`, `appealEvaluation/`: its
 * process definition, machine, facts and types, with their tests), and `contract/`, what every process and the
 * runtime agree on.
 *
 * @module
 */
import type { ProcessDefinition } from './contract/types.js';
import { appealEvaluationProcess, EVALUATION_OPENED } from './appealEvaluation/index.js';
import { gridEscalationProcess } from './gridEscalation/index.js';
import { propertyCoordinationProcess } from './propertyCoordination/index.js';

export { gridEscalationProcess, propertyCoordinationProcess, appealEvaluationProcess, EVALUATION_OPENED };
export {
  CONVENER_PARTY,
  propertyCoordinationActingParties,
  propertyCoordinationParties,
} from './propertyCoordination/index.js';
export { propertyCoordinationContextSchema } from './propertyCoordination/index.js';
export { createGridEscalationMachine, type GridEscalationContext } from './gridEscalation/index.js';
export { createPropertyCoordinationMachine } from './propertyCoordination/index.js';
export { createAppealEvaluationMachine } from './appealEvaluation/index.js';

/** The three processes every runtime runs unless told otherwise. */
export const builtInProcesses: readonly ProcessDefinition[] = [
  gridEscalationProcess,
  propertyCoordinationProcess,
  appealEvaluationProcess,
];
