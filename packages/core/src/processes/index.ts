import type { ProcessDefinition } from '../process/types.js';
import { appealEvaluationProcess, EVALUATION_OPENED } from './appealEvaluation.js';
import { gridEscalationProcess } from './gridEscalation.js';
import { propertyCoordinationProcess } from './propertyCoordination.js';

export { gridEscalationProcess, propertyCoordinationProcess, appealEvaluationProcess, EVALUATION_OPENED };
export {
  CONVENER_PARTY,
  propertyCoordinationActingParties,
  propertyCoordinationParties,
} from './propertyCoordination.js';
export { propertyCoordinationContextSchema } from './propertyCoordination.context.js';
export { createGridEscalationMachine, type GridEscalationContext } from '../machines/gridEscalation.js';
export { createPropertyCoordinationMachine } from '../machines/propertyCoordination.js';
export { createAppealEvaluationMachine } from '../machines/appealEvaluation.js';

/** The three processes every runtime runs unless told otherwise. */
export const builtInProcesses: readonly ProcessDefinition[] = [
  gridEscalationProcess,
  propertyCoordinationProcess,
  appealEvaluationProcess,
];
