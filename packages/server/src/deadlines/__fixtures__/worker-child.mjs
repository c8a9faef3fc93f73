// One server process of the "two processes, 10,000 due deadlines" test. Run by deadlines/twoProcesses.test.ts
// with the built package: `node worker-child.mjs DATABASE_URL SCHEMA`. Prints {"ready":true}, waits for "go" on
// stdin, fires deadlines until none is due, prints its totals and exits.
import { createInterface } from 'node:readline';
import { createGridflowServer } from '../../../dist/index.js';
// The deadline worker is an internal of the server (not its public API): this child starts one by hand.
import { startDeadlineWorker } from '../../../dist/deadlines/index.js';
import { timerProcess } from './timerProcess.mjs';

const [databaseUrl, schema] = process.argv.slice(2);
const server = await createGridflowServer({
  config: { mode: 'demo', databaseUrl, databaseSchema: schema, port: 0 },
  processes: [timerProcess],
  seed: false,
  worker: { enabled: false },
});
const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve(undefined)));
console.log(JSON.stringify({ ready: true }));
await go;

const started = performance.now();
const worker = startDeadlineWorker(server.ctx, {
  intervalMs: 20,
  concurrency: 4,
  batchSize: 200,
  onError: (e) => console.error(e),
});
// Done when nothing is due any more (the other process may still be finishing its last cases: wait for them).
for (;;) {
  await worker.runOnce();
  const due = await server.ctx.store.dueCases(server.ctx.clock.now(), 1);
  if (due.length === 0) break;
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await worker.stop();
const ms = Math.round(performance.now() - started);
console.log(
  JSON.stringify({ fired: worker.totals.fired, cases: worker.totals.cases, errors: worker.totals.errors, ms }),
);
lines.close();
await server.close();
