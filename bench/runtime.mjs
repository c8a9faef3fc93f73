// Runtime benchmarks (issue 3): in-memory transitions per second over 100,000 cases, deadline firing for
// 10,000 due cases, and bytes per stored case. Imports the built package (npm run bench builds first).
import {
  builtInProcesses,
  createDefaultPolicy,
  createManualClock,
  createMemoryStore,
  createPolicyRegistry,
  createRuntime,
} from '../packages/core/dist/index.js';

const CASES = Number(process.env.BENCH_RUNTIME_CASES ?? 100_000);
const DUE = 10_000;
const start = Date.parse('2026-03-02T09:00:00+08:00');

const gridWorker = { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01'] };
const staff = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01'] };
const input = (i) => ({
  category: 'noise',
  title: `噪声扰民 ${i}`,
  description: '夜间施工噪声',
  source: 'patrol',
  anonymous: false,
  reporter: { id: `r-${i % 1000}`, name: '张三', phone: '13800000000' },
  location: { lng: 118.27 + (i % 100) / 10_000, lat: 33.96 },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
});

function setup() {
  const clock = createManualClock(start);
  const store = createMemoryStore();
  let n = 0;
  const runtime = createRuntime({
    store,
    clock,
    policies: createPolicyRegistry([createDefaultPolicy()]),
    processes: [...builtInProcesses],
    newId: () => `c${++n}`,
  });
  return { runtime, clock, store };
}

async function timed(fn) {
  const t0 = performance.now();
  const count = await fn();
  const ms = performance.now() - t0;
  return { count, ms };
}

export async function run() {
  const rows = [];
  const { runtime, clock, store } = setup();

  // 1. Submit CASES cases (each is a transition: validate → permission → initial transition → history → insert).
  const submitted = await timed(async () => {
    for (let i = 0; i < CASES; i++)
      await runtime.submit({ process: 'gridEscalation', input: input(i), actor: gridWorker });
    return CASES;
  });
  rows.push({
    suite: 'runtime',
    name: `submit (in-memory, ${CASES.toLocaleString('en')} cases)`,
    opsPerSec: Math.round((submitted.count / submitted.ms) * 1000),
  });

  // 2. Transitions on stored cases: restore → permission → guards → transition → history → snapshot.
  const ids = (await store.listCases({ tenant: 'default', limit: 500 })).items.map((c) => c.id);
  void ids;
  const transitions = await timed(async () => {
    for (let i = 1; i <= CASES; i++) {
      clock.advance(1);
      await runtime.send(`c${i}`, { type: 'case.triage.file', input: {} }, { actor: staff });
    }
    return CASES;
  });
  rows.push({
    suite: 'runtime',
    name: `transitions (file → dispatched, over ${CASES.toLocaleString('en')} cases)`,
    opsPerSec: Math.round((transitions.count / transitions.ms) * 1000),
    target: '≥ 10,000/s',
    met: (transitions.count / transitions.ms) * 1000 >= 10_000,
  });
  const signs = await timed(async () => {
    for (let i = 1; i <= CASES; i += 2)
      await runtime.send(`c${i}`, { type: 'case.sign', input: {} }, { actor: gridWorker });
    return Math.ceil(CASES / 2);
  });
  rows.push({
    suite: 'runtime',
    name: 'transitions (sign, with deadline changes)',
    opsPerSec: Math.round((signs.count / signs.ms) * 1000),
    target: '≥ 10,000/s',
    met: (signs.count / signs.ms) * 1000 >= 10_000,
  });

  // 3. Bytes per stored case (JSON of the whole record: snapshot + indexed columns), in a few states.
  const sizes = [];
  for (const id of ['c1', 'c2', `c${CASES}`]) {
    const record = await store.getCase('default', id);
    sizes.push({
      state: record.state,
      record: JSON.stringify(record).length,
      snapshot: JSON.stringify(record.snapshot).length,
    });
  }
  const maxSnapshot = Math.max(...sizes.map((s) => s.snapshot));
  rows.push({
    suite: 'runtime',
    name: `bytes per stored case (snapshot, max over ${sizes.map((s) => s.state).join(', ')})`,
    bytes: maxSnapshot,
    target: '< 2,048',
    met: maxSnapshot < 2048,
  });
  rows.push({
    suite: 'runtime',
    name: 'bytes per stored case (whole record with columns)',
    bytes: Math.max(...sizes.map((s) => s.record)),
  });

  // 4. Fire 10,000 due deadlines (a fresh runtime: 10,000 dispatched cases whose signing limit passes).
  const fresh = setup();
  for (let i = 0; i < DUE; i++) {
    const c = await fresh.runtime.submit({ process: 'gridEscalation', input: input(i), actor: gridWorker });
    await fresh.runtime.send(c.id, { type: 'case.triage.file', input: {} }, { actor: staff });
  }
  fresh.clock.advance(2 * 3_600_000);
  const fired = await timed(async () => (await fresh.runtime.tick({ limit: DUE })).fired);
  rows.push({
    suite: 'runtime',
    name: `fire ${DUE.toLocaleString('en')} due deadlines (in-memory)`,
    ms: Math.round(fired.ms),
    fired: fired.count,
    target: '< 2,000 ms',
    met: fired.ms < 2000,
  });
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then((rows) => console.table(rows));
}
