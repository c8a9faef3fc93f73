import type { ServerContext } from '../context.js';
import { pruneIdempotencyKeys } from '../http/idempotency.js';
import { dueSlots } from './claimDue.js';

/** Options of {@link startDeadlineWorker}. */
export interface DeadlineWorkerOptions {
  /** How long to wait between looks when nothing is due (ms). */
  intervalMs: number;
  /** Due cases each tick reads (default 200). */
  batchSize?: number;
  /**
   * Cases fired per transaction (default 20 on PGlite, whose single connection pays every statement in turn;
   * 5 on PostgreSQL, where the 8 loops' commits already share disk flushes and short transactions hold row locks
   * briefly). A group that fails is retried one case per transaction by the runtime.
   */
  casesPerTransaction?: number;
  /**
   * Ticks run side by side in this process (default 8 on PostgreSQL, where concurrent commits share disk flushes;
   * 1 on PGlite, which has one connection).
   * They share due cases the way processes do: each case is claimed with `FOR UPDATE SKIP LOCKED`.
   */
  concurrency?: number;
  /** Told about a failed look (the worker goes on at the next interval) and about each case that failed to fire. */
  onError?: (error: unknown) => void;
  /** Told after each look that fired something. */
  onFired?: (result: TickTotals) => void;
  /** Start looking at once (default true); false waits one interval first. */
  immediate?: boolean;
  /**
   * Housekeeping after a look: idempotency keys past their retention are removed at most once per `everyMs`
   * (default {@link PRUNE_EVERY_MS}); `retentionMs` defaults to 24 hours, `now` to real time (never the demo
   * clock). `false` turns it off.
   */
  pruneIdempotency?: false | { everyMs?: number; retentionMs?: number; now?: () => number };
  /** Told after each prune that removed something, with the number of keys removed. */
  onPruned?: (removed: number) => void;
}

/** How often the worker removes idempotency keys past their retention. */
export const PRUNE_EVERY_MS = 10 * 60 * 1000;

/** What a look fired. */
export interface TickTotals {
  /** Deadlines fired. */
  fired: number;
  /** Cases they belonged to. */
  cases: number;
}

/** A running deadline worker. */
export interface DeadlineWorker {
  /** Looks now and fires everything due, then resolves with what it fired (waits for a look already running). */
  runOnce(): Promise<TickTotals>;
  /** Looks as soon as possible (e.g. after the demo clock moved). */
  wake(): void;
  /** Everything this worker fired since it started. */
  readonly totals: Readonly<TickTotals & { looks: number; errors: number }>;
  /** Stops after the look in progress; resolves when it has finished. */
  stop(): Promise<void>;
}

/** At most this many ticks per tick loop in one look, so a pathological case cannot keep a look going forever. */
const MAX_TICKS_PER_LOOK = 10_000;

/**
 * Starts the deadline worker of this process. Every server process runs one. Deadlines live in the database
 * (each case's `next_due_at`, written in the transaction that set it); the timer here only decides when to look.
 * A look loads the policy registries of every tenant with a published policy, then calls the runtime's `tick()`
 * — which reads due cases across tenants and fires each in its own transaction after claiming it with
 * `SELECT … FOR UPDATE SKIP LOCKED` and checking again what is due — until a tick fires nothing. Several
 * processes (and several ticks in one process) therefore share the work and each deadline fires once.
 *
 * @example
 * const worker = startDeadlineWorker(ctx, { intervalMs: ctx.config.tickIntervalMs });
 * // …
 * await worker.stop();
 */
export function startDeadlineWorker(
  ctx: Pick<ServerContext, 'runtimeFor' | 'policies' | 'sql' | 'config'>,
  options: DeadlineWorkerOptions,
): DeadlineWorker {
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const postgres = ctx.sql.dialect === 'postgres';
  const concurrency = Math.max(1, options.concurrency ?? (postgres ? 8 : 1));
  const casesPerTransaction = Math.max(1, options.casesPerTransaction ?? (postgres ? 5 : 20));
  const intervalMs = Math.max(10, options.intervalMs);
  const totals = { fired: 0, cases: 0, looks: 0, errors: 0 };
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<TickTotals> | undefined;
  let again = false;
  const prune = options.pruneIdempotency === false ? undefined : (options.pruneIdempotency ?? {});
  let prunedAt = -Infinity;

  /** Removes expired idempotency keys when the last prune is `everyMs` old; a failure is told and retried later. */
  const housekeeping = async () => {
    if (!prune || stopped) return;
    const now = (prune.now ?? Date.now)();
    if (now - prunedAt < (prune.everyMs ?? PRUNE_EVERY_MS)) return;
    prunedAt = now;
    try {
      const removed = await pruneIdempotencyKeys(ctx.sql, {
        now,
        ...(prune.retentionMs === undefined ? {} : { retentionMs: prune.retentionMs }),
        ...(ctx.config.idempotencyStaleMs ? { staleAfterMs: ctx.config.idempotencyStaleMs } : {}),
      });
      if (removed > 0) options.onPruned?.(removed);
    } catch (error) {
      totals.errors++;
      if (!stopped) options.onError?.(error);
    }
  };

  const look = async (): Promise<TickTotals> => {
    const tenants = await ctx.policies.tenants();
    if (tenants.length === 0) return { fired: 0, cases: 0 };
    // One runtime serves every tenant; loading each tenant's registry lets tick() fire any tenant's cases.
    const runtimes = await Promise.all(tenants.map((t) => ctx.runtimeFor(t)));
    const runtime = runtimes[0]!;
    const result = { fired: 0, cases: 0 };
    const loop = async () => {
      for (let i = 0; i < MAX_TICKS_PER_LOOK && !stopped; i++) {
        const r = await runtime.tick({ limit: batchSize, casesPerTransaction });
        result.fired += r.fired;
        result.cases += r.cases;
        for (const failure of r.failed) {
          totals.errors++;
          if (!stopped) options.onError?.(failure.error);
        }
        // Nothing fired: nothing was due, or what is due is being fired by another tick or process.
        if (r.cases === 0) break;
      }
    };
    // Each loop works on its own share of the due cases (with the server's claimDueOnly store).
    await Promise.all(Array.from({ length: concurrency }, (_, slot) => dueSlots.run({ slot, of: concurrency }, loop)));
    return result;
  };

  const run = (): Promise<TickTotals> => {
    if (running) {
      again = true;
      return running;
    }
    clearTimeout(timer);
    timer = undefined;
    running = (async () => {
      const sum = { fired: 0, cases: 0 };
      do {
        again = false;
        try {
          const r = await look();
          sum.fired += r.fired;
          sum.cases += r.cases;
          totals.looks++;
          totals.fired += r.fired;
          totals.cases += r.cases;
          if (r.fired > 0) options.onFired?.(r);
        } catch (error) {
          totals.errors++;
          if (!stopped) options.onError?.(error);
          break;
        }
      } while (again && !stopped);
      await housekeeping();
      return sum;
    })().finally(() => {
      running = undefined;
      schedule(intervalMs);
    });
    return running;
  };

  const schedule = (ms: number) => {
    if (stopped || timer !== undefined || running) return;
    timer = setTimeout(() => {
      timer = undefined;
      void run();
    }, ms);
    // The timer alone never keeps a process alive: the HTTP server (or the caller) does.
    timer.unref?.();
  };

  schedule(options.immediate === false ? intervalMs : 0);

  return {
    runOnce: async () => {
      if (running) await running.catch(() => undefined);
      return run();
    },
    wake() {
      if (stopped) return;
      if (running) again = true;
      else {
        clearTimeout(timer);
        timer = undefined;
        schedule(0);
      }
    },
    totals,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
