// Server benchmarks: persisted transitions per second through the runtime (1 and 8 concurrent clients) next to
// pgbench running the same SQL transaction shape in the same run, and the time to fire 10,000 due deadlines among
// 100,000 open cases. PostgreSQL when DATABASE_URL is set (in a private schema, dropped afterwards), else PGlite.
// Needs a build first (`npm run build`); run through bench/run.mjs, or alone: `node bench/server.mjs`.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { assign, setup } from 'xstate';
import { insertPgbenchCases, pgbench } from './lib/pgbench.mjs';

const SERVER = new URL('../packages/server/dist/index.js', import.meta.url);
const CORE = new URL('../packages/core/dist/index.js', import.meta.url);
// The deadline worker, started by hand here: an internal of the server, not its public API.
const WORKER = new URL('../packages/server/dist/deadlines/index.js', import.meta.url);
/** Seconds per measurement; runtime and pgbench alternate for ROUNDS rounds and the medians are compared. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const text = (zh, en) => ({ zh, en });
/** The smallest useful process: `bench.touch` changes the context, so each command is one persisted transition. */
const benchProcess = {
  id: 'bench',
  version: 1,
  name: text('基准', 'Benchmark'),
  inputSchema: { type: 'object', properties: { dueInMs: { type: 'integer' } } },
  commands: [
    { type: 'deadline.due', name: text('到期', 'Due'), inputSchema: { type: 'object' }, internal: true },
    { type: 'bench.touch', name: text('记录', 'Touch'), inputSchema: { type: 'object' } },
  ],
  states: { open: { name: text('办理中', 'Open') }, fired: { name: text('已到期', 'Fired') } },
  summarize: (_context, value) => ({ units: ['grid:g-01'], open: value === 'open', title: 'bench' }),
  createMachine: () =>
    setup({}).createMachine({
      id: 'bench',
      context: ({ input }) => ({
        deadlines: input.dueInMs === undefined ? [] : [{ id: 'd', kind: 'handle', dueAt: input.at + input.dueInMs }],
        touches: 0,
      }),
      initial: 'open',
      states: {
        open: {
          on: {
            'bench.touch': { actions: assign({ touches: ({ context }) => context.touches + 1 }) },
            'deadline.due': { target: 'fired' },
          },
        },
        fired: {},
      },
    }),
};

const round = (n) => Math.round(n);

/** Opens a server on PostgreSQL (private schema) or PGlite (in memory), with the benchmark process. */
async function openServer(api, schema) {
  const databaseUrl = process.env.DATABASE_URL;
  return api.createGridflowServer({
    config: databaseUrl
      ? { mode: 'demo', databaseUrl, databaseSchema: schema, port: 0 }
      : { mode: 'demo', dataDir: 'memory://', port: 0 },
    processes: [benchProcess],
    seed: false,
    worker: { enabled: false },
    log: () => undefined,
  });
}

/** Persisted transitions per second through the runtime with `clients` concurrent clients, each on its own case. */
async function transitions(runtime, system, clients) {
  const cases = await Promise.all(
    Array.from({ length: clients }, () => runtime.submit({ process: 'bench', input: {}, actor: system })),
  );
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    cases.map(async (c) => {
      let version = c.version;
      while (performance.now() < end) {
        version = (await runtime.send(c.id, { type: 'bench.touch' }, { actor: system, expectedVersion: version }))
          .version;
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** Inserts `total` open bench cases, `due` of them with a deadline already due, the rest due in a day. */
async function insertCases(sql, total, due, now) {
  await sql.query(
    `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary,
                        units, title, open, next_due_at, created_at, updated_at)
     SELECT 'demo', 'd' || lpad(g::text, 6, '0'), 'bench', 1, 'default', 1, 'open', 1,
            jsonb_build_object('value', 'open', 'context', jsonb_build_object('touches', 0, 'deadlines',
              jsonb_build_array(jsonb_build_object('id', 'd', 'kind', 'handle', 'dueAt', CASE WHEN g <= $2 THEN $1::bigint - g ELSE $1::bigint + 86400000 + g END)))),
            '{"units": ["grid:g-01"], "open": true, "title": "bench"}'::jsonb, '{grid:g-01}', 'bench', true,
            CASE WHEN g <= $2 THEN $1::bigint - g ELSE $1::bigint + 86400000 + g END, $1::bigint, $1::bigint
       FROM generate_series(1, $3::int) AS g`,
    [now, due, total],
  );
  // As after any bulk load (docs/operations.md): the server's prepared statements were planned on a small table.
  await sql.query('ANALYZE cases');
}

export async function run() {
  const api = { ...(await import(SERVER.href)), ...(await import(WORKER.href)) };
  const core = await import(CORE.href);
  const databaseUrl = process.env.DATABASE_URL;
  const engine = databaseUrl ? 'PostgreSQL' : 'PGlite';
  const schema = `gridflow_bench_${randomBytes(4).toString('hex')}`;
  const rows = [];
  const server = await openServer(api, schema);
  try {
    const { ctx } = server;
    const runtime = await ctx.runtimeFor('demo');
    const system = core.SYSTEM_ACTOR;
    if (databaseUrl) {
      await insertPgbenchCases(ctx.sql);
    }
    for (const clients of [1, 8]) {
      // Alternating rounds: on a shared machine, the load changes from second to second.
      const ours = [];
      const theirs = [];
      for (let round = 0; round < ROUNDS; round++) {
        ours.push(await transitions(runtime, system, clients));
        if (databaseUrl)
          theirs.push(pgbench(databaseUrl, schema, { clients, seconds: SECONDS, command: 'bench.touch' }));
      }
      const rate = median(ours);
      rows.push({
        suite: 'server',
        name: `runtime transitions/s, ${clients} client(s), ${engine}`,
        opsPerSec: round(rate),
      });
      if (!databaseUrl) continue;
      const tps = median(theirs);
      const ratio = rate / tps;
      rows.push({ suite: 'server', name: `pgbench same transaction/s, ${clients} client(s)`, opsPerSec: round(tps) });
      rows.push({
        suite: 'server',
        name: `runtime / pgbench, ${clients} client(s)`,
        ratio: Math.round(ratio * 100) / 100,
        target: '≥ 0.5',
        met: ratio >= 0.5,
      });
    }
    if (!databaseUrl) {
      rows.push({
        suite: 'server',
        name: 'pgbench comparison',
        note: 'skipped: set DATABASE_URL to compare with PostgreSQL',
      });
    }

    // 10,000 due deadlines among 100,000 open cases, fired by one process's worker.
    const now = ctx.clock.now();
    await insertCases(ctx.sql, 100_000, 10_000, now);
    const worker = api.startDeadlineWorker(ctx, { intervalMs: 60_000, immediate: false, batchSize: 500 });
    const started = performance.now();
    let fired = 0;
    for (;;) {
      fired += (await worker.runOnce()).fired;
      if ((await ctx.store.dueCases(ctx.clock.now(), 1)).length === 0) break;
    }
    await worker.stop();
    const ms = performance.now() - started;
    if (fired !== 10_000) throw new Error(`expected 10,000 deadlines fired, got ${fired}`);
    rows.push({
      suite: 'server',
      name: `fire 10,000 due deadlines among 100,000 open cases, ${engine}`,
      ms: round(ms),
      opsPerSec: round(fired / (ms / 1000)),
      target: '< 10,000 ms',
      met: ms < 10_000,
    });
  } finally {
    await server.close();
    if (databaseUrl) {
      const { default: pg } = await import('pg');
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
