import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresClient, migrate, redactUrl } from '../store/index.js';
import { ensureBuilt, startChild, type Child } from './__fixtures__/children.mjs';

// Crash test: two server processes on one PostgreSQL; 8 clients submit grid-escalation cases through the HTTP API
// (with Idempotency-Key) and give commands (with expectedVersion) while the processes are killed with SIGKILL at
// random moments and started again; meanwhile 1,500 deadlines fall due. Afterwards every acknowledged request is
// stored exactly once, no request twice, and every deadline has fired exactly once.
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gridflow_test_${randomBytes(5).toString('hex')}`;
const CLIENTS = 8;
const KILLS = 6;
const TIMERS = 1_500;
const COMMANDS = [
  { type: 'case.triage.file', as: 'community' },
  { type: 'case.sign', as: 'grid' },
] as const;

const admin = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
let connected = false;
const servers: { port: number; child: Child | undefined; up: boolean }[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

const submission = (n: number) => ({
  process: 'gridEscalation',
  input: {
    category: 'noise',
    title: `夜间施工噪声 ${n}`,
    description: '小区旁工地夜间施工',
    source: 'patrol',
    anonymous: false,
    reporter: { id: 'u-resident', name: '张三' },
    units: { grid: 'g-01', community: 'c-01', street: 's-01' },
    attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
  },
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function start(index: number): Promise<void> {
  const server = servers[index]!;
  const child = startChild('crash-child.mjs', [databaseUrl, schema, String(server.port)]);
  server.child = child;
  await child.next((m) => m.ready === true, 30_000);
  server.up = true;
}

async function kill(index: number): Promise<void> {
  const server = servers[index]!;
  server.up = false;
  await server.child?.kill('SIGKILL');
}

beforeAll(async () => {
  try {
    await admin.connect();
    connected = true;
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${String(error)}); this test is never skipped.`,
      {
        cause: error,
      },
    );
  }
  await ensureBuilt();
  const sql = createPostgresClient({ connectionString: databaseUrl, schema, max: 2 });
  try {
    await migrate(sql, { schema });
  } finally {
    await sql.close();
  }
  // Timer cases (the test process `timer`, registered by the children) falling due during the next 20 seconds.
  const now = Date.now();
  await admin.query(`SET search_path = "${schema}"`);
  await admin.query(
    `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary,
                        units, title, open, next_due_at, created_at, updated_at)
     SELECT 'demo', 't' || g, 'timer', 1, 'default', 1, 'waiting', 1,
            jsonb_build_object('value', 'waiting', 'context', jsonb_build_object(
              'deadlines', jsonb_build_array(jsonb_build_object('id', 'timer', 'kind', 'timer', 'dueAt', $1::bigint + g * $3::bigint)),
              'title', 'timer', 'touches', 0)),
            '{"units": [], "open": true, "title": "timer"}'::jsonb, '{}', 'timer', true, $1::bigint + g * $3::bigint, $1::bigint, $1::bigint
       FROM generate_series(1, $2::int) AS g`,
    [now + 2_000, TIMERS, Math.floor(18_000 / TIMERS)],
  );
  for (let i = 0; i < 2; i++) servers.push({ port: await freePort(), child: undefined, up: false });
  await Promise.all([start(0), start(1)]);
}, 180_000);

afterAll(async () => {
  for (let i = 0; i < servers.length; i++) await kill(i);
  if (connected) {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
});

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** One request to whichever server is up (preferring `prefer`), or null when the outcome is unknown (it died). */
async function request(
  prefer: number,
  method: 'GET' | 'POST',
  path: string,
  options: { body?: unknown; token?: string; key?: string } = {},
): Promise<Reply | null> {
  const server = servers[prefer]!.up ? servers[prefer]! : (servers.find((s) => s.up) ?? servers[prefer]!);
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.key) headers['idempotency-key'] = options.key;
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  } catch {
    await sleep(50);
    return null;
  }
}

/** Retries a request until some server answers it. */
async function answered(
  prefer: number,
  method: 'GET' | 'POST',
  path: string,
  options: Parameters<typeof request>[3] = {},
) {
  for (;;) {
    const r = await request(prefer, method, path, options);
    if (r !== null) return r;
  }
}

it('stores every acknowledged request exactly once and fires every deadline once while processes are killed', async () => {
  const token = async (userId: string) => {
    const r = await answered(0, 'POST', '/api/v1/demo/token', { body: { userId } });
    expect(r.status).toBe(200);
    return String(r.body.token);
  };
  const tokens = { grid: await token('gw-crash'), community: await token('cs-crash') };
  const ackedSubmits = new Map<string, string>(); // idempotency key → case id
  const ackedCommands: { id: string; type: string }[] = [];
  const attemptedKeys = new Set<string>();
  let stop = false;
  let kills = 0;
  let unknown = 0;
  let inFlight = 0;

  const client = async (n: number) => {
    for (let i = 0; !stop; i++) {
      const key = `crash-key-${n}-${i}`;
      attemptedKeys.add(key);
      let id: string | undefined;
      let version = 0;
      // Submit until acknowledged: the Idempotency-Key makes a repeat return the first case.
      while (id === undefined) {
        const r = await request(n % 2, 'POST', '/api/v1/cases', { body: submission(i), token: tokens.grid, key });
        if (r === null) unknown++;
        else if (r.status === 200 || r.status === 201) {
          id = String(r.body.id);
          version = Number(r.body.version);
        } else if (r.status === 409 && r.body.code === 'idempotency.in_flight') {
          // The killed process's attempt still holds the key: retry once it is stale, as the 409 asks.
          inFlight++;
          await sleep(500);
        } else throw new Error(`submit failed: ${JSON.stringify(r)}`);
      }
      ackedSubmits.set(key, id);
      for (const command of COMMANDS) {
        if (stop) break;
        for (;;) {
          const path = `/api/v1/cases/${encodeURIComponent(id)}/commands`;
          const body = { type: command.type, expectedVersion: version };
          const r = await request(n % 2, 'POST', path, { body, token: tokens[command.as] });
          if (r?.status === 200) {
            ackedCommands.push({ id, type: command.type });
            version = Number(r.body.version);
            break;
          }
          if (r !== null && r.status !== 409) throw new Error(`${command.type} failed: ${JSON.stringify(r)}`);
          if (r === null) unknown++;
          // Unknown outcome (or 409: our lost attempt committed): the history says whether it was stored.
          const history = await answered(n % 2, 'GET', `/api/v1/cases/${encodeURIComponent(id)}/history`, {
            token: tokens.grid,
          });
          const items = history.body.items as { command: string }[];
          version = items.length;
          if (items.some((e) => e.command === command.type)) break;
        }
      }
    }
  };

  const killer = async () => {
    while (kills < KILLS) {
      await sleep(random(300, 1_500));
      const victim = kills % 2;
      await kill(victim);
      kills++;
      await sleep(random(50, 500));
      await start(victim);
    }
    stop = true;
  };

  await Promise.all([killer(), ...Array.from({ length: CLIENTS }, (_, n) => client(n))]);
  console.log(
    `crash test: ${kills} kills, ${ackedSubmits.size} submissions and ${ackedCommands.length} commands acknowledged, ${unknown} unknown outcomes retried, ${inFlight} in-flight answers waited out`,
  );
  expect(kills).toBe(KILLS);
  expect(ackedSubmits.size).toBeGreaterThan(20);

  // Every timer deadline falls due within 20 s of the start; the last processes fire what is left.
  await expect
    .poll(
      async () =>
        Number(
          (await admin.query(`SELECT count(*) AS n FROM cases WHERE process = 'timer' AND next_due_at IS NOT NULL`))
            .rows[0].n,
        ),
      { timeout: 30_000, interval: 250 },
    )
    .toBe(0);

  // Each acknowledged submission: exactly one case, the one the client was told; no key stored twice.
  const cases = await admin.query<{ id: string; key: string; version: number }>(
    `SELECT id, idempotency_key AS key, version FROM cases WHERE tenant = 'demo' AND process = 'gridEscalation'`,
  );
  // The API scopes a key to its caller (`caller:<user>` U+001F `<key>`): compare the client's part.
  const byKey = new Map(cases.rows.map((c) => [c.key.slice(c.key.lastIndexOf('\u001f') + 1), c.id]));
  expect(byKey.size).toBe(cases.rows.length);
  for (const [key, id] of ackedSubmits) expect(byKey.get(key)).toBe(id);
  for (const key of byKey.keys()) expect(attemptedKeys.has(key)).toBe(true);

  // Each acknowledged command stored once, none twice; every history complete (seq 1..version).
  const history = await admin.query<{ case_id: string; seq: number; command: string; process: string }>(
    `SELECT h.case_id, h.seq, h.command, c.process FROM case_history h JOIN cases c ON c.tenant = h.tenant AND c.id = h.case_id
      WHERE h.tenant = 'demo' ORDER BY h.case_id, h.seq`,
  );
  const count = new Map<string, number>();
  const seqs = new Map<string, number[]>();
  for (const h of history.rows) {
    count.set(`${h.case_id} ${h.command}`, (count.get(`${h.case_id} ${h.command}`) ?? 0) + 1);
    seqs.set(h.case_id, [...(seqs.get(h.case_id) ?? []), h.seq]);
  }
  for (const c of ackedCommands) expect(count.get(`${c.id} ${c.type}`)).toBe(1);
  for (const c of cases.rows) {
    expect(seqs.get(c.id)).toEqual(Array.from({ length: c.version }, (_, i) => i + 1));
    for (const command of ['case.submit', ...COMMANDS.map((x) => x.type)])
      expect(count.get(`${c.id} ${command}`) ?? 1).toBe(1);
  }

  // No deadline lost or fired twice.
  const timers = await admin.query<{ id: string; state: string; version: number }>(
    `SELECT id, state, version FROM cases WHERE tenant = 'demo' AND process = 'timer'`,
  );
  expect(timers.rows).toHaveLength(TIMERS);
  for (const t of timers.rows) {
    expect([t.state, t.version, count.get(`${t.id} deadline.due`)]).toEqual(['fired', 2, 1]);
  }
}, 60_000);
