// Hostile bodies: the worst event-loop delay of the server while it answers the largest request each operation
// allows (every array at its maxItems, every string at its maxLength, within the body limit; the requests of
// packages/server/src/http/largestBodies.ts, the same the liveness test in hostile.test.ts sends). The server runs
// in this process and its event loop is watched with perf_hooks.monitorEventLoopDelay (1 ms resolution); the
// client runs in a worker thread with the bodies serialised beforehand, so its JSON and socket work is not on the
// watched loop (both share the machine's cores). Each operation is sent REPEAT times one after another; the row
// gives the worst delay seen while it ran (the longest stretch the server could answer nothing else), the answer's
// status and the client's time. PostgreSQL when DATABASE_URL is set (a private schema, dropped afterwards), else
// PGlite in memory. Needs a build first (`npm run build`); run through bench/run.mjs, or alone:
// `node bench/hostile.mjs` (BENCH_HOSTILE_REPEAT, default 3; BENCH_HOSTILE_ALL=1 prints every operation).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

// The server built with its test helpers (packages/server/tsconfig.testing.json; the package does not ship them).
const HTTP = new URL('../packages/server/testing/dist/http/', import.meta.url);
const CORE = new URL('../packages/core/dist/index.js', import.meta.url);
const REPEAT = Math.max(1, Number(process.env.BENCH_HOSTILE_REPEAT ?? 3));
/** The liveness test's bound: another client's `/healthz` answers within a second while these run. */
const TARGET_MS = 1_000;
const ms1 = (n) => Math.round(n * 10) / 10;

/** The client: sends request `i` when told, answers with its status and time. Bodies arrive serialised. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { base, token, requests } = workerData;
parentPort.on('message', async (i) => {
  const r = requests[i];
  const started = performance.now();
  try {
    const res = await fetch(base + r.url, {
      method: r.method,
      headers: { authorization: 'Bearer ' + token, ...(r.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(r.body === undefined ? {} : { body: r.body }),
    });
    await res.arrayBuffer();
    parentPort.postMessage({ status: res.status, ms: performance.now() - started });
  } catch (error) {
    parentPort.postMessage({ status: 0, ms: performance.now() - started, error: String(error) });
  }
});`;

export async function run() {
  const { startHarness, TENANTS } = await import(new URL('harness.js', HTTP).href);
  const { FIXTURE_UNITS, gridInTriage, recipes } = await import(new URL('fixtures.js', HTTP).href);
  const { largestRequests } = await import(new URL('largestBodies.js', HTTP).href);
  const { createDefaultPolicy } = await import(CORE.href);
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite';
  const [T] = TENANTS;
  const h = await startHarness(engine);
  const rows = [];
  let client;
  try {
    // A caller with every role in every fixture unit, so each request reaches its handler (as in hostile.test.ts).
    const everyone = {
      id: 'u-hostile',
      name: '压力测试',
      roles: createDefaultPolicy()
        .organisation.roles.map((r) => r.code)
        .filter((r) => r !== 'system'),
      units: [...FIXTURE_UNITS, 'grid:g-02', 'community:c-02', 'street:s-02', 'compound:x-02'],
    };
    const doc = JSON.parse((await h.app.inject({ method: 'GET', url: '/openapi.json' })).body);
    const caseIds = {
      cases: (await gridInTriage(h.ctx, T)).id,
      evaluations: (await recipes['evaluation.rate'](h.ctx, T, 'resident')).caseId,
      matters: (await recipes['matter.meeting.hold'](h.ctx, T, 'community_secretary')).caseId,
    };
    const requests = largestRequests(doc, {
      budgetBytes: Math.floor(h.ctx.config.bodyLimitBytes * 0.95),
      pathValue: (name, path) => {
        if (name === 'id') return caseIds[path.split('/')[3] ?? ''] ?? caseIds.cases;
        if (name === 'policyId') return 'default';
        if (name === 'version') return '1';
        return undefined;
      },
      skip: (operation) => operation === 'POST /api/v1/demo/clock',
    });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address();
    client = new Worker(CLIENT, {
      eval: true,
      workerData: {
        base: `http://127.0.0.1:${port}`,
        token: await h.token(everyone),
        requests: requests.map((r) => ({
          method: r.method,
          url: r.url,
          ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
        })),
      },
    });
    let waiting;
    client.on('message', (answer) => waiting?.resolve(answer));
    client.on('error', (error) => waiting?.reject(error));
    const send = (i) =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        client.postMessage(i);
      });

    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    // Warm-up: every operation once (the first request of a route compiles its validators).
    for (let i = 0; i < requests.length; i++) await send(i);
    // The idle loop for comparison: the same second with no request (timer jitter, GC, the machine's load).
    histogram.reset();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idle = histogram.max / 1e6;
    const measured = [];
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i];
      let worst = 0;
      let slowest = 0;
      const statuses = new Set();
      for (let n = 0; n < REPEAT; n++) {
        histogram.reset();
        const answer = await send(i);
        worst = Math.max(worst, histogram.max / 1e6);
        slowest = Math.max(slowest, answer.ms);
        statuses.add(answer.status);
      }
      measured.push({
        suite: 'hostile',
        name: `${r.operation}${r.branch ? ` (${r.branch})` : ''}`,
        bodyKB: ms1(r.bytes / 1024),
        status: [...statuses].sort().join('/'),
        maxEventLoopDelayMs: ms1(worst),
        slowestAnswerMs: ms1(slowest),
      });
    }
    histogram.disable();
    measured.sort((a, b) => b.maxEventLoopDelayMs - a.maxEventLoopDelayMs);
    const worst = measured[0];
    const faults = measured.filter((m) => [...m.status.split('/')].some((s) => Number(s) >= 500 || Number(s) < 200));
    rows.push({
      suite: 'hostile',
      name: `worst event-loop delay of ${measured.length} operations (${engine}, ${REPEAT}× each)`,
      maxEventLoopDelayMs: worst.maxEventLoopDelayMs,
      note: `${worst.name}, ${worst.bodyKB} kB${faults.length ? `; ${faults.length} answered 5xx or failed` : ''}`,
      target: `≤ ${TARGET_MS} ms`,
      met: worst.maxEventLoopDelayMs <= TARGET_MS && faults.length === 0,
    });
    const sortedDelays = measured.map((m) => m.maxEventLoopDelayMs).sort((a, b) => a - b);
    rows.push({ suite: 'hostile', name: 'idle server, one second (for comparison)', maxEventLoopDelayMs: ms1(idle) });
    rows.push({
      suite: 'hostile',
      name: 'median operation’s worst event-loop delay',
      maxEventLoopDelayMs: sortedDelays[Math.floor(sortedDelays.length / 2)],
    });
    // The ten worst (every one with BENCH_HOSTILE_ALL=1), largest delay first.
    rows.push(...(process.env.BENCH_HOSTILE_ALL === '1' ? measured : measured.slice(0, 10)));
  } finally {
    await client?.terminate();
    await h.close();
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
