// Policy benchmarks: how long validating, analysing and diffing a policy takes.
// Needs a build first (`npx tsc -p packages/core`); run through bench/run.mjs, or alone: `node bench/policy.mjs`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INDEX = new URL('../packages/core/dist/index.js', import.meta.url);
const POLICY_INDEX = new URL('../packages/core/dist/policy/index.js', import.meta.url);

/** The policy API from the built package (the root barrel, or the `./policy` subpath if the root lacks it). */
async function load() {
  const root = await import(INDEX.href);
  return typeof root.validatePolicy === 'function' ? root : import(POLICY_INDEX.href);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median milliseconds per call over `runs` calls after `warmup` calls. */
function time(fn, runs = 200, warmup = 30) {
  for (let i = 0; i < warmup; i++) fn();
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return median(samples);
}

/** First validation in a fresh process: module graph loaded, then the first call (ajv compile included). */
function coldInFreshProcess() {
  const script = `
    const root = await import(${JSON.stringify(INDEX.href)});
    const api = typeof root.validatePolicy === 'function' ? root : await import(${JSON.stringify(POLICY_INDEX.href)});
    const doc = api.createDefaultPolicy();
    const t0 = performance.now();
    const result = api.validatePolicy(doc);
    const ms = performance.now() - t0;
    if (!result.valid) throw new Error('default policy invalid');
    console.log(JSON.stringify({ ms }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).ms;
}

const row = (name, ms) => ({
  suite: 'policy',
  name,
  ms: Math.round(ms * 1000) / 1000,
  opsPerSec: Math.round(1000 / ms),
});

export async function run() {
  const api = await load();
  const rows = [
    row(
      'validate default policy (cold, fresh process; the schema validator is generated ahead of time)',
      coldInFreshProcess(),
    ),
  ];

  const doc = api.createDefaultPolicy();
  const result = api.validatePolicy(doc);
  if (!result.valid || result.problems.length > 0)
    throw new Error(`default policy has problems: ${JSON.stringify(result.problems)}`);
  rows.push(
    row(
      'validate default policy (warm)',
      time(() => api.validatePolicy(doc)),
    ),
  );
  rows.push(
    row(
      'validate default policy, schema only (warm)',
      time(() => api.validatePolicy(doc, { semantic: false }), 500),
    ),
  );

  const facts = api.routingFacts(doc);
  rows.push(
    row(
      'analyse default routing table (warm)',
      time(() => api.analyseDecisionTable(doc.routing.rows, facts, { reachableValuesOf: ['case.urgency'] })),
    ),
  );

  const edited = api.createDefaultPolicy();
  edited.timeLimits.handling[3].duration = 'PT4H';
  edited.routing.rows.unshift(edited.routing.rows.splice(5, 1)[0]);
  rows.push(
    row(
      'diff default policy vs one edit (warm)',
      time(() => api.diffPolicies(doc, edited)),
    ),
  );
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await run())
    console.log(`${r.name.padEnd(66)} ${r.ms.toFixed(3).padStart(9)} ms  ${String(r.opsPerSec).padStart(7)} ops/s`);
}
