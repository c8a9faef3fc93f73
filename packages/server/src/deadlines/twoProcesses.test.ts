import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPostgresClient, migrate, redactUrl } from '../store/index.js';
import { ensureBuilt, startChild, type Child } from './__fixtures__/children.mjs';

// Two server processes on one PostgreSQL share 10,000 due deadlines: each fires exactly once. The processes are
// real `node` processes running the built package (see __fixtures__/worker-child.mjs).
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gridflow_test_${randomBytes(5).toString('hex')}`;
const DUE = 10_000;

const admin = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
let connected = false;
const children: Child[] = [];

beforeAll(async () => {
  try {
    await admin.connect();
    connected = true;
  } catch (error) {
    throw new Error(
      `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${String(error)}); this test is never skipped.`,
      { cause: error },
    );
  }
  const warnings = await ensureBuilt();
  if (warnings)
    console.warn(
      `tsc -b packages/server reported problems (the built files were still written):\n${warnings.slice(0, 2_000)}`,
    );
  const sql = createPostgresClient({ connectionString: databaseUrl, schema, max: 2 });
  try {
    await migrate(sql, { schema });
  } finally {
    await sql.close();
  }
}, 180_000);

afterAll(async () => {
  for (const c of children) await c.kill();
  if (connected) {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin.end();
  }
});

it('fires each of 10,000 due deadlines exactly once with two server processes on one PostgreSQL', async () => {
  const now = Date.now();
  // 10,000 open cases of the test process `timer`, each with one deadline already due (written as the runtime would).
  await admin.query(`SET search_path = "${schema}"`);
  await admin.query(
    `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary,
                        units, title, open, next_due_at, created_at, updated_at)
     SELECT 'demo', 'c' || lpad(g::text, 5, '0'), 'timer', 1, 'default', 1, 'waiting', 1,
            jsonb_build_object('value', 'waiting', 'context', jsonb_build_object(
              'deadlines', jsonb_build_array(jsonb_build_object('id', 'timer', 'kind', 'timer', 'dueAt', $1::bigint - g)),
              'title', 'timer', 'touches', 0)),
            '{"units": [], "open": true, "title": "timer"}'::jsonb,
            '{}', 'timer', true, $1::bigint - g, $1::bigint - 60000, $1::bigint - 60000
       FROM generate_series(1, $2::int) AS g`,
    [now, DUE],
  );
  await admin.query(
    `INSERT INTO case_history (tenant, case_id, seq, at, actor, command, input, from_state, to_state, policy_id, policy_version, decisions)
     SELECT 'demo', id, 1, created_at, '{"id": "system", "roles": ["system"]}', 'case.submit', '{}', '', 'waiting', 'default', 1, '[]'
       FROM cases WHERE tenant = 'demo'`,
  );

  const a = startChild('worker-child.mjs', [databaseUrl, schema]);
  const b = startChild('worker-child.mjs', [databaseUrl, schema]);
  children.push(a, b);
  await Promise.all([a.next((m) => m.ready === true), b.next((m) => m.ready === true)]);
  const started = performance.now();
  a.send('go');
  b.send('go');
  type Totals = { fired: number; cases: number; errors: number; ms: number };
  const [ta, tb] = await Promise.all([
    a.next<Totals>((m) => 'fired' in m, 55_000),
    b.next<Totals>((m) => 'fired' in m, 55_000),
  ]);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `10,000 due deadlines, two processes: ${seconds.toFixed(1)} s (a fired ${ta.fired}, b fired ${tb.fired})`,
  );

  expect(ta.errors + tb.errors).toBe(0);
  expect(ta.fired + tb.fired).toBe(DUE);
  // Both processes took part.
  expect(Math.min(ta.fired, tb.fired)).toBeGreaterThan(0);

  const fired = await admin.query<{ n: string; cases: string; max: number }>(
    `SELECT count(*) AS n, count(DISTINCT case_id) AS cases, max(c) AS max FROM (
       SELECT case_id, count(*) OVER (PARTITION BY case_id) AS c FROM case_history WHERE tenant = 'demo' AND command = 'deadline.due') AS f`,
  );
  expect(fired.rows[0]).toEqual({ n: String(DUE), cases: String(DUE), max: '1' });
  const left = await admin.query<{ due: string; versions: number[] }>(
    `SELECT count(*) FILTER (WHERE next_due_at IS NOT NULL) AS due, array_agg(DISTINCT version) AS versions FROM cases WHERE tenant = 'demo'`,
  );
  expect(left.rows[0]).toEqual({ due: '0', versions: [2] });
  const states = await admin.query<{ state: string; n: string }>(
    `SELECT state, count(*) AS n FROM cases GROUP BY state`,
  );
  expect(states.rows).toEqual([{ state: 'fired', n: String(DUE) }]);
}, 60_000);
