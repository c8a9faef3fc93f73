// HTTP benchmarks: persisted transitions per second through `POST /api/v1/cases/:id/commands` at 1 and 8
// connections (next to the same command through the runtime in-process and pgbench with the same SQL transaction
// shape, in the same run), intake latency of `POST /api/v1/cases` at fixed request rates and the highest rate 10
// connections reach (autocannon), and the time of a grid worker's inbox (`GET /api/v1/cases?limit=50&sort=deadline`)
// with 1,000,000 cases stored (PostgreSQL only). PostgreSQL when DATABASE_URL is set (a private schema, dropped
// afterwards), else PGlite in memory. The server runs in this process, the load generators in child processes, so
// the client's JSON and socket work does not run on the server's event loop (both share the machine's cores).
// Needs a build first (`npm run build`); run through bench/run.mjs, or alone: `node bench/http.mjs`.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { insertPgbenchCases, pgbench } from './lib/pgbench.mjs';

const SERVER = new URL('../packages/server/dist/index.js', import.meta.url);
const CORE = new URL('../packages/core/dist/index.js', import.meta.url);
/** Seconds per transition measurement; HTTP, runtime and pgbench alternate for ROUNDS rounds, medians compared. */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Seconds per intake (autocannon) measurement. */
const INTAKE_SECONDS = Number(process.env.BENCH_INTAKE_SECONDS ?? 10);
const INBOX_CASES = Number(process.env.BENCH_INBOX_CASES ?? 1_000_000);
const INBOX_REQUESTS = 200;
const TENANT = 'demo';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (n) => Math.round(n);
const ms1 = (n) => Math.round(n * 10) / 10;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/* ------------------------------------------------------------------------------------------------------------
 * Load generators (child processes)
 * ---------------------------------------------------------------------------------------------------------- */

/** One request on a keep-alive agent; resolves to the status and the parsed JSON body. */
function request(agent, base, method, path, token, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode, json: text ? JSON.parse(text) : undefined });
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** N loops, each on its own connection and its own case, giving `case.touch` with the version it last saw. */
async function transitionLoops({ base, token, cases, seconds }) {
  const url = new URL(base);
  let count = 0;
  const latencies = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    cases.map(async ({ id, version: first }) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      let version = first;
      try {
        while (performance.now() < end) {
          const t0 = performance.now();
          const res = await request(agent, url, 'POST', `/api/v1/cases/${encodeURIComponent(id)}/commands`, token, {
            type: 'case.touch',
            input: {},
            expectedVersion: version,
          });
          if (res.status !== 200) throw new Error(`command answered ${res.status}: ${JSON.stringify(res.json)}`);
          latencies.push(performance.now() - t0);
          version = res.json.version;
          count++;
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: count / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** One autocannon run; the fields the suite reports. */
async function cannon(options) {
  const { default: autocannon } = await import('autocannon');
  const result = await autocannon(options);
  return {
    rate: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** `count` sequential GETs on one keep-alive connection (after 10 warm-up requests); latency percentiles. */
async function sequentialGets({ base, token, path, count }) {
  const url = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = [];
  let items = 0;
  try {
    for (let i = -10; i < count; i++) {
      const t0 = performance.now();
      const res = await request(agent, url, 'GET', path, token);
      const t = performance.now() - t0;
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
      items = res.json.items.length;
      if (i >= 0) latencies.push(t);
    }
  } finally {
    agent.destroy();
  }
  latencies.sort((a, b) => a - b);
  return {
    items,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1],
  };
}

const JOBS = { transitionLoops, cannon, sequentialGets };
const JOB_VARIABLE = 'GRIDFLOW_HTTP_BENCH_JOB';

// A load-generator process: runs the job named in the environment and prints its result as JSON.
if (process.env[JOB_VARIABLE]) {
  const { job, args } = JSON.parse(process.env[JOB_VARIABLE]);
  process.stdout.write(`${JSON.stringify(await JOBS[job](args))}\n`);
}

/**
 * Runs one load-generator job in a child process (autocannon does not report latencies inside a worker thread,
 * and the generator must not share the server's event loop).
 */
function inChild(job, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], {
      env: { ...process.env, [JOB_VARIABLE]: JSON.stringify({ job, args }) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${job} load generator exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (error) {
        reject(error);
      }
    });
  });
}

/* ------------------------------------------------------------------------------------------------------------
 * Server side (main thread)
 * ---------------------------------------------------------------------------------------------------------- */

/**
 * The smallest useful process, as in bench/server.mjs, but its command is `case.touch` so that the default
 * policy's `case.*` row of the street dispatcher allows it through HTTP (scope: the case's street).
 */
async function benchProcess() {
  const { assign, setup } = await import('xstate');
  const text = (zh, en) => ({ zh, en });
  return {
    id: 'bench',
    version: 1,
    name: text('基准', 'Benchmark'),
    inputSchema: { type: 'object' },
    commands: [{ type: 'case.touch', name: text('记录', 'Touch'), inputSchema: { type: 'object' } }],
    states: { open: { name: text('办理中', 'Open') } },
    summarize: () => ({ units: ['grid:g-01', 'community:c-01', 'street:s-01'], open: true, title: 'bench' }),
    createMachine: () =>
      setup({}).createMachine({
        id: 'bench',
        context: () => ({ deadlines: [], touches: 0 }),
        initial: 'open',
        states: {
          open: { on: { 'case.touch': { actions: assign({ touches: ({ context }) => context.touches + 1 }) } } },
        },
      }),
  };
}

/** Persisted transitions per second through the runtime in-process, one case per client (as bench/server.mjs). */
async function runtimeLoops(runtime, actor, cases, seconds) {
  let count = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    cases.map(async (c) => {
      let version = c.version;
      while (performance.now() < end) {
        version = (await runtime.send(c.id, { type: 'case.touch' }, { actor, expectedVersion: version })).version;
        count++;
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

/** A grid-escalation report of grid g-01 as a grid worker files it (the HTTP tests' noise report). */
const report = {
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { name: '张三丰', phone: '13800001234', address: '幸福小区3号楼2单元501' },
  location: { lng: 118.275, lat: 33.965 },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
};

/**
 * Inserts `total` grid-escalation cases spread over the demo district's 12 grids (3 per community), 4 communities
 * and 2 streets, created over the past year: 70% archived, 5% cancelled, the rest open in triage, handling,
 * verifying or evaluating with a deadline between 2 days ago and 8 days ahead (overdue ones tagged). Snapshot and
 * summary are small but of the real shape.
 */
async function insertInboxCases(sql, total, now) {
  await sql.query(
    `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary,
                        level, units, category, reporter_id, handler_id, title, open, next_due_at, created_at, updated_at)
     SELECT $3, id, 'gridEscalation', 1, 'default', 1, state, 3,
            jsonb_build_object('status', 'active', 'value',
              CASE WHEN state LIKE 'handling.%' THEN jsonb_build_object('handling', substr(state, 10)) ELSE to_jsonb(state) END,
              'context', jsonb_build_object('deadlines', '[]'::jsonb)),
            jsonb_strip_nulls(jsonb_build_object('level', level, 'units', to_jsonb(units), 'category', category,
              'urgency', 'normal', 'reporterId', reporter_id, 'handlerId', handler_id, 'title', title, 'open', open,
              'tags', CASE WHEN next_due_at < $1::bigint THEN '["overdue"]'::jsonb END)),
            level, units, category, reporter_id, handler_id, title, open, next_due_at, created_at, created_at + 3600000
       FROM (
         SELECT 'b' || lpad(g::text, 7, '0') AS id, s.state, s.open,
                CASE WHEN s.open THEN 'grid' END AS level,
                ARRAY['grid:g-' || lpad(grid::text, 2, '0'), 'community:c-0' || ((grid - 1) / 3 + 1),
                      'street:s-0' || ((grid - 1) / 6 + 1)]::text[] AS units,
                (ARRAY['noise', 'garbage', 'road_damage', 'parking', 'water_leak'])[1 + g % 5] AS category,
                'resident-' || (g % 5000) AS reporter_id,
                CASE WHEN s.state LIKE 'handling.%' THEN 'gw-g-' || lpad(grid::text, 2, '0') END AS handler_id,
                '事项 ' || g AS title,
                CASE WHEN s.open THEN $1::bigint - 172800000 + (g::bigint * 104729) % 864000000 END AS next_due_at,
                $1::bigint - ($2::bigint - g) * 31536 AS created_at
           FROM generate_series(1, $2::int) AS g,
                LATERAL (SELECT 1 + g % 12 AS grid, (g::bigint * 7919) % 100 AS bucket) AS k,
                LATERAL (SELECT CASE WHEN bucket < 70 THEN 'archived' WHEN bucket < 75 THEN 'cancelled'
                                     WHEN bucket < 80 THEN 'triage' WHEN bucket < 86 THEN 'handling.dispatched'
                                     WHEN bucket < 90 THEN 'handling.signed' WHEN bucket < 95 THEN 'handling.working'
                                     WHEN bucket < 98 THEN 'verifying' ELSE 'evaluating' END AS state,
                                bucket >= 75 AS open) AS s
       ) AS r`,
    [now, total, TENANT],
  );
}

async function openServer(api, schema, secret, processes) {
  const databaseUrl = process.env.DATABASE_URL;
  return api.createGridflowServer({
    config: {
      mode: 'production',
      ...(databaseUrl ? { databaseUrl, databaseSchema: schema } : { dataDir: 'memory://' }),
      port: 0,
      host: '127.0.0.1',
      jwt: { secret },
      // One client address sends everything here; the limiter still runs on every request.
      rateLimit: { max: 1_000_000, windowMs: 60_000 },
    },
    processes,
    seed: false,
    worker: { enabled: false },
    log: (level, message, error) => level === 'error' && console.error(message, error ?? ''),
  });
}

export async function run() {
  const api = await import(SERVER.href);
  const core = await import(CORE.href);
  const { SignJWT } = await import('jose');
  const databaseUrl = process.env.DATABASE_URL;
  const engine = databaseUrl ? 'PostgreSQL' : 'PGlite';
  const schema = `gridflow_bench_${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32).toString('hex');
  const token = (sub, roles, units) =>
    new SignJWT({ tenant: TENANT, roles, units })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
  const dispatcher = await token('disp-s-01', ['street_dispatcher'], ['street:s-01']);
  const gridWorker = await token('gw-g-01', ['grid_worker'], ['grid:g-01']);
  const rows = [];
  const server = await openServer(api, schema, secret, [await benchProcess()]);
  try {
    const { ctx } = server;
    const base = await server.listen();
    const runtime = await ctx.runtimeFor(TENANT);
    const system = core.SYSTEM_ACTOR;

    // 1. Persisted transitions: HTTP, the runtime in-process and pgbench, alternating, same cases shape.
    if (databaseUrl) {
      await insertPgbenchCases(ctx.sql);
    }
    const dispatcherActor = { id: 'disp-s-01', roles: ['street_dispatcher'], units: ['street:s-01'] };
    for (const clients of [1, 8]) {
      const viaHttp = [];
      const viaRuntime = [];
      const viaPgbench = [];
      const latencies = [];
      for (let r = 0; r < ROUNDS; r++) {
        const cases = await Promise.all(
          Array.from({ length: clients }, () => runtime.submit({ process: 'bench', input: {}, actor: system })),
        );
        const h = await inChild('transitionLoops', {
          base,
          token: dispatcher,
          cases: cases.map((c) => ({ id: c.id, version: c.version })),
          seconds: SECONDS,
        });
        viaHttp.push(h.rate);
        latencies.push(h);
        const fresh = await Promise.all(
          Array.from({ length: clients }, () => runtime.submit({ process: 'bench', input: {}, actor: system })),
        );
        viaRuntime.push(await runtimeLoops(runtime, dispatcherActor, fresh, SECONDS));
        if (databaseUrl)
          viaPgbench.push(pgbench(databaseUrl, schema, { clients, seconds: SECONDS, command: 'case.touch' }));
      }
      const rate = median(viaHttp);
      const mid = latencies.find((l) => l.rate === rate);
      const label = `${clients} connection${clients > 1 ? 's' : ''}`;
      rows.push({
        suite: 'http',
        name: `HTTP transitions/s (POST …/commands), ${label}, ${engine}`,
        opsPerSec: round(rate),
        p50: ms1(mid.p50),
        p99: ms1(mid.p99),
      });
      const inProcess = median(viaRuntime);
      rows.push({
        suite: 'http',
        name: `runtime transitions/s (same command, in-process), ${clients} client(s), ${engine}`,
        opsPerSec: round(inProcess),
      });
      rows.push({ suite: 'http', name: `HTTP / runtime, ${label}`, ratio: Math.round((rate / inProcess) * 100) / 100 });
      if (databaseUrl) {
        const tps = median(viaPgbench);
        rows.push({ suite: 'http', name: `pgbench same transaction/s, ${clients} client(s)`, opsPerSec: round(tps) });
        rows.push({
          suite: 'http',
          name: `HTTP / pgbench, ${label}`,
          ratio: Math.round((rate / tps) * 100) / 100,
          target: '≥ 0.5',
          met: rate / tps >= 0.5,
        });
      }
    }

    // 2. Intake: gridEscalation reports by a grid worker, at fixed rates, then as fast as 10 connections go.
    const intake = {
      url: `${base}/api/v1/cases`,
      method: 'POST',
      headers: { authorization: `Bearer ${gridWorker}`, 'content-type': 'application/json' },
      body: JSON.stringify({ process: 'gridEscalation', input: report }),
      connections: 10,
      duration: INTAKE_SECONDS,
    };
    // Warm-up (compiles the schemas and the machine, fills the pool); not reported.
    await inChild('cannon', { ...intake, duration: 2 });
    for (const rate of [500, 1000, undefined]) {
      const r = await inChild('cannon', rate === undefined ? intake : { ...intake, overallRate: rate });
      const failed = r.non2xx + r.errors + r.timeouts;
      // autocannon measures latency from when a request is sent: below the offered rate, requests waited in the
      // client unmeasured, so a fixed rate counts only when it was held.
      const held = rate === undefined || r.rate >= 0.95 * rate;
      const notes = [
        ...(held ? [] : [`offered rate not held (${round(r.rate)}/s)`]),
        ...(failed > 0 ? [`${failed} of ${r.total} failed`] : []),
      ];
      rows.push({
        suite: 'http',
        name:
          rate === undefined
            ? `intake POST /cases, 10 connections, unpaced (max), ${engine}`
            : `intake POST /cases at ${rate.toLocaleString('en')} req/s offered, 10 connections, ${engine}`,
        opsPerSec: round(r.rate),
        p50: r.p50,
        p99: r.p99,
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
        target: rate === undefined ? '≥ 1,000/s, p99 < 50 ms' : 'rate held, p99 < 50 ms',
        met: held && failed === 0 && r.p99 < 50 && (rate !== undefined || r.rate >= 1000),
      });
    }

    // 3. Inbox with 1,000,000 cases (PostgreSQL only).
    if (!databaseUrl) {
      rows.push({
        suite: 'http',
        name: 'inbox GET /cases?limit=50&sort=deadline at 1,000,000 cases',
        note: 'skipped on PGlite: 1,000,000 cases on PGlite is not a supported deployment; set DATABASE_URL',
      });
    } else {
      await ctx.sql.query('TRUNCATE cases CASCADE');
      const now = Date.now();
      let started = performance.now();
      await insertInboxCases(ctx.sql, INBOX_CASES, now);
      await ctx.sql.query('ANALYZE cases');
      const loadMs = performance.now() - started;
      rows.push({
        suite: 'http',
        name: `insert ${INBOX_CASES.toLocaleString('en')} cases with SQL (+ ANALYZE), PostgreSQL`,
        ms: round(loadMs),
      });
      const inboxes = [
        ['grid worker g-01 (1/12 of cases)', gridWorker, INBOX_REQUESTS, true],
        [
          'community staff c-01 (1/4)',
          await token('cs-c-01', ['community_staff'], ['community:c-01']),
          INBOX_REQUESTS / 2,
          false,
        ],
        ['street dispatcher s-01 (1/2)', dispatcher, INBOX_REQUESTS / 2, false],
      ];
      for (const [who, bearer, count, targeted] of inboxes) {
        started = performance.now();
        const r = await inChild('sequentialGets', {
          base,
          token: bearer,
          path: '/api/v1/cases?limit=50&sort=deadline',
          count,
        });
        if (r.items !== 50) throw new Error(`inbox of ${who} returned ${r.items} items, expected 50`);
        rows.push({
          suite: 'http',
          name: `inbox GET /cases?limit=50&sort=deadline, ${who}, ${INBOX_CASES.toLocaleString('en')} cases, ${count} requests`,
          p50: ms1(r.p50),
          p95: ms1(r.p95),
          p99: ms1(r.p99),
          ...(targeted ? { target: 'p95 < 50 ms', met: r.p95 < 50 } : {}),
        });
      }
    }
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

if (!process.env[JOB_VARIABLE] && process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
