import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import {
  builtInProcesses,
  createDefaultPolicy,
  createRuntime,
  systemClock,
  type Clock,
  type ProcessDefinition,
  type Runtime,
} from '@gridflow/core';
import { createServerClock } from './clock.js';
import { assertStartable, defaultConfig } from './config.js';
import type { ServerConfig, ServerContext } from './context.js';
import { claimDueOnly, startDeadlineWorker, type DeadlineWorker } from './deadlines/index.js';
import { seedDemo } from './demo/index.js';
import { buildHttpApp } from './http/index.js';
import type { LogStream } from './http/requestLog.js';
import { policyResolver, projectIndicators, rebuildIndicators } from './indicators/index.js';
import { createEventHub, observeStore } from './live/index.js';
import { createOrgRepository } from './org/index.js';
import { createPolicyRepository, type SqlPolicyRepository } from './policies/index.js';
import { openStore, type SqlClient } from './store/index.js';
import { scopeRuntime } from './tenantRuntime.js';

/** Options of {@link createGridflowServer}. */
export interface GridflowServerOptions {
  /** Configuration over {@link defaultConfig} (the CLI passes `loadConfig(process.env)`). */
  config?: Partial<ServerConfig>;
  /**
   * Processes to run besides the three built in (a process with a built-in's id replaces it). Every server
   * process of a deployment must be given the same list.
   */
  processes?: ProcessDefinition[];
  /** The base clock (default: the system clock). Demo mode runs a controllable clock on top of it. */
  clock?: Clock;
  /** Seed the demo data on an empty database (default: in demo mode). */
  seed?: boolean;
  /** Deadline worker tuning (tests and benchmarks). */
  worker?: { concurrency?: number; batchSize?: number; enabled?: boolean };
  /**
   * Where operational messages go (default: `console.error` for errors, nothing else). HTTP server faults go here
   * too (naming the request id) unless `config.logLevel` turns the request log on; they are in that log then.
   */
  log?: (level: 'info' | 'error', message: string, error?: unknown) => void;
  /** Where the request log's JSON lines go when `config.logLevel` is set (default: standard output). */
  logStream?: LogStream;
}

/** A started (not yet listening) Gridflow server. */
export interface GridflowServer {
  ctx: ServerContext;
  app: FastifyInstance;
  worker: DeadlineWorker | undefined;
  /** What happened at start: migrations applied, default policy published, demo data seeded. */
  startup: { migrations: number[]; publishedDefaultPolicy: boolean; seeded: boolean };
  /** Starts listening on the configured host and port; resolves to the address (e.g. `http://127.0.0.1:3000`). */
  listen(): Promise<string>;
  /** Stops the worker, the HTTP server, live updates, the policy view and the database, in that order. */
  close(): Promise<void>;
}

/** PostgreSQL connections each server process holds (plus one that listens for notifications). */
export const POOL_SIZE = 20;

/** The flag (in `deployment_flags`) that says the demo data of a tenant has been seeded. */
export const DEMO_SEEDED_FLAG = 'demo_seeded';

/**
 * Builds a Gridflow server: opens the store (PGlite in `dataDir`, locked to this process, or PostgreSQL at
 * `databaseUrl`), runs the migrations, builds the policy and organisation repositories, live updates and ONE
 * runtime serving every tenant (the built-in processes plus `processes`), publishes the default policy for the
 * demo tenant when it has none, seeds the demo data in demo mode on an empty database, builds the HTTP app and
 * starts the deadline worker. Production mode refuses to start without JWT key configuration.
 *
 * @example
 * // In a host: loadConfig() reads process.env; here the same variables are given.
 * const config = loadConfig({ GRIDFLOW_MODE: 'production', PORT: '0', GRIDFLOW_DATA_DIR: 'memory://', GRIDFLOW_JWT_SECRET: secret });
 * const server = await createGridflowServer({ config, processes: [peoplesMediationProcess] });
 * const url = await server.listen(); // http://127.0.0.1:<port>
 * (await fetch(`${url}/healthz`)).status; // 200
 * await server.close(); // a host closes on SIGTERM: process.once('SIGTERM', () => void server.close())
 */
export async function createGridflowServer(options: GridflowServerOptions = {}): Promise<GridflowServer> {
  const config: ServerConfig = { ...defaultConfig(options.config?.mode), ...options.config };
  assertStartable(config);
  const log = options.log ?? ((level, message, error) => level === 'error' && console.error(message, error ?? ''));
  const onError = (what: string) => (error: unknown) => log('error', what, error);

  const opened = await openStore({
    ...(config.databaseUrl === undefined
      ? { dataDir: config.dataDir }
      : { databaseUrl: config.databaseUrl, maxConnections: POOL_SIZE }),
    ...(config.databaseSchema === undefined ? {} : { schema: config.databaseSchema }),
  });
  const cleanup: (() => Promise<void>)[] = [() => opened.close()];
  const closeAll = async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(onError('Error while closing'));
  };

  try {
    if (config.mode === 'demo' && !config.jwt.secret && !config.jwt.jwksFile && !config.jwt.jwksUrl) {
      config.jwt = { ...config.jwt, secret: await demoSecret(opened.client, config.demoTenant) };
    }
    let worker: DeadlineWorker | undefined;
    const clock = createServerClock(config.mode, options.clock ?? systemClock, { onChange: () => worker?.wake() });
    const sql = opened.client;
    const events = await createEventHub(sql, { onError: onError('Live update failed') });
    cleanup.push(() => events.close());
    // Every transaction that appends history rewrites the indicator projection of its cases before it commits.
    const projected = projectIndicators(
      opened.store,
      // `policies` is made below; the store calls this only once commands run.
      policyResolver((tenant) => policies.registry(tenant)),
    );
    const store = observeStore(
      claimDueOnly(projected, clock, { peek: opened.client.dialect === 'postgres' }),
      (changes) => events.publishCommitted(changes),
      onError('Publishing a case change failed'),
    );
    // One list for the runtime, policy validation and simulations: a composed process is understood everywhere.
    const processes = mergeProcesses(builtInProcesses, options.processes ?? []);
    const policies: SqlPolicyRepository = createPolicyRepository(sql, clock, {
      onError: onError('Loading policies failed'),
      processes,
    });
    cleanup.push(() => policies.close());
    await policies.watch();
    await backfillIndicators(sql, log);
    const org = createOrgRepository(sql);

    const runtime: Runtime = createRuntime({
      store,
      clock,
      policies: (tenant) => policies.registry(tenant),
      processes,
      tenant: config.demoTenant,
    });
    const scoped = new Map<string, Runtime>();
    let closing: Promise<void> | undefined;
    const ctx: ServerContext = {
      config,
      clock,
      sql,
      store,
      policies,
      org,
      events,
      async runtimeFor(tenant) {
        await policies.load(tenant);
        let r = scoped.get(tenant);
        if (!r) scoped.set(tenant, (r = scopeRuntime(runtime, tenant)));
        return r;
      },
      close: () => (closing ??= closeAll()),
    };

    // The demo seed publishes the default policy through the review workflow; otherwise it is published directly.
    const seeded = (options.seed ?? config.mode === 'demo') ? await seedOnce(ctx) : false;
    const published = await policies.publishDocument(config.demoTenant, createDefaultPolicy(), 'gridflow', {
      onlyIfNone: true,
      note: 'default policy published on first start',
    });

    const app = await buildHttpApp(ctx, {
      processes,
      ...(options.logStream ? { logStream: options.logStream } : {}),
      onServerFault: (message, error) => log('error', message, error),
    });
    cleanup.push(() => app.close());
    if (options.worker?.enabled !== false) {
      worker = startDeadlineWorker(ctx, {
        intervalMs: config.tickIntervalMs,
        ...(options.worker?.concurrency === undefined ? {} : { concurrency: options.worker.concurrency }),
        ...(options.worker?.batchSize === undefined ? {} : { batchSize: options.worker.batchSize }),
        onError: onError('Firing deadlines failed'),
      });
      const running = worker;
      cleanup.push(() => running.stop());
    }

    return {
      ctx,
      app,
      worker,
      startup: { migrations: opened.migrations.applied, publishedDefaultPolicy: published !== null, seeded },
      listen: () => app.listen({ port: config.port, host: config.host }),
      close: () => ctx.close(),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Databases this size or smaller get their indicator projection built at start when it is missing. */
const BACKFILL_LIMIT = 20_000;

/**
 * A database migrated to the projection has history but no projection rows yet: a small one is rebuilt at start,
 * a large one is left to `gridflow indicators rebuild` (its figures stay empty until then), and the log says so.
 */
async function backfillIndicators(sql: SqlClient, log: NonNullable<GridflowServerOptions['log']>): Promise<void> {
  const { rows } = await sql.query<{ missing: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM case_history) AND NOT EXISTS (SELECT 1 FROM indicator_events) AS missing`,
  );
  if (rows[0]?.missing !== true) return;
  const count = await sql.query<{ n: number | string }>(
    `SELECT count(*) AS n FROM (SELECT 1 FROM cases LIMIT ${BACKFILL_LIMIT + 1}) c`,
  );
  if (Number(count.rows[0]?.n ?? 0) > BACKFILL_LIMIT) {
    log(
      'error',
      '指标投影尚未建立：请运行 gridflow indicators rebuild / The indicator projection is missing: run gridflow indicators rebuild',
    );
    return;
  }
  try {
    const report = await rebuildIndicators(sql, policyResolver());
    log('info', `Built the indicator projection of ${report.cases} cases`);
  } catch (error) {
    log('error', '指标投影建立失败 / Building the indicator projection failed: run gridflow indicators rebuild', error);
  }
}

/** The built-in processes with the given ones added; one with a built-in's id replaces it. */
function mergeProcesses(
  builtIn: readonly ProcessDefinition[],
  added: readonly ProcessDefinition[],
): ProcessDefinition[] {
  const byId = new Map<string, ProcessDefinition>();
  for (const p of [...builtIn, ...added]) byId.set(p.id, p);
  return [...byId.values()];
}

/**
 * Seeds the demo data of the demo tenant once per database: the first process to claim the flag seeds; a
 * failed seed gives the claim back. Returns whether this call seeded.
 */
export async function seedOnce(ctx: ServerContext, options: { force?: boolean } = {}): Promise<boolean> {
  const tenant = ctx.config.demoTenant;
  const now = ctx.clock.now();
  const { rows } = await ctx.sql.query(
    `INSERT INTO deployment_flags (tenant, key, value, set_at) VALUES ($1, $2, $3::jsonb, $4::bigint)
     ON CONFLICT (tenant, key) DO ${options.force ? 'UPDATE SET value = EXCLUDED.value, set_at = EXCLUDED.set_at' : 'NOTHING'}
     RETURNING 1 AS claimed`,
    [tenant, DEMO_SEEDED_FLAG, JSON.stringify({ pid: process.pid }), now],
  );
  if (rows.length === 0) return false;
  try {
    await seedDemoTenant(ctx);
    return true;
  } catch (error) {
    await ctx.sql
      .query('DELETE FROM deployment_flags WHERE tenant = $1 AND key = $2', [tenant, DEMO_SEEDED_FLAG])
      .catch(() => undefined);
    throw error;
  }
}

/**
 * Demo mode without key configuration: the HS256 secret the demo token endpoint signs with, made once per database
 * (so every demo process accepts the others' tokens) and kept in `deployment_flags`.
 */
async function demoSecret(sql: SqlClient, tenant: string): Promise<string> {
  await sql.query(
    `INSERT INTO deployment_flags (tenant, key, value, set_at) VALUES ($1, 'demo_jwt_secret', $2::jsonb, $3::bigint)
     ON CONFLICT (tenant, key) DO NOTHING`,
    [tenant, JSON.stringify(randomBytes(32).toString('base64url')), Date.now()],
  );
  const { rows } = await sql.query<{ value: string }>(
    `SELECT value FROM deployment_flags WHERE tenant = $1 AND key = 'demo_jwt_secret'`,
    [tenant],
  );
  return rows[0]!.value;
}

/** The demo seed of the configured demo tenant. */
function seedDemoTenant(ctx: ServerContext): Promise<unknown> {
  return seedDemo(ctx, { tenant: ctx.config.demoTenant });
}
