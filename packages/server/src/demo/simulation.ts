import type { Actor, CaseRecord, CaseStore, ManualClock, Runtime } from '@gridflow/core';

/**
 * A story plays one case (or a case and the cases that follow from it) through the runtime. It is an async
 * generator that yields the time at which it wants to act next; between yields it gives commands at the
 * simulation's current time. Yielding a time in the past continues at once.
 */
export type Story = AsyncGenerator<number, void, void>;

/** What a story may ask of the simulation. */
export interface SimulationApi {
  readonly tenant: string;
  now(): number;
  submit(process: string, input: Record<string, unknown>, actor: Actor): Promise<CaseRecord>;
  send(caseId: string, type: string, input: Record<string, unknown>, actor: Actor): Promise<CaseRecord>;
  get(caseId: string): Promise<CaseRecord>;
  /** Starts another story at `at` (e.g. an evaluation once a case closes). */
  spawn(at: number, name: string, story: Story): void;
}

/** A discrete-event simulation over a runtime with a manual clock. */
export interface Simulation extends SimulationApi {
  /**
   * Runs every story, in time order, until `until`: before each step the clock moves to the step's time, and every
   * deadline due on the way fires at its own due time (`runtime.tick()` with the clock set to it). Stories still
   * waiting at `until` stop there, as cases in progress do. A story that fails stops; its error is reported and the
   * others go on.
   */
  run(until: number): Promise<{ steps: number; deadlines: number; failures: string[] }>;
}

interface Entry {
  at: number;
  seq: number;
  name: string;
  story: Story;
}

/**
 * Creates a simulation for one tenant. The runtime must run on `clock`, and `store` must be the runtime's store
 * (it is asked for due deadlines).
 *
 * @example
 * const sim = createSimulation({ runtime, clock, store, tenant: 'demo' });
 * sim.spawn(start, 'noise-1', gridStory(sim, plan));
 * await sim.run(now);
 */
export function createSimulation(options: {
  runtime: Runtime;
  clock: ManualClock;
  store: CaseStore;
  tenant: string;
}): Simulation {
  const { runtime, clock, store, tenant } = options;
  const queue: Entry[] = [];
  let seq = 0;

  const enqueue = (entry: Entry): void => {
    // Binary search for the first entry strictly later (by time, then by insertion order).
    let lo = 0;
    let hi = queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = queue[mid]!;
      if (m.at < entry.at || (m.at === entry.at && m.seq < entry.seq)) lo = mid + 1;
      else hi = mid;
    }
    queue.splice(lo, 0, entry);
  };

  let fired = 0;
  /** Fires every deadline due up to `t`, each at its own time; never moves the clock backwards. */
  const fireDeadlines = async (t: number): Promise<void> => {
    for (let guard = 0; guard < 100_000; guard++) {
      const [due] = await store.dueCases(t, 1);
      if (due === undefined) return;
      const record = await store.getCase(due.tenant, due.id);
      const at = Math.min(t, Math.max(clock.now(), record?.nextDueAt ?? t));
      clock.set(at);
      const { fired: n, failed } = await runtime.tick();
      if (failed[0]) throw failed[0].error;
      fired += n;
      if (n === 0) throw new Error(`A due deadline of case ${due.id} did not fire`);
    }
    throw new Error('Deadlines keep falling due: giving up');
  };

  const api: Simulation = {
    tenant,
    now: () => clock.now(),
    submit: (process, input, actor) => runtime.submit({ process, input, actor, tenant }),
    send: (caseId, type, input, actor) => runtime.send(caseId, { type, input }, { actor, tenant }),
    async get(caseId) {
      const record = await store.getCase(tenant, caseId);
      if (record === null) throw new Error(`No case ${caseId}`);
      return record;
    },
    spawn(at, name, story) {
      enqueue({ at: Math.max(at, clock.now()), seq: seq++, name, story });
    },
    async run(until) {
      let steps = 0;
      const failures: string[] = [];
      for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
        if (entry.at > until) {
          queue.unshift(entry);
          break;
        }
        await fireDeadlines(entry.at);
        if (entry.at > clock.now()) clock.set(entry.at);
        steps++;
        try {
          const result = await entry.story.next();
          if (!result.done) enqueue({ ...entry, at: Math.max(result.value, clock.now()), seq: seq++ });
        } catch (error) {
          failures.push(`${entry.name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      await fireDeadlines(until);
      if (until > clock.now()) clock.set(until);
      // Stories that would act after `until` stay where they are.
      for (const entry of queue.splice(0)) await entry.story.return(undefined);
      return { steps, deadlines: fired, failures };
    },
  };
  return api;
}
