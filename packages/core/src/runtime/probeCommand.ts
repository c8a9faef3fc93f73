import type { AnyStateMachine } from 'xstate';
import { createPureStepper } from '../processes/contract/step.js';
import type { DecisionRecorder } from '../processes/contract/env.js';
import type { Actor, CommandDef, Decision } from '../processes/contract/types.js';
import type { Policy } from '../policy/types.js';
import { isGridflowError } from '../errors.js';
import type { LocalizedText } from '../i18n.js';
import { explainDecision } from './explainHistory.js';
import type { StoredSnapshot } from './types.js';

/**
 * A command the case's state takes now and the policy lets the caller give, with whether the case's own rules
 * accept it from this caller now.
 *
 * - `available: false`: the process refuses it now whatever the input (e.g. the verifier is the handler);
 *   `reason` says why. Given anyway it is refused (`command.refused`).
 * - `available: true` without `condition`: any input valid for `inputSchema` is accepted (neither the policy's
 *   permissions nor the process's rules refuse it).
 * - `available: true` with `condition`: whether it is accepted depends on the input (a rule or check reads it,
 *   e.g. which departments a whistle summons); `condition` says so. A refused input answers `command.refused`.
 */
export interface AvailableCommand extends CommandDef {
  available: boolean;
  /** Why the command is unavailable now, in both languages. */
  reason?: LocalizedText;
  /** What acceptance depends on, when it depends on the input. */
  condition?: LocalizedText;
}

/** What trying a command on a case, without its input and without writing anything, found. */
export interface CommandProbe {
  /**
   * `accepted`: the machine took a transition; `refused`: it took none (a guard or rule said no); `failed`: the
   * step threw (e.g. an action needed input the probe did not give).
   */
  outcome: 'accepted' | 'refused' | 'failed';
  /**
   * True when the outcome may depend on the input: a guard read the input (accepted), or anything read it before
   * the step refused or failed. False means every input valid for the command's schema meets the same guards.
   */
  readsInput: boolean;
  /** The rule decisions the guards made. */
  decisions: Decision[];
  /** What the step threw, when it failed. */
  error?: unknown;
}

/** Tries commands on stored snapshots of one machine, with no side effects. */
export interface CommandProber {
  probe(snapshot: StoredSnapshot, event: { type: string; actor: Actor; at: number }): CommandProbe;
}

type GuardFn = (args: unknown, params: unknown) => boolean;

/**
 * Builds a prober for a machine whose rules record into `recorder`. It runs the machine's pure transition with an
 * input that has no fields and records every read of it, and wraps the machine's named guards to tell reads made
 * while choosing a transition (they decide whether the command is accepted) from reads made by the transition's
 * actions (they only shape its result). Guards must be referenced by name, as the built-in machines do; an inline
 * guard's reads of the input are seen only when the step is refused.
 *
 * @example
 * const prober = createCommandProber(machine, recorder);
 * prober.probe(record.snapshot, { type: 'case.verify.pass', actor, at: clock.now() });
 * // { outcome: 'refused', readsInput: false, decisions: [{ rule: 'verifierAllowed', result: false, … }] }
 */
export function createCommandProber(machine: AnyStateMachine, recorder: DecisionRecorder): CommandProber {
  let inGuard = 0;
  let guardRead = false;
  let anyRead = false;
  const wrapped: Record<string, unknown> = {};
  const guards = (machine.implementations.guards ?? {}) as Record<string, unknown>;
  for (const [name, guard] of Object.entries(guards)) {
    // Built-in combinators (`and`, `not`) carry `check` and resolve their named parts through these wrappers.
    if (typeof guard !== 'function' || 'check' in guard) {
      wrapped[name] = guard;
      continue;
    }
    const fn = guard as GuardFn;
    wrapped[name] = (args: unknown, params: unknown) => {
      inGuard++;
      try {
        return fn(args, params);
      } finally {
        inGuard--;
      }
    };
  }
  const probing = machine.provide({ guards: wrapped as never });
  const stepper = createPureStepper(probing);
  const read = () => {
    anyRead = true;
    if (inGuard > 0) guardRead = true;
  };
  const emptyInput = () =>
    new Proxy(Object.create(null) as object, {
      get: () => (read(), undefined),
      has: () => (read(), false),
      ownKeys: () => (read(), []),
      getOwnPropertyDescriptor: () => (read(), undefined),
    });

  return {
    probe(snapshot, event) {
      inGuard = 0;
      guardRead = false;
      anyRead = false;
      recorder.decisions = [];
      const before = probing.resolveState({ value: snapshot.value as never, context: snapshot.context });
      let result: CommandProbe;
      try {
        const [after] = stepper.step(before, { ...event, input: emptyInput() } as { type: string });
        result =
          after === before
            ? { outcome: 'refused', readsInput: anyRead, decisions: recorder.decisions }
            : { outcome: 'accepted', readsInput: guardRead, decisions: recorder.decisions };
      } catch (error) {
        result = { outcome: 'failed', readsInput: anyRead, decisions: recorder.decisions, error };
      }
      recorder.decisions = [];
      return result;
    },
  };
}

/**
 * Turns a probe into what a caller is told about a command: available, unavailable with the reason (the rule
 * decisions that said no, explained with their values), or available on a condition of the input.
 *
 * @example
 * availabilityOf(prober.probe(snapshot, event), command, policy); // { available: false, reason: { zh: '…', en: '…' } }
 */
export function availabilityOf(
  probe: CommandProbe,
  command: CommandDef,
  policy: Policy,
): Pick<AvailableCommand, 'available' | 'reason' | 'condition'> {
  if (probe.readsInput) {
    return {
      available: true,
      condition: {
        zh: `能否${command.name.zh}取决于填写的内容，不符合流程规则时会被拒绝`,
        en: `Whether it is accepted depends on the input given; input the process's rules refuse is refused`,
      },
    };
  }
  if (probe.outcome === 'accepted') return { available: true };
  if (probe.outcome === 'failed' && isGridflowError(probe.error)) {
    return { available: false, reason: { ...probe.error.messages } };
  }
  const said = probe.decisions.filter((d) => !d.result);
  if (said.length > 0) {
    const explain = (locale: 'zh' | 'en') => said.map((d) => explainDecision(d, policy, locale));
    return {
      available: false,
      reason: {
        zh: `规则不允许${command.name.zh}：${explain('zh').join('；')}`,
        en: `The policy's rules do not allow this now: ${explain('en').join('; ')}`,
      },
    };
  }
  return {
    available: false,
    reason: {
      zh: `案件目前的情况不能${command.name.zh}`,
      en: `The case cannot take this command as it stands (${command.name.en || command.type})`,
    },
  };
}
