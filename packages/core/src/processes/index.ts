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
// `@gridflow/core/processes` is also where a developer composing a process finds the contract.
export * from './contract/index.js';
export {
  CONVENER_PARTY,
  propertyCoordinationActingParties,
  propertyCoordinationParties,
} from './propertyCoordination/index.js';
export { propertyCoordinationContextSchema } from './propertyCoordination/index.js';
export {
  createGridEscalationMachine,
  type GridEscalationContext,
  type GridEscalationEvent,
  type GridEscalationInput,
  type GridEscalationMachineInput,
} from './gridEscalation/index.js';
export {
  createPropertyCoordinationMachine,
  type PropertyCoordinationContext,
  type PropertyCoordinationEvent,
  type PropertyCoordinationInput,
  type PropertyCoordinationMachineInput,
} from './propertyCoordination/index.js';
export {
  createAppealEvaluationMachine,
  type AppealEvaluationContext,
  type AppealEvaluationEvent,
  type AppealEvaluationInput,
  type AppealEvaluationMachineInput,
} from './appealEvaluation/index.js';

/** The three processes every runtime runs unless told otherwise. */
export const builtInProcesses: readonly ProcessDefinition[] = [
  gridEscalationProcess,
  propertyCoordinationProcess,
  appealEvaluationProcess,
];
