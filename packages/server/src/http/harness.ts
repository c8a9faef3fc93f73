import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { SignJWT } from 'jose';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import {
  createDefaultPolicy,
  createManualClock,
  type Actor,
  type ManualClock,
  type ProcessDefinition,
} from '@gridflow/core';
import type { OrgUnit, ServerConfig, ServerContext } from '../context.js';
import { createGridflowServer, type GridflowServer } from '../server.js';
import { redactUrl } from '../store/openStore.js';

/**
 * A Gridflow server for HTTP tests, on PGlite (in memory) or PostgreSQL (a private schema, dropped on close),
 * built by `createGridflowServer` like a deployment, with a manual base clock, the deadline worker off, and two
 * tenants with the default policy published and a small organisation. Requests go through `app.inject`.
 *
 * Not a test file itself: the HTTP test suites share it.
 */

/** Where a harness keeps its data. */
export type Engine = 'pglite' | 'postgres';

/** The engines every HTTP suite runs on. */
export const ENGINES: readonly Engine[] = ['pglite', 'postgres'];

/** PostgreSQL of the test machine (never skipped: when it does not answer, the suites fail). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The two tenants of every harness. */
export const TENANTS = ['t-a', 't-b'] as const;

export const JWT_SECRET = 'gridflow-http-tests-secret-0123456789abcdef';

/** Monday 2 March 2026, 09:00 in Beijing: inside working hours. */
export const START = Date.parse('2026-03-02T09:00:00+08:00');

const square = (lng: number, lat: number, size = 0.01) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

/** The organisation of a test tenant: one district, two streets, two communities, two grids, two compounds, departments. */
export function testOrg(tenant: string): OrgUnit[] {
  const t = (zh: string, en: string) => ({ zh, en });
  return [
    { tenant, id: 'd-1', kind: 'district', parentId: null, name: t('测试区', 'Test district') },
    { tenant, id: 's-01', kind: 'street', parentId: 'd-1', name: t('一街道', 'Street 1') },
    { tenant, id: 's-02', kind: 'street', parentId: 'd-1', name: t('二街道', 'Street 2') },
    { tenant, id: 'c-01', kind: 'community', parentId: 's-01', name: t('一社区', 'Community 1') },
    { tenant, id: 'c-02', kind: 'community', parentId: 's-02', name: t('二社区', 'Community 2') },
    {
      tenant,
      id: 'g-01',
      kind: 'grid',
      parentId: 'c-01',
      name: t('一网格', 'Grid 1'),
      boundary: square(118.27, 33.96),
    },
    { tenant, id: 'g-02', kind: 'grid', parentId: 'c-02', name: t('二网格', 'Grid 2'), boundary: square(118.3, 33.96) },
    { tenant, id: 'x-01', kind: 'compound', parentId: 'c-01', name: t('幸福小区', 'Happiness compound') },
    { tenant, id: 'x-02', kind: 'compound', parentId: 'c-02', name: t('和谐小区', 'Harmony compound') },
    { tenant, id: 'urban_management', kind: 'department', parentId: 'd-1', name: t('城管', 'Urban management') },
    { tenant, id: 'housing', kind: 'department', parentId: 'd-1', name: t('住建', 'Housing') },
  ];
}

/** A started harness. */
export interface Harness {
  engine: Engine;
  server: GridflowServer;
  app: FastifyInstance;
  ctx: ServerContext;
  clock: ManualClock;
  /** A bearer token for an actor of a tenant (HS256, the configured secret). */
  token(actor: Actor, tenant?: string): Promise<string>;
  /** `app.inject` as an actor (or anonymously with `null`). */
  request(as: Actor | null, options: InjectOptions & { tenant?: string }): Promise<LightMyRequestResponse>;
  /** A digest of the content of every stored table the API writes (cases, history, attachments, audit, policies). */
  digest(): Promise<string>;
  /**
   * A cheap digest of the row versions of the same tables: each table's row count and newest row version (`xmin`).
   * Any committed insert, update or delete changes it; a rolled-back transaction does not.
   */
  rowVersions(): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  config?: Partial<ServerConfig>;
  /** Processes composed in code, run besides the built-in ones (as `createGridflowServer` takes them). */
  processes?: ProcessDefinition[];
}

/** Publishes the default policy for a tenant through the review workflow. */
async function publishDefault(ctx: ServerContext, tenant: string): Promise<void> {
  if ((await ctx.policies.list(tenant, 'default')).some((p) => p.status === 'published')) return;
  const draft = await ctx.policies.createDraft(tenant, 'default', 'seed-editor', createDefaultPolicy());
  await ctx.policies.submitForReview(tenant, 'default', draft.version, 'seed-editor');
  await ctx.policies.approve(tenant, 'default', draft.version, 'seed-approver');
  await ctx.policies.publish(tenant, 'default', draft.version, 'seed-approver');
}

/**
 * Starts a harness on an engine. On PostgreSQL it creates a private schema and fails with a clear message when the
 * database does not answer.
 */
export async function startHarness(engine: Engine, options: HarnessOptions = {}): Promise<Harness> {
  const clock = createManualClock(START);
  const schema = `gridflow_http_${randomBytes(5).toString('hex')}`;
  let admin: Client | undefined;
  if (engine === 'postgres') {
    admin = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL does not answer at ${redactUrl(DATABASE_URL)} (${error instanceof Error ? error.message : String(error)}). These tests are never skipped.`,
        {
          cause: error,
        },
      );
    }
  }
  const config: Partial<ServerConfig> = {
    mode: 'demo',
    port: 0,
    demoTenant: TENANTS[0],
    portalDir: '',
    jwt: { secret: JWT_SECRET },
    rateLimit: { max: 1_000_000, windowMs: 60_000 },
    ...(engine === 'postgres' ? { databaseUrl: DATABASE_URL, databaseSchema: schema } : { dataDir: 'memory://' }),
    ...options.config,
  };
  let server: GridflowServer;
  try {
    server = await createGridflowServer({
      config,
      clock,
      seed: false,
      ...(options.processes ? { processes: options.processes } : {}),
      worker: { enabled: false },
      log: () => undefined,
    });
  } catch (error) {
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await admin?.end();
    throw error;
  }
  const { ctx, app } = server;
  for (const tenant of TENANTS) {
    await publishDefault(ctx, tenant);
    await ctx.org.upsertUnits(testOrg(tenant));
  }
  await app.ready();

  const tokens = new Map<string, string>();
  const token = async (actor: Actor, tenant: string = TENANTS[0]): Promise<string> => {
    const key = JSON.stringify([tenant, actor]);
    let t = tokens.get(key);
    if (!t) {
      t = await new SignJWT({
        tenant,
        roles: actor.roles,
        units: actor.units,
        ...(actor.name ? { name: actor.name } : {}),
      })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(actor.id)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(new TextEncoder().encode(JWT_SECRET));
      tokens.set(key, t);
    }
    return t;
  };

  return {
    engine,
    server,
    app,
    ctx,
    clock,
    token,
    async request(as, { tenant, headers, ...options }) {
      const auth = as ? { authorization: `Bearer ${await token(as, tenant)}` } : {};
      return app.inject({ ...options, headers: { ...auth, ...(headers ?? {}) } });
    },
    async digest() {
      // One statement, hashed in the database: cheap enough to run after every request of a fuzz run.
      const { rows } = await ctx.sql.query<Record<string, string>>(`SELECT
        (SELECT md5(coalesce(string_agg(md5(c::text), '' ORDER BY c.tenant, c.id), '')) FROM cases c) AS cases,
        (SELECT md5(coalesce(string_agg(md5(h::text), '' ORDER BY h.tenant, h.case_id, h.seq), '')) FROM case_history h) AS history,
        (SELECT md5(coalesce(string_agg(a.id || a.sha256, '' ORDER BY a.tenant, a.id), '')) FROM attachments a) AS attachments,
        (SELECT md5(coalesce(string_agg(r.id, '' ORDER BY r.tenant, r.id), '')) FROM pii_reads r) AS pii,
        (SELECT md5(coalesce(string_agg(md5(p::text), '' ORDER BY p.tenant, p.id, p.version), '')) FROM policy_versions p) AS policies`);
      return createHash('sha256').update(JSON.stringify(rows[0])).digest('hex');
    },
    async rowVersions() {
      const table = (name: string) =>
        `(SELECT count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text FROM ${name}) AS ${name}`;
      const { rows } = await ctx.sql.query<Record<string, string>>(
        `SELECT ${['cases', 'case_history', 'attachments', 'pii_reads', 'policy_versions'].map(table).join(', ')}`,
      );
      return JSON.stringify(rows[0]);
    },
    async close() {
      await server.close();
      await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin?.end();
    },
  };
}

/** Test actors of a tenant, by role, in the units of grid g-01 / community c-01 / street s-01 / compound x-01. */
export const actors = {
  resident: { id: 'u-resident', name: '张三', roles: ['resident'], units: [] },
  otherResident: { id: 'u-resident-2', name: '李四', roles: ['resident'], units: [] },
  gridWorker: {
    id: 'u-grid-1',
    name: '网格员甲',
    roles: ['grid_worker'],
    units: ['grid:g-01', 'community:c-01', 'street:s-01'],
  },
  gridWorker2: {
    id: 'u-grid-2',
    name: '网格员乙',
    roles: ['grid_worker'],
    units: ['grid:g-01', 'community:c-01', 'street:s-01'],
  },
  otherGridWorker: { id: 'u-grid-9', roles: ['grid_worker'], units: ['grid:g-02', 'community:c-02', 'street:s-02'] },
  communityStaff: { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] },
  secretary: { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01', 'street:s-01'] },
  dispatcher: { id: 'u-disp', roles: ['street_dispatcher'], units: ['street:s-01'] },
  leader: { id: 'u-leader', roles: ['street_leader'], units: ['street:s-01'] },
  liaison: { id: 'u-um', roles: ['department_liaison'], units: ['department:urban_management'] },
  property: { id: 'u-prop', roles: ['property_company'], units: ['compound:x-01'] },
  owners: { id: 'u-owners', roles: ['owners_committee'], units: ['compound:x-01'] },
  assessor: { id: 'u-assessor', roles: ['assessor'], units: [] },
  editor: { id: 'u-editor', roles: ['policy_editor'], units: [] },
  approver: { id: 'u-approver', roles: ['policy_approver'], units: [] },
  approver2: { id: 'u-approver-2', roles: ['policy_approver'], units: [] },
  platform: { id: 'u-12345', roles: ['external_platform'], units: [] },
} satisfies Record<string, Actor>;

/** A valid grid-escalation submission (noise in grid g-01) with a resident's personal data. */
export function noiseReport(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'noise',
    title: '夜间施工噪声',
    description: '小区旁工地夜间施工',
    source: 'app',
    anonymous: false,
    reporter: {
      id: 'u-resident',
      name: '张三丰',
      phone: '13800001234',
      idNumber: '110101199001011234',
      address: '幸福小区3号楼2单元501',
    },
    location: { lng: 118.275, lat: 33.965 },
    units: { grid: 'g-01', community: 'c-01', street: 's-01' },
    attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
    ...overrides,
  };
}

/** A valid property-coordination submission in compound x-01. */
export function parkingMatter(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    compoundId: 'x-01',
    communityId: 'c-01',
    streetId: 's-01',
    gridId: 'g-01',
    matterType: 'parking',
    title: '地面车位分配争议',
    description: '业主与物业就地面车位分配方式发生争议',
    raisedBy: 'u-owners',
    ...overrides,
  };
}
