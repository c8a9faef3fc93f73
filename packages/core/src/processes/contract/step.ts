import { createActor, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';

/** An action object a pure step returned instead of executing it. */
export interface ReturnedAction {
  type: string;
  params?: unknown;
}

/** Pure transition functions for one machine, reusing one inert actor scope for every step. */
export interface PureStepper {
  initial(input: unknown): [AnyMachineSnapshot, ReturnedAction[]];
  step(snapshot: AnyMachineSnapshot, event: { type: string }): [AnyMachineSnapshot, ReturnedAction[]];
}

/**
 * Like xstate's `initialTransition` / `transition`, which compute the next snapshot without executing custom
 * actions (they are returned), but building the inert actor scope once per machine instead of once per call:
 * xstate's helpers create a throw-away actor each time, which evaluates the machine's initial context, and that
 * dominated the cost of a transition. Machines run this way must keep their state changes in `assign` and
 * must not spawn or invoke actors.
 *
 * @example
 * const stepper = createPureStepper(createGridEscalationMachine(createProcessEnv(policy, { decisions: [] })));
 * const at = Date.parse('2026-03-02T09:00:00+08:00');
 * const actor = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] };
 * const [s0] = stepper.initial({ ...noiseReport, caseId: 'c-1', at, actor, submittedAt: at, submittedBy: actor });
 * const [s1, actions] = stepper.step(s0, { type: 'case.triage.file', at, actor, input: {} });
 * s1.value; // { handling: 'dispatched' }
 * actions; // [] (an action a step asks for, such as an effect, is returned here, not executed)
 */
export function createPureStepper(machine: AnyStateMachine): PureStepper {
  let collected: ReturnedAction[] = [];
  // The actor's constructor evaluates the initial snapshot once (with no input it may fail; that is harmless:
  // only its system and identity are used).
  const self = createActor(machine);
  const scope = {
    self,
    defer: () => {},
    id: '',
    logger: () => {},
    sessionId: '',
    stopChild: () => {},
    system: self.system,
    emit: () => {},
    actionExecutor: (action: ReturnedAction) => {
      collected.push(action);
    },
  };
  const take = (): ReturnedAction[] => {
    const out = collected;
    collected = [];
    return out;
  };
  return {
    initial(input) {
      collected = [];
      const snapshot = machine.getInitialSnapshot(scope as never, input) as AnyMachineSnapshot;
      return [snapshot, take()];
    },
    step(snapshot, event) {
      collected = [];
      const next = machine.transition(snapshot, event, scope as never);
      return [next, take()];
    },
  };
}
