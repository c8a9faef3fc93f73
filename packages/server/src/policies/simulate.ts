import {
  createManualClock,
  createMemoryStore,
  createPolicyRegistry,
  createRuntime,
  SYSTEM_ACTOR,
  type CaseRecord,
  type HistoryEntry,
  type Policy,
  type ProcessDefinition,
} from '@gridflow/core';
import { type ProcessDescription } from '@gridflow/core/runtime';

/** One step of a simulation after the submission: a command sent by the system, or simulated time passing. */
export type SimulationStep = { type: string; input?: Record<string, unknown> } | { advanceMs: number };

/** Options of {@link simulatePolicy}. */
export interface SimulatePolicyOptions {
  /** A valid policy version (any status: it governs the simulation as if published since the epoch). */
  policy: Policy;
  /** The process definitions the runtime knows. */
  processes: readonly ProcessDefinition[];
  /** The process of the simulated case (one of `processes`). */
  process: string;
  tenant: string;
  /** The submission, as for a real case. */
  input: Record<string, unknown>;
  /** The simulated submission time (epoch ms). */
  at: number;
  /** Default: a grid case still in triage is filed (`case.triage.file`); other cases take no step. */
  steps?: readonly SimulationStep[];
}

/** What {@link simulatePolicy} found. */
export interface PolicySimulation {
  /** The case after the last step. */
  record: CaseRecord;
  /** Its whole history. */
  history: HistoryEntry[];
  /** The last routing decision (`routing:*` rule) of the history, if any. */
  routing: HistoryEntry['decisions'][number] | null;
  /** The policy as the simulation ran it. */
  policy: Policy;
  /** The processes of the simulation's runtime, described. */
  processes: ProcessDescription[];
}

/**
 * Runs a submission, and then its steps, through a runtime with an in-memory store, a manual clock and `policy`
 * as the only policy: nothing is stored, and deadlines fire only when a step moves the clock. What a policy editor
 * checks before sending a draft to review.
 *
 * @example
 * const sim = await simulatePolicy({ policy, processes, process: 'gridEscalation', tenant: 'demo', input, at: Date.now() });
 * sim.routing?.rule; // 'routing:…'
 */
export async function simulatePolicy(options: SimulatePolicyOptions): Promise<PolicySimulation> {
  const { process, tenant } = options;
  const policy: Policy = { ...options.policy, status: 'published', effectiveFrom: new Date(0).toISOString() };
  const clock = createManualClock(options.at);
  let n = 0;
  const runtime = createRuntime({
    store: createMemoryStore(),
    clock,
    policies: createPolicyRegistry([policy]),
    processes: [...options.processes],
    policyId: policy.id,
    tenant,
    newId: () => `sim-${++n}`,
  });
  const system = { ...SYSTEM_ACTOR, name: 'simulation' };
  let record = await runtime.submit({ process, input: options.input, actor: system, tenant });
  const steps =
    options.steps ??
    (process === 'gridEscalation' && record.state === 'triage' ? [{ type: 'case.triage.file', input: {} }] : []);
  for (const step of steps) {
    if ('advanceMs' in step) {
      clock.advance(step.advanceMs);
      const { failed } = await runtime.tick();
      if (failed[0]) throw failed[0].error;
      record = await runtime.get(record.id, { actor: system, tenant });
    } else {
      record = await runtime.send(record.id, { type: step.type, input: step.input ?? {} }, { actor: system, tenant });
    }
  }
  const history = await runtime.history(record.id, { actor: system, tenant });
  const routing =
    history
      .flatMap((e) => e.decisions)
      .filter((d) => d.rule.startsWith('routing:'))
      .pop() ?? null;
  return { record, history, routing, policy, processes: runtime.processes() };
}
