import { assign, type AnyStateMachine } from 'xstate';
import type { ProcessDefinition, ProcessEnv } from '../processes/contract/types.js';

/**
 * Checks a process's declared `rulesRead` against what its guards and actions really evaluate.
 *
 * @module
 */

/** The policy rules a machine's guards and actions were seen to read, by `guard:name` / `action:name` (`other`: elsewhere). */
export type RuleReads = Map<string, Set<string>>;

type Fn = (...args: unknown[]) => unknown;

/**
 * Builds a process's machine over an env that notes which guard or action reads which policy rule (`routing` for
 * the routing table), so a walk over the machine can check the process's declared `rulesRead` against what its
 * guards and actions really evaluate ({@link declaredRuleReads}).
 *
 * @example
 * import { initialTransition, transition } from 'xstate';
 * const { machine, reads } = recordRuleReads(gridEscalationProcess, createProcessEnv(policy, { decisions: [] }));
 * const at = Date.parse('2026-03-02T09:00:00+08:00');
 * const actor = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] };
 * const [s0] = initialTransition(machine, { ...noiseReport, caseId: 'c-1', at, actor, submittedAt: at, submittedBy: actor });
 * transition(machine, s0, { type: 'case.triage.file', at, actor, input: {} });
 * reads.get('action:file'); // Set { 'routing' } — walk every state, then compare with declaredRuleReads
 * [...reads.get('action:file')!]; // ['routing']
 */
export function recordRuleReads<M extends AnyStateMachine>(
  definition: { createMachine(env: ProcessEnv): M },
  env: ProcessEnv,
): { machine: M; reads: RuleReads } {
  const reads: RuleReads = new Map();
  const running: string[] = [];
  const note = (key: string): void => {
    const who = running[running.length - 1] ?? 'other';
    let set = reads.get(who);
    if (!set) reads.set(who, (set = new Set()));
    set.add(key);
  };
  const recording: ProcessEnv = {
    policy: env.policy,
    calendar: env.calendar,
    rule: (key: string, facts: Record<string, unknown>, expect?: 'boolean' | 'number' | 'string') => {
      note(key);
      return expect === undefined ? env.rule(key, facts) : env.rule(key, facts, expect);
    },
    route: (facts) => {
      note('routing');
      return env.route(facts);
    },
  };
  const machine = definition.createMachine(recording);
  const within =
    (who: string, fn: Fn): Fn =>
    (...args) => {
      running.push(who);
      try {
        return fn(...args);
      } finally {
        running.pop();
      }
    };
  const guards: Record<string, Fn> = {};
  for (const [name, guard] of Object.entries(machine.implementations.guards as Record<string, Fn>)) {
    guards[name] = within(`guard:${name}`, guard);
  }
  const actions: Record<string, unknown> = {};
  for (const [name, action] of Object.entries(machine.implementations.actions as Record<string, unknown>)) {
    const who = `action:${name}`;
    // An `assign` action computes its update in `assignment` (a function, or one per context key).
    const assignment = (action as { assignment?: unknown }).assignment;
    if (typeof assignment === 'function') {
      actions[name] = assign(within(who, assignment as Fn) as never);
    } else if (assignment !== null && typeof assignment === 'object') {
      const wrapped: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(assignment)) {
        wrapped[key] = typeof value === 'function' ? within(who, value as Fn) : value;
      }
      actions[name] = assign(wrapped as never);
    } else {
      actions[name] = action;
    }
  }
  return { machine: machine.provide({ guards, actions } as never) as M, reads };
}

/** A process's declared `rulesRead` in the shape {@link recordRuleReads} records. */
export function declaredRuleReads(definition: Pick<ProcessDefinition, 'rulesRead'>): RuleReads {
  const out: RuleReads = new Map();
  for (const [name, keys] of Object.entries(definition.rulesRead?.guards ?? {}))
    out.set(`guard:${name}`, new Set(keys));
  for (const [name, keys] of Object.entries(definition.rulesRead?.actions ?? {}))
    out.set(`action:${name}`, new Set(keys));
  return out;
}
