import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import type { Clock } from '../clock.js';
import { GridflowError } from '../errors.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import type { Policy } from '../policy/types.js';
import { createProcessEnv, type DecisionRecorder } from '../processes/contract/env.js';
import { createPureStepper, type PureStepper } from '../processes/contract/step.js';
import type { CommandDef, ProcessDefinition, ProcessEnv } from '../processes/contract/types.js';
import type { RuleEngine } from '../rules/engine.js';
import { describeProcess, type ProcessDescription } from './describeProcess.js';
import { readCommandsOf } from './permissions.js';
import type { PolicyRegistry } from './policyRegistry.js';
import type { CommandProber } from './probeCommand.js';
import { errors } from './runtimeErrors.js';
import type { CaseRecord, StoredSnapshot } from './types.js';

/**
 * The processes a runtime runs, and their machines compiled per policy: registration, lookup, compiling a machine
 * once per policy object and process, restoring a stored snapshot (through the process's migrations) and the
 * process descriptions.
 */

/** A process's machine built for one policy, with what the runtime keeps beside it. */
export interface Compiled {
  machine: AnyStateMachine;
  stepper: PureStepper;
  env: ProcessEnv;
  recorder: DecisionRecorder;
  commands: Map<string, CommandDef>;
  /** Built on first use: tries commands without their input and without writing (for availableCommands). */
  prober?: CommandProber;
  /** The process described under this policy (computed once). */
  description?: ProcessDescription;
}

/** See {@link createProcessCatalog}. */
export interface ProcessCatalog {
  register: (def: ProcessDefinition) => void;
  /** Every registered process, in registration order. */
  all: () => ProcessDefinition[];
  /** A registered process, or `undefined`. */
  find: (id: string) => ProcessDefinition | undefined;
  /** A registered process; throws `process.unknown` for an unknown id. */
  processOf: (id: string) => ProcessDefinition;
  compile: (def: ProcessDefinition, policy: Policy) => Compiled;
  /** Restores a stored snapshot, upgrading it through registered migrations when the machine changed. */
  restore: (def: ProcessDefinition, c: Compiled, record: CaseRecord) => AnyMachineSnapshot;
  /** The process described under the tenant's current policy (with no roles when it has none in effect yet). */
  describe: (def: ProcessDefinition, tenant: string | undefined) => ProcessDescription;
  /** The commands whose permission rows open the process's cases for reading. */
  readersOf: (def: ProcessDefinition) => readonly string[];
}

/** Runs machine code; an error a policy rule raised in it comes out as that rule's error, code and path kept. */
export function ruleErrors<T>(c: Compiled, fn: () => T): T {
  c.recorder.failure = undefined;
  try {
    return fn();
  } catch (error) {
    const failure = c.recorder.failure;
    c.recorder.failure = undefined;
    throw failure ?? error;
  }
}

/** The process catalog of one runtime. */
export function createProcessCatalog(options: {
  engine: RuleEngine;
  clock: Clock;
  registryFor: (tenant: string) => PolicyRegistry;
  policyId: string;
  defaultTenant: string;
}): ProcessCatalog {
  const { engine, clock, registryFor, policyId, defaultTenant } = options;
  const processes = new Map<string, ProcessDefinition>();
  /** The commands whose permission rows open each process's cases for reading. */
  const readers = new Map<string, readonly string[]>();
  // Machines are compiled once per policy object and process (tenants may share policy ids and versions).
  let compiled = new WeakMap<Policy, Map<string, Compiled>>();

  const processOf = (id: string): ProcessDefinition => {
    const def = processes.get(id);
    if (!def) throw errors.unknownProcess(id);
    return def;
  };

  const compile = (def: ProcessDefinition, policy: Policy): Compiled => {
    let perPolicy = compiled.get(policy);
    if (!perPolicy) compiled.set(policy, (perPolicy = new Map<string, Compiled>()));
    let c = perPolicy.get(def.id);
    if (!c) {
      const recorder: DecisionRecorder = { decisions: [] };
      const env = createProcessEnv(policy, recorder, engine);
      const machine = def.createMachine(env);
      c = {
        machine,
        stepper: createPureStepper(machine),
        env,
        recorder,
        commands: new Map(def.commands.map((cmd) => [cmd.type, cmd])),
      };
      perPolicy.set(def.id, c);
    }
    return c;
  };

  // A tenant with no policy in effect yet still gets its processes described (from the default policy's machine),
  // with no roles: nobody may give a command there.
  let fallbackPolicy: Policy | undefined;
  const describe = (def: ProcessDefinition, tenant: string | undefined): ProcessDescription => {
    let policy: Policy | null;
    try {
      policy = registryFor(tenant ?? defaultTenant).current(policyId, clock.now());
    } catch (error) {
      if (!(error instanceof GridflowError)) throw error;
      policy = null;
    }
    const c = compile(def, policy ?? (fallbackPolicy ??= createDefaultPolicy()));
    if (policy === null) return describeProcess(def, c.machine, null);
    return (c.description ??= describeProcess(def, c.machine, policy));
  };

  const restore = (def: ProcessDefinition, c: Compiled, record: CaseRecord): AnyMachineSnapshot => {
    let snap: StoredSnapshot = record.snapshot;
    for (let v = record.processVersion; v < def.version; v++) {
      const migrate = def.migrations?.[v];
      if (!migrate) throw errors.noMigration(def.id, v);
      snap = migrate(snap) as StoredSnapshot;
    }
    return c.machine.resolveState({ value: snap.value as never, context: snap.context });
  };

  const readersOf = (def: ProcessDefinition): readonly string[] => {
    let r = readers.get(def.id);
    if (!r) readers.set(def.id, (r = readCommandsOf(def)));
    return r;
  };

  return {
    register(def) {
      processes.set(def.id, def);
      readers.delete(def.id);
      compiled = new WeakMap();
    },
    all: () => [...processes.values()],
    find: (id) => processes.get(id),
    processOf,
    compile,
    restore,
    describe,
    readersOf,
  };
}
