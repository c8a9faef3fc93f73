// Indicator benchmarks at the scale of a city: a tenant with a year of grid cases (1,000,000 on PostgreSQL) in
// 343 streets, 2,058 communities and 6,174 grids, seeded with bulk SQL (generate_series) straight into `cases` and the
// indicator projection, then measured through the HTTP routes (app.inject, with a token): one unit's indicators for
// a month (p95), a month's ranking of every street and of every grid, and a drill-down page. PostgreSQL when
// DATABASE_URL is set (a private schema, dropped afterwards), and PGlite (in memory) at a smaller size.
// Sizes: BENCH_INDICATOR_CASES (PostgreSQL, default 1,000,000), BENCH_INDICATOR_PGLITE_CASES (default 100,000).
// BENCH_INDICATOR_SCHEMA names a PostgreSQL schema to keep: seeded on the first run, measured again on later ones
// without seeding (for comparing changes at a size that takes long to seed); drop it by hand when done.
// Needs a build first (`npm run build`, or `npx tsc -b`); run through bench/run.mjs, or alone: `node bench/indicators.mjs`.
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

const SERVER = new URL('../packages/server/dist/index.js', import.meta.url);
// The SQL aggregate the server runs for a ranking: an internal of the server, not its public API.
const QUERIES = new URL('../packages/server/dist/indicators/queries.js', import.meta.url);
const SECRET = 'gridflow-bench-indicators-secret-0123456789';
const TENANT = 'bench';
const STREETS = 343;
const COMMUNITIES_PER_STREET = 6;
const GRIDS_PER_COMMUNITY = 3;
const YEAR_START = Date.parse('2026-01-01T00:00:00+08:00');
const YEAR_MS = 365 * 86_400_000;
const CHUNK = 100_000;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (n) => Math.round(n * 10) / 10;
const month = (m) => [
  Date.parse(`2026-${String(m).padStart(2, '0')}-01T00:00:00+08:00`),
  m === 12 ? YEAR_START + YEAR_MS : Date.parse(`2026-${String(m + 1).padStart(2, '0')}-01T00:00:00+08:00`),
];

/** The organisation: streets, communities, grids (ids by number, as the seeded cases name them). */
async function seedOrg(sql) {
  const communities = STREETS * COMMUNITIES_PER_STREET;
  await sql.query(
    `INSERT INTO org_units (tenant, id, kind, parent_id, name)
    SELECT $1, 's-' || s, 'street', NULL, jsonb_build_object('zh', '街道' || s, 'en', 'Street ' || s)
      FROM generate_series(0, ${STREETS - 1}) s`,
    [TENANT],
  );
  await sql.query(
    `INSERT INTO org_units (tenant, id, kind, parent_id, name)
    SELECT $1, 'c-' || c, 'community', 's-' || (c / ${COMMUNITIES_PER_STREET}), jsonb_build_object('zh', '社区' || c, 'en', 'Community ' || c)
      FROM generate_series(0, ${communities - 1}) c`,
    [TENANT],
  );
  await sql.query(
    `INSERT INTO org_units (tenant, id, kind, parent_id, name)
    SELECT $1, 'g-' || g, 'grid', 'c-' || (g / ${GRIDS_PER_COMMUNITY}), jsonb_build_object('zh', '网格' || g, 'en', 'Grid ' || g)
      FROM generate_series(0, ${communities * GRIDS_PER_COMMUNITY - 1}) g`,
    [TENANT],
  );
}

/**
 * Case `i` of `n`: created evenly over the year, in street i % 343, one of its communities and grids; its indicator
 * events as `indicatorEvents` would give them for a plausible history (signed in time 85%, contacted in time 80%,
 * closed 92% and on time 80% at its 7-day deadline, returned 5%, whistled 3%, redone 4%; its resident evaluation rated
 * 70%, solved 60%, satisfied 50% / basically 15% / unsatisfied 5%), each counted for the grid, the community, the
 * street and the tenant (the empty unit).
 */
const BASE = (n, from, to) => `SELECT i, 'c' || lpad(i::text, 8, '0') AS id,
    ${YEAR_START}::bigint + (i::bigint * ${YEAR_MS}::bigint / ${n}) AS t,
    'street:s-' || (i % ${STREETS}) AS s,
    'community:c-' || ((i % ${STREETS}) * ${COMMUNITIES_PER_STREET} + (i / ${STREETS}) % ${COMMUNITIES_PER_STREET}) AS c,
    'grid:g-' || (((i % ${STREETS}) * ${COMMUNITIES_PER_STREET} + (i / ${STREETS}) % ${COMMUNITIES_PER_STREET}) * ${GRIDS_PER_COMMUNITY} + (i / ${STREETS * COMMUNITIES_PER_STREET}) % ${GRIDS_PER_COMMUNITY}) AS g,
    (i::bigint * 2654435761) % 1000003 AS h
  FROM generate_series(${from}, ${to - 1}) i`;

async function seedCases(sql, n, log) {
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK);
    await sql.query(
      `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version,
        snapshot, summary, level, units, category, title, open, created_at, updated_at)
      SELECT $1, id, 'gridEscalation', 1, 'default', 1, 'archived', 12,
        '{"value":"archived","context":{"deadlines":[]}}'::jsonb,
        jsonb_build_object('units', jsonb_build_array(g, c, s), 'open', false, 'level', 'grid', 'category', 'noise',
          'urgency', 'general', 'title', '噪声扰民 ' || i),
        'grid', ARRAY[g, c, s], 'noise', '噪声扰民 ' || i, false, t, t + 604800000
      FROM (${BASE(n, from, to)}) b`,
      [TENANT],
    );
    await sql.query(
      `INSERT INTO indicator_events (tenant, case_id, n, kind, at, unit, level)
      SELECT $1, e.case_id, e.n, e.kind, e.at, u.unit, split_part(u.unit, ':', 1)
      FROM (${BASE(n, from, to)}) b
      CROSS JOIN LATERAL (VALUES
        (b.id, 0, 'filed', b.t, true),
        (b.id, 1, 'dispatched', b.t + 600000, true),
        (b.id, 2, 'signedInTime', b.t + 1200000, b.h % 100 < 85),
        (b.id, 3, 'contactedInTime', b.t + 3600000, (b.h / 7) % 100 < 80),
        (b.id, 4, 'due', b.t + 604800000, true),
        (b.id, 5, 'closed', b.t + 604800000, (b.h / 11) % 100 < 92),
        (b.id, 6, 'closedOnTime', b.t + 604800000, (b.h / 11) % 100 < 80),
        (b.id, 7, 'returned', b.t + 7200000, (b.h / 13) % 100 < 5),
        (b.id, 8, 'whistled', b.t + 7200000, (b.h / 17) % 100 < 3),
        (b.id, 9, 'redone', b.t + 864000000, (b.h / 19) % 100 < 4),
        ('e' || b.id, 0, 'revisits', b.t + 864000000, (b.h / 23) % 100 < 70),
        ('e' || b.id, 1, 'solved', b.t + 864000000, (b.h / 23) % 100 < 60),
        ('e' || b.id, 2, 'satisfied', b.t + 864000000, (b.h / 23) % 100 < 50),
        ('e' || b.id, 2, 'basicallySatisfied', b.t + 864000000, (b.h / 23) % 100 BETWEEN 50 AND 64),
        ('e' || b.id, 2, 'unsatisfied', b.t + 864000000, (b.h / 23) % 100 BETWEEN 65 AND 69)
      ) e(case_id, n, kind, at, keep)
      CROSS JOIN LATERAL unnest(ARRAY['', b.g, b.c, b.s]) u(unit)
      WHERE e.keep`,
      [TENANT],
    );
    log(`  seeded ${to.toLocaleString('en')} cases`);
  }
}

/** Loads without the projection's secondary indexes, then builds them: how a bulk load is done. */
async function bulkLoad(sql, n, log) {
  await sql.query('DROP INDEX indicator_events_unit');
  await sql.query('DROP INDEX indicator_events_level');
  const started = performance.now();
  await seedOrg(sql);
  await seedCases(sql, n, log);
  await sql.query(
    'CREATE INDEX indicator_events_unit ON indicator_events (tenant, unit, at) INCLUDE (kind, case_id, n)',
  );
  await sql.query('CREATE INDEX indicator_events_level ON indicator_events (tenant, level, at) INCLUDE (unit, kind)');
  await sql.query('VACUUM ANALYZE indicator_events');
  await sql.query('VACUUM ANALYZE cases');
  await sql.query('ANALYZE org_units');
  const { rows } = await sql.query('SELECT count(*) AS n FROM indicator_events');
  return { seconds: (performance.now() - started) / 1000, rows: Number(rows[0].n) };
}

async function measure(engine, n, log) {
  const api = { ...(await import(SERVER.href)), ...(await import(QUERIES.href)) };
  const databaseUrl = engine === 'PostgreSQL' ? process.env.DATABASE_URL : undefined;
  const kept = databaseUrl ? process.env.BENCH_INDICATOR_SCHEMA : undefined;
  const schema = kept ?? `gridflow_bench_${randomBytes(4).toString('hex')}`;
  const server = await api.createGridflowServer({
    config: {
      mode: 'demo',
      port: 0,
      demoTenant: TENANT,
      jwt: { secret: SECRET },
      rateLimit: { max: 1_000_000_000, windowMs: 60_000 },
      ...(databaseUrl ? { databaseUrl, databaseSchema: schema } : { dataDir: 'memory://' }),
    },
    seed: false,
    worker: { enabled: false },
    log: () => undefined,
  });
  const out = [];
  const row = (name, fields) =>
    out.push({ suite: 'indicators', name: `${name}, ${engine}, ${n.toLocaleString('en')} cases`, ...fields });
  try {
    const { ctx, app } = server;
    const { rows: had } = await ctx.sql.query('SELECT count(*) AS n FROM cases WHERE tenant = $1', [TENANT]);
    if (Number(had[0].n) > 0) {
      n = Number(had[0].n);
      log(`indicators: measuring the ${n.toLocaleString('en')} cases kept in schema ${schema}`);
    } else {
      log(`indicators: seeding ${n.toLocaleString('en')} cases on ${engine}`);
      const load = await bulkLoad(ctx.sql, n, log);
      row('bulk seed (cases + projection)', {
        ms: Math.round(load.seconds * 1000),
        note: `${load.rows.toLocaleString('en')} projection rows`,
      });
    }
    const token = await new SignJWT({ tenant: TENANT, roles: ['assessor'], units: [] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-bench')
      .setIssuedAt()
      .setExpirationTime('2h')
      .sign(new TextEncoder().encode(SECRET));
    const get = async (url) => {
      const t0 = performance.now();
      const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      const took = performance.now() - t0;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      return { took, body: res.json() };
    };
    let seed = 7;
    const rand = (k) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % k);
    const timed = async (count, url) => {
      for (let i = 0; i < 5; i++) await get(url()); // warm-up: prepared statements, policy, caches
      const times = [];
      for (let i = 0; i < count; i++) times.push((await get(url())).took);
      return times;
    };
    const period = () => {
      const [from, to] = month(1 + rand(12));
      return `from=${from}&to=${to}`;
    };
    // Sanity: a month of a street counts what was seeded.
    const [jf, jt] = month(6);
    const june = await get(`/api/v1/indicators?unit=street:s-1&from=${jf}&to=${jt}`);
    if (!(june.body.counts.filed > 0)) throw new Error('no cases counted: the seed and the projection disagree');

    const street = await timed(100, () => `/api/v1/indicators?unit=street:s-${rand(STREETS)}&${period()}`);
    row('one street, one month (GET /indicators)', {
      ms: ms(pct(street, 50)),
      p95: ms(pct(street, 95)),
      target: 'p95 < 100 ms',
      met: pct(street, 95) < 100,
    });
    const grid = await timed(
      100,
      () =>
        `/api/v1/indicators?unit=grid:g-${rand(STREETS * COMMUNITIES_PER_STREET * GRIDS_PER_COMMUNITY)}&${period()}`,
    );
    row('one grid, one month (GET /indicators)', {
      ms: ms(pct(grid, 50)),
      p95: ms(pct(grid, 95)),
      target: 'p95 < 100 ms',
      met: pct(grid, 95) < 100,
    });
    const tenant = await timed(20, () => `/api/v1/indicators?${period()}`);
    row('whole tenant, one month (GET /indicators)', { ms: ms(pct(tenant, 50)), p95: ms(pct(tenant, 95)) });
    const streets = await timed(10, () => `/api/v1/indicators/rankings?kind=street&${period()}`);
    row(`ranking of all ${STREETS} streets, one month`, {
      ms: ms(pct(streets, 50)),
      max: ms(Math.max(...streets)),
      target: '< 1 s',
      met: Math.max(...streets) < 1000,
    });
    const grids = await timed(10, () => `/api/v1/indicators/rankings?kind=grid&${period()}`);
    row(`ranking of all ${STREETS * COMMUNITIES_PER_STREET * GRIDS_PER_COMMUNITY} grids, one month`, {
      ms: ms(pct(grids, 50)),
      max: ms(Math.max(...grids)),
      target: '< 1 s',
      met: Math.max(...grids) < 1000,
    });
    // The SQL aggregate alone (what the ranking reads), to tell the database's share from the per-unit reports and
    // the JSON of the response.
    for (const level of ['street', 'grid']) {
      const times = [];
      for (let i = 0; i < 6; i++) {
        const [from, to] = month(1 + rand(12));
        const t0 = performance.now();
        await api.levelCounts(ctx.sql, TENANT, level, from, to);
        if (i > 0) times.push(performance.now() - t0);
      }
      row(`SQL aggregate of the ${level} ranking alone`, { ms: ms(pct(times, 50)), max: ms(Math.max(...times)) });
    }
    const drill = await timed(
      50,
      () => `/api/v1/indicators/cases?unit=street:s-${rand(STREETS)}&kind=signedInTime&limit=50&${period()}`,
    );
    row('drill-down page of 50, one street, one month', { ms: ms(pct(drill, 50)), p95: ms(pct(drill, 95)) });
  } finally {
    await server.close();
    if (databaseUrl && !kept) {
      const { Client } = await import('pg');
      const admin = new Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    }
  }
  return out;
}

export async function run() {
  const log = (line) => console.error(line);
  const rows = [];
  if (process.env.DATABASE_URL)
    rows.push(...(await measure('PostgreSQL', Number(process.env.BENCH_INDICATOR_CASES ?? 1_000_000), log)));
  else rows.push({ suite: 'indicators', name: 'PostgreSQL', note: 'skipped: set DATABASE_URL' });
  const pglite = Number(process.env.BENCH_INDICATOR_PGLITE_CASES ?? 100_000);
  if (pglite > 0) rows.push(...(await measure('PGlite', pglite, log)));
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.table(await run());
