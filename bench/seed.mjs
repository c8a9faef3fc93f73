// Demo seed benchmark: the time `seedDemo` takes to make the demo tenant (≈ 400 cases driven through the runtime,
// with their deadlines) on an in-memory PGlite, which is what `npm start` does on a fresh data folder. The target
// (< 15 s) keeps a first start short. Needs a build first; run through bench/run.mjs, or `node bench/seed.mjs`.
const SERVER = new URL('../packages/server/dist/index.js', import.meta.url);
const CORE = new URL('../packages/core/dist/index.js', import.meta.url);
// The server's internals the seed needs beside its public API (the repositories and the demo seed).
const INTERNAL = (path) => new URL(`../packages/server/dist/${path}`, import.meta.url).href;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const TARGET_MS = 15_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  const server = {
    ...(await import(SERVER.href)),
    ...(await import(INTERNAL('policies/index.js'))),
    ...(await import(INTERNAL('org/index.js'))),
    ...(await import(INTERNAL('demo/index.js'))),
  };
  const { createManualClock } = await import(CORE.href);
  const times = [];
  let report;
  for (let round = 0; round < ROUNDS; round++) {
    const sql = await server.openPgliteClient();
    await server.migrate(sql);
    const clock = createManualClock(Date.parse('2026-11-20T16:00:00+08:00'));
    const ctx = {
      clock,
      store: server.createSqlStore(sql),
      policies: server.createPolicyRepository(sql, clock),
      org: server.createOrgRepository(sql),
    };
    const started = performance.now();
    report = await server.seedDemo(ctx);
    times.push(performance.now() - started);
    await sql.close();
  }
  const ms = Math.round(median(times));
  return [
    {
      suite: 'seed',
      name: `demo seed on PGlite (${report.cases} cases, ${report.historyEntries} history entries), median of ${ROUNDS}`,
      ms,
      target: `< ${TARGET_MS} ms`,
      met: ms < TARGET_MS,
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run());
