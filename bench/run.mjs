// Benchmark harness: runs every suite in bench/ (each `*.mjs` but this file exports `async run()` returning rows
// `{ suite, name, opsPerSec | ms | …, target?, met? }`), prints one table and writes bench/results/latest.json
// with the machine it ran on. `npm run bench` builds first; `node bench/run.mjs rules policy` runs only those suites.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const here = new URL('./', import.meta.url);
const only = process.argv.slice(2);
const suites = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => only.length === 0 || only.includes(f.replace(/\.mjs$/, '')))
  .sort();

const machine = {
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
};

const rows = [];
for (const file of suites) {
  const started = performance.now();
  try {
    const mod = await import(new URL(file, here).href);
    if (typeof mod.run !== 'function') continue;
    rows.push(...(await mod.run()));
  } catch (e) {
    rows.push({
      suite: file.replace(/\.mjs$/, ''),
      name: 'suite failed',
      note: String(e?.message ?? e).split('\n')[0],
    });
  }
  console.error(`bench: ${file} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const show = (v) =>
  typeof v === 'number' ? v.toLocaleString('en') : typeof v === 'boolean' ? (v ? 'yes' : 'NO') : String(v ?? '');
const columns = [
  'suite',
  'name',
  ...new Set(rows.flatMap((r) => Object.keys(r)).filter((k) => k !== 'suite' && k !== 'name')),
];
const table = [columns, ...rows.map((r) => columns.map((c) => show(r[c])))];
const widths = columns.map((_, i) => Math.max(...table.map((line) => line[i].length)));
const numeric = columns.map((c) => rows.some((r) => typeof r[c] === 'number'));
const line = (cells) =>
  `| ${cells.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
console.log(
  `Node ${machine.node}, ${machine.cpus} × ${machine.cpuModel}, load ${machine.loadAverageAtStart.join(' ')}`,
);
console.log(line(columns));
console.log(`|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`);
for (const cells of table.slice(1)) console.log(line(cells));

mkdirSync(new URL('results/', here), { recursive: true });
writeFileSync(
  new URL('results/latest.json', here),
  JSON.stringify({ date: new Date().toISOString(), machine, rows }, null, 2) + '\n',
);
console.error('bench: wrote bench/results/latest.json');
