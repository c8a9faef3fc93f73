// One server process of the crash test (deadlines/crash.test.ts), run with the built package:
// `node crash-child.mjs DATABASE_URL SCHEMA PORT`. It is the real server — HTTP API, runtime, deadline worker,
// live updates — in demo mode (for the token endpoint), with the test process `timer` registered and two
// directory users; the test kills it with SIGKILL at random moments and starts it again.
import { createGridflowServer } from '../../../dist/index.js';
import { timerProcess } from './timerProcess.mjs';

const [databaseUrl, schema, port] = process.argv.slice(2);
const server = await createGridflowServer({
  config: {
    mode: 'demo',
    databaseUrl,
    databaseSchema: schema,
    port: Number(port),
    host: '127.0.0.1',
    tickIntervalMs: 100,
    rateLimit: { max: 1_000_000, windowMs: 60_000 },
    // A killed process leaves its submission's key pending: the retry takes it over after 2 s, not 60.
    idempotencyStaleMs: 2_000,
  },
  processes: [timerProcess],
  seed: false,
  worker: { concurrency: 2 },
  log: (level, message, error) => level === 'error' && console.error(message, error),
});
await server.ctx.org.upsertUsers([
  { tenant: 'demo', id: 'gw-crash', name: '网格员', roles: ['grid_worker'], units: ['grid:g-01'] },
  { tenant: 'demo', id: 'cs-crash', name: '社区工作人员', roles: ['community_staff'], units: ['community:c-01'] },
]);
await server.listen();
console.log(JSON.stringify({ ready: true, pid: process.pid }));
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
