// Rule benchmarks: JsonLogic evaluations per second for the three rules measured in toolchain.md — Gridflow's
// evaluator compiled and interpreted, json-logic-js, json-logic-engine's own build(), and hand-written JavaScript,
// all in the same run. Each (rule, evaluator) pair is measured in its own worker thread, so that the JIT state one
// measurement leaves behind (inlining, feedback) cannot favour or penalise the next.
// Needs a build first (`npm run build`, or `npx tsc -p packages/core`); run through bench/run.mjs, or alone:
// `node bench/rules.mjs`.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const RULES_INDEX = new URL('../packages/core/dist/rules/index.js', import.meta.url);
const require = createRequire(import.meta.url);

const CATEGORIES = [
  'illegal_construction',
  'street_vending',
  'noise',
  'water_leak',
  'power_outage',
  'gas',
  'property_fee',
  'parking',
  'greening',
  'garbage',
  'elevator',
  'other',
];

/** The three rules, each with its inputs and the same logic written by hand. */
const RULES = {
  escalation: {
    label: 'escalation check (and, >, ! over case fields)',
    logic: {
      and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }],
    },
    inputs: (i) => ({ case: { elapsedHours: (i * 7) % 97, limitHours: 48, resolved: i % 3 === 0 } }),
    hand: () => (d) => d.case.elapsedHours > d.case.limitHours && !d.case.resolved,
    simple: true,
  },
  routing: {
    label: 'routing: 10-branch if with in',
    logic: {
      if: [
        { in: [{ var: 'case.category' }, ['illegal_construction', 'street_vending']] },
        'urban_management',
        { in: [{ var: 'case.category' }, ['noise']] },
        'public_security',
        { in: [{ var: 'case.category' }, ['water_leak', 'power_outage', 'gas']] },
        'utilities',
        { in: [{ var: 'case.category' }, ['property_fee', 'parking']] },
        'property_company',
        { in: [{ var: 'case.category' }, ['greening']] },
        'landscaping',
        { in: [{ var: 'case.category' }, ['garbage']] },
        'sanitation',
        { in: [{ var: 'case.category' }, ['elevator']] },
        'market_regulation',
        { in: [{ var: 'case.urgency' }, ['emergency']] },
        'street',
        { in: [{ var: 'case.source' }, ['hotline', 'platform']] },
        'community',
        { in: [{ var: 'case.grid' }, ['g-001', 'g-002']] },
        'pilot_grid',
        'grid',
      ],
    },
    inputs: (i) => ({
      case: {
        category: CATEGORIES[i % CATEGORIES.length],
        urgency: i % 5 === 0 ? 'emergency' : 'general',
        source: i % 2 ? 'hotline' : 'patrol',
        grid: `g-00${i % 4}`,
      },
    }),
    hand: () => {
      const [a, b, c, d, e, f, g, h, s, gr] = [
        ['illegal_construction', 'street_vending'],
        ['noise'],
        ['water_leak', 'power_outage', 'gas'],
        ['property_fee', 'parking'],
        ['greening'],
        ['garbage'],
        ['elevator'],
        ['emergency'],
        ['hotline', 'platform'],
        ['g-001', 'g-002'],
      ];
      return (x) => {
        const k = x.case;
        if (a.includes(k.category)) return 'urban_management';
        if (b.includes(k.category)) return 'public_security';
        if (c.includes(k.category)) return 'utilities';
        if (d.includes(k.category)) return 'property_company';
        if (e.includes(k.category)) return 'landscaping';
        if (f.includes(k.category)) return 'sanitation';
        if (g.includes(k.category)) return 'market_regulation';
        if (h.includes(k.urgency)) return 'street';
        if (s.includes(k.source)) return 'community';
        if (gr.includes(k.grid)) return 'pilot_grid';
        return 'grid';
      };
    },
    simple: true,
  },
  arrays: {
    label: 'some / filter / reduce over 20 items',
    logic: {
      and: [
        { some: [{ var: 'case.photos' }, { '==': [{ var: 'kind' }, 'site'] }] },
        {
          '>': [
            {
              reduce: [
                { filter: [{ var: 'case.photos' }, { '>': [{ var: 'sizeKb' }, 100] }] },
                { '+': [{ var: 'accumulator' }, { var: 'current.sizeKb' }] },
                0,
              ],
            },
            1000,
          ],
        },
      ],
    },
    inputs: (i) => ({
      case: {
        photos: Array.from({ length: 20 }, (_, j) => ({
          kind: (i + j) % 11 === 0 ? 'site' : 'doc',
          sizeKb: ((i + 1) * (j + 3) * 37) % 400,
        })),
      },
    }),
    hand: () => (d) => {
      const xs = d.case.photos;
      return (
        xs.some((x) => x.kind === 'site') && xs.filter((x) => x.sizeKb > 100).reduce((a, x) => a + x.sizeKb, 0) > 1000
      );
    },
    simple: false,
  },
};

const EVALUATORS = [
  'gridflow compiled',
  'gridflow interpreted',
  'json-logic-js',
  'json-logic-engine build()',
  'hand-written JS',
];

async function evaluatorFor(name, rule) {
  if (name === 'hand-written JS') return rule.hand();
  if (name === 'json-logic-js') {
    const jsonLogic = require('json-logic-js');
    return (d) => jsonLogic.apply(rule.logic, d);
  }
  if (name === 'json-logic-engine build()') {
    const { LogicEngine } = await import('json-logic-engine');
    return new LogicEngine().build(rule.logic);
  }
  const { createRuleEngine } = await import(RULES_INDEX.href);
  return createRuleEngine({ codegen: name === 'gridflow compiled' ? 'on' : 'off' }).compile(rule.logic);
}

/** One measurement, in a worker: warm up, then `rounds` timed rounds; ops/s is the median round. */
async function measureInWorker({ rule: key, evaluator, rounds, roundMs }) {
  const rule = RULES[key];
  const fn = await evaluatorFor(evaluator, rule);
  const inputs = Array.from({ length: 64 }, (_, i) => rule.inputs(i));
  let sink = 0; // every result is folded in and returned, so no evaluation can be dropped as dead code
  const round = (ms) => {
    let n = 0;
    const t0 = performance.now();
    let elapsed;
    do {
      for (let i = 0; i < 256; i++) {
        const r = fn(inputs[(n + i) & 63]);
        sink += r === true ? 1 : typeof r === 'string' ? r.length : 0;
      }
      n += 256;
      elapsed = performance.now() - t0;
    } while (elapsed < ms);
    return (n / elapsed) * 1000;
  };
  round(roundMs * 3); // warm-up
  const samples = Array.from({ length: rounds }, () => round(roundMs)).sort((a, b) => a - b);
  return { opsPerSec: samples[Math.floor(samples.length / 2)], sink };
}

function measure(job) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { rulesBenchJob: job } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const fmtRatio = (r) => (r >= 10 ? `${Math.round(r)}×` : `${r.toFixed(1)}×`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs every rule with every evaluator, `repeats` times interleaved (each time in a fresh worker), and returns one
 * row per pair — the median of the repeats — with its ratios to json-logic-js and to hand-written JS.
 */
export async function run({ repeats = 3, rounds = 5, roundMs = 100 } = {}) {
  const samples = {};
  for (let r = 0; r < repeats; r++) {
    for (const key of Object.keys(RULES)) {
      for (const evaluator of EVALUATORS) {
        const { opsPerSec } = await measure({ rule: key, evaluator, rounds, roundMs });
        (samples[`${key}/${evaluator}`] ??= []).push(opsPerSec);
      }
    }
  }
  const rows = [];
  for (const [key, rule] of Object.entries(RULES)) {
    const ops = Object.fromEntries(EVALUATORS.map((e) => [e, median(samples[`${key}/${e}`])]));
    for (const evaluator of EVALUATORS) {
      const row = {
        suite: 'rules',
        name: `${rule.label} — ${evaluator}`,
        opsPerSec: Math.round(ops[evaluator]),
        'vs json-logic-js': fmtRatio(ops[evaluator] / ops['json-logic-js']),
        'vs hand-written': `${Math.round((ops[evaluator] / ops['hand-written JS']) * 100)}%`,
      };
      if (evaluator === 'gridflow compiled') {
        const fast = ops[evaluator] / ops['json-logic-js'] >= 30;
        const near = ops[evaluator] / ops['hand-written JS'] >= 0.5;
        row.target = rule.simple ? '≥ 30× json-logic-js, ≥ 50% hand-written' : '≥ 30× json-logic-js';
        row.met = rule.simple ? fast && near : fast;
      }
      rows.push(row);
    }
  }
  return rows;
}

if (!isMainThread && workerData?.rulesBenchJob) {
  parentPort.postMessage(await measureInWorker(workerData.rulesBenchJob));
} else if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await run());
}
