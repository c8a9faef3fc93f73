// Business calendar benchmarks: how many deadlines per second the runtime can compute.
// Needs a build first (`npx tsc -p packages/core`); run through bench/run.mjs, or alone: `node bench/calendar.mjs`.
import { createBusinessCalendar } from '../packages/core/dist/calendar/index.js';

const H = 3_600_000;

/** Asia/Shanghai office hours with the 2026 National Day holiday and its make-up days. */
const def = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  workingHours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [
    '2026-09-25',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ].map((date) => ({ date })),
  makeUpWorkdays: [{ date: '2026-09-20' }, { date: '2026-10-10' }],
};

/** Start instants spread over two months (every 7 minutes), so day lookups are realistic, not one hot day. */
const BASE = Date.parse('2026-09-01T00:00:00+08:00');
const STARTS = Array.from({ length: 12_000 }, (_, i) => BASE + i * 7 * 60_000 + (i % 13) * 1_000);

function measure(fn, minMs = 300) {
  // Warm up (JIT and the calendar's per-day cache), then run whole rounds until minMs has passed.
  for (let i = 0; i < STARTS.length; i++) fn(STARTS[i]);
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < STARTS.length; i++) fn(STARTS[i]);
    ops += STARTS.length;
    elapsed = performance.now() - t0;
  }
  return Math.round((ops * 1000) / elapsed);
}

export async function run() {
  const cal = createBusinessCalendar(def);
  let sink = 0;
  const cases = [
    ['addDuration P7D working', (t) => (sink += cal.addDuration(t, 'P7D', 'working'))],
    ['addDuration PT2H working', (t) => (sink += cal.addDuration(t, 'PT2H', 'working'))],
    ['addDuration P15D working', (t) => (sink += cal.addDuration(t, 'P15D', 'working'))],
    ['addDuration P1DT4H working', (t) => (sink += cal.addDuration(t, 'P1DT4H', 'working'))],
    ['addDuration P7D calendar', (t) => (sink += cal.addDuration(t, 'P7D', 'calendar'))],
    ['elapsed 3 days working', (t) => (sink += cal.elapsed(t, t + 72 * H, 'working'))],
    ['elapsedWorkingDays 10 days', (t) => (sink += cal.elapsedWorkingDays(t, t + 240 * H))],
    ['isWorkingTime', (t) => (sink += cal.isWorkingTime(t) ? 1 : 0)],
    ['localDate', (t) => (sink += cal.localDate(t).length)],
  ];
  const rows = cases.map(([name, fn]) => ({ suite: 'calendar', name, opsPerSec: measure(fn) }));
  if (sink === 42) console.log(''); // keep the results alive
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await run()) {
    console.log(
      `${row.name.padEnd(32)} ${row.opsPerSec.toLocaleString('en-US').padStart(12)} ops/s  ${(1e6 / row.opsPerSec).toFixed(2)} µs/op`,
    );
  }
}
