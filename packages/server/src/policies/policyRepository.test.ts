import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtInProcesses,
  createDefaultPolicy,
  createManualClock,
  createRuntime,
  GridflowError,
  type Actor,
  type Policy,
  type Runtime,
} from '@gridflow/core';
import {
  createPostgresClient,
  createSqlStore,
  migrate,
  openPgliteClient,
  redactUrl,
  type SqlClient,
} from '../store/index.js';
import { createPolicyRepository, type SqlPolicyRepository } from './index.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gridflow_test_${randomBytes(5).toString('hex')}`;
const bj = (local: string): number => Date.parse(`${local}+08:00`);
const MIN = 60_000;

const actor = (id: string, roles: string[], units: string[] = []): Actor => ({ id, roles, units });
const gridWorker = actor('u-grid-1', ['grid_worker'], ['grid:g-01']);
const communityStaff = actor('u-comm', ['community_staff'], ['community:c-01']);
const submission = () => ({
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-resident', name: '张三', phone: '13800000000' },
  location: { lng: 118.27, lat: 33.96 },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
});

async function expectCode(promise: Promise<unknown>, code: string): Promise<GridflowError> {
  const error = await promise.then(
    () => new Error(`expected ${code}, but the call succeeded`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridflowError);
  const g = error as GridflowError;
  expect(g.code).toBe(code);
  expect(g.messages.zh).toBeTruthy();
  expect(g.messages.en).toBeTruthy();
  return g;
}

interface Backend {
  name: string;
  open(): Promise<SqlClient>;
  cleanup(): Promise<void>;
}

const admin = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
const clients: SqlClient[] = [];
const backends: Backend[] = [
  { name: 'PGlite', open: () => openPgliteClient(), cleanup: async () => undefined },
  {
    name: 'PostgreSQL',
    async open() {
      try {
        await admin.connect();
      } catch (error) {
        throw new Error(
          `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${String(error)}). Start it or set DATABASE_URL; these tests are never skipped.`,
          { cause: error },
        );
      }
      return createPostgresClient({ connectionString: databaseUrl, schema, max: 6 });
    },
    async cleanup() {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    },
  },
];

describe.each(backends)('policy repository on $name', (backend) => {
  const clock = createManualClock(bj('2026-03-02T09:00'));
  let sql: SqlClient;
  let policies: SqlPolicyRepository;
  let runtime: Runtime;

  beforeAll(async () => {
    sql = await backend.open();
    clients.push(sql);
    await migrate(sql, backend.name === 'PostgreSQL' ? { schema } : {});
    policies = createPolicyRepository(sql, clock);
    await policies.watch();
    runtime = createRuntime({
      store: createSqlStore(sql),
      clock,
      policies: (tenant) => policies.registry(tenant),
      processes: [...builtInProcesses],
      tenant: 't1',
    });
    const first = await policies.publishDocument('t1', createDefaultPolicy(), 'gridflow', { onlyIfNone: true });
    expect(first?.version).toBe(1);
    expect(await policies.publishDocument('t1', createDefaultPolicy(), 'gridflow', { onlyIfNone: true })).toBeNull();
    await policies.load('t1');
  });

  afterAll(async () => {
    await policies?.close();
    await sql?.close();
    await backend.cleanup();
  });

  /** Files a new case and returns how long its signing deadline is, and the policy version it is pinned to. */
  const newCase = async () => {
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker, tenant: 't1' });
    const filed = await runtime.send(
      c.id,
      { type: 'case.triage.file' },
      { actor: communityStaff, tenant: 't1', expectedVersion: 1 },
    );
    return { id: c.id, policyVersion: filed.policyVersion, signWithin: (filed.nextDueAt ?? 0) - filed.updatedAt };
  };

  it('runs the whole workflow: invalid drafts are saved but not submitted, no self-approval, publish, rollback', async () => {
    const before = await newCase();
    expect(before).toMatchObject({ policyVersion: 1, signWithin: 60 * MIN });

    // A draft starts as a copy of the version in effect.
    const draft = await policies.createDraft('t1', 'default', 'editor-a');
    expect(draft).toMatchObject({ version: 2, status: 'draft', author: 'editor-a' });
    expect(draft.document).toMatchObject({ id: 'default', version: 2, status: 'draft', author: 'editor-a' });

    // Autosave keeps an invalid document and says what is wrong with it.
    const broken: Policy = structuredClone(draft.document);
    (broken.timeLimits.signing as { duration: string }).duration = 'soon';
    const saved = await policies.updateDraft('t1', 'default', 2, broken, 'editor-a');
    expect(saved.problems.some((p) => p.severity === 'error' && p.path.startsWith('/timeLimits/signing'))).toBe(true);
    expect((await policies.get('t1', 'default', 2))?.document.timeLimits.signing.duration).toBe('soon');
    const invalid = await expectCode(policies.submitForReview('t1', 'default', 2, 'editor-a'), 'policy.invalid');
    expect((invalid.details as { problems: unknown[] }).problems.length).toBeGreaterThan(0);

    // A second editor fixes it: a 30-minute signing limit.
    const fixed: Policy = structuredClone(draft.document);
    fixed.timeLimits.signing.duration = 'PT30M';
    fixed.changeNote = '签收时限缩短为 30 分钟';
    const ok = await policies.updateDraft('t1', 'default', 2, fixed, 'editor-b');
    expect(ok.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(ok.policy.editors).toEqual(['editor-b']);

    await expectCode(policies.approve('t1', 'default', 2, 'approver'), 'policy.wrong_status');
    await expectCode(policies.publish('t1', 'default', 2, 'approver'), 'policy.wrong_status');
    const inReview = await policies.submitForReview('t1', 'default', 2, 'editor-a');
    expect(inReview.status).toBe('in_review');
    await expectCode(policies.updateDraft('t1', 'default', 2, fixed, 'editor-a'), 'policy.not_a_draft');
    await expectCode(policies.approve('t1', 'default', 2, 'editor-a'), 'policy.self_approval');
    await expectCode(policies.approve('t1', 'default', 2, 'editor-b'), 'policy.self_approval');
    await expectCode(policies.publish('t1', 'default', 2, 'approver'), 'policy.not_approved');

    // Rejected (with a reason) back to draft, resubmitted, approved, published.
    await expectCode(policies.reject('t1', 'default', 2, 'approver', '  '), 'policy.note_required');
    const rejected = await policies.reject('t1', 'default', 2, 'approver', '请补充说明');
    expect(rejected).toMatchObject({ status: 'draft', reviewedBy: 'approver', reviewNote: '请补充说明' });
    await policies.submitForReview('t1', 'default', 2, 'editor-a');
    clock.advance(MIN);
    const approved = await policies.approve('t1', 'default', 2, 'approver', '同意');
    expect(approved).toMatchObject({ status: 'in_review', reviewedBy: 'approver', approvedAt: clock.now() });
    await expectCode(policies.approve('t1', 'default', 2, 'approver-2'), 'policy.wrong_status');
    expect((await newCase()).policyVersion).toBe(1);

    const published = await policies.publish('t1', 'default', 2, 'approver');
    expect(published).toMatchObject({ status: 'published', publishedAt: clock.now() });
    expect((await policies.get('t1', 'default', 1))?.status).toBe('retired');
    expect((await policies.get('t1', 'default', 1))?.document.status).toBe('retired');

    // New cases use version 2 at once; the earlier case stays on version 1 and still works.
    const after = await newCase();
    expect(after).toMatchObject({ policyVersion: 2, signWithin: 30 * MIN });
    expect((await runtime.get(before.id, { actor: communityStaff, tenant: 't1' })).policyVersion).toBe(1);
    await expectCode(policies.updateDraft('t1', 'default', 2, fixed, 'editor-a'), 'policy.not_a_draft');

    const counts = await policies.openCaseCounts('t1', 'default');
    expect(counts).toEqual([
      { version: 1, open: 2 },
      { version: 2, open: 1 },
    ]);

    const changes = await policies.diff('t1', 'default', 1, 2);
    expect(
      changes.some((c) => c.path === '/timeLimits/signing/duration' || c.path.startsWith('/timeLimits/signing')),
    ).toBe(true);
    expect(changes.every((c) => c.summary.zh && c.summary.en)).toBe(true);

    // Rolling back republishes version 1's document as version 3.
    clock.advance(MIN);
    await expectCode(policies.rollback('t1', 'default', 2, 'approver'), 'policy.already_current');
    const rolled = await policies.rollback('t1', 'default', 1, 'approver');
    expect(rolled).toMatchObject({ version: 3, status: 'published', author: 'approver' });
    expect(rolled.document.timeLimits.signing.duration).toBe('PT1H');
    expect((await policies.get('t1', 'default', 2))?.status).toBe('retired');
    expect(await newCase()).toMatchObject({ policyVersion: 3, signWithin: 60 * MIN });
    expect((await policies.list('t1', 'default')).map((p) => `${p.version}:${p.status}`)).toEqual([
      '1:retired',
      '2:retired',
      '3:published',
    ]);

    const draft4 = await policies.createDraft('t1', 'default', 'editor-a');
    await expectCode(policies.rollback('t1', 'default', draft4.version, 'approver'), 'policy.wrong_status');
    await expectCode(policies.publish('t1', 'default', 99, 'x'), 'policy.not_found');
  });

  it('keeps tenants apart and numbers concurrent drafts without collisions', async () => {
    expect(await policies.list('t2')).toEqual([]);
    expect(await policies.get('t2', 'default', 1)).toBeNull();
    expect(await policies.tenants()).toEqual(['t1']);
    await expectCode(
      runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker, tenant: 't2' }),
      'policy.none_published',
    );

    const drafts = await Promise.all(
      Array.from({ length: 5 }, (_, i) => policies.createDraft('t2', 'custom', `editor-${i}`)),
    );
    expect(drafts.map((d) => d.version).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(await policies.tenants()).toEqual(['t1']);
    await expectCode(policies.createDraft('t2', 'bad id!', 'x'), 'policy.invalid_id');
    await expectCode(policies.publishDocument('t2', { id: 'custom', version: 1 }, 'operator'), 'policy.invalid');
    await expectCode(policies.updateDraft('t2', 'custom', 1, 'not an object', 'x'), 'policy.invalid');
  });

  it('lets a version published to take effect later govern new cases only from then', async () => {
    const current = (await policies.list('t1', 'default')).filter((p) => p.status === 'published');
    expect(current).toHaveLength(1);
    const doc = structuredClone(current[0]!.document);
    doc.effectiveFrom = new Date(clock.now() + 60 * MIN).toISOString();
    doc.timeLimits.signing.duration = 'PT45M';
    const later = await policies.publishDocument('t1', doc, 'operator');
    expect((await newCase()).policyVersion).toBe(current[0]!.version);
    expect((await policies.list('t1', 'default')).filter((p) => p.status === 'published')).toHaveLength(2);
    clock.advance(61 * MIN);
    expect(await newCase()).toMatchObject({ policyVersion: later!.version, signWithin: 45 * MIN });
    const statuses = (await policies.list('t1', 'default')).map((p) => `${p.version}:${p.status}`);
    expect(statuses.filter((s) => s.endsWith(':published'))).toEqual([`${later!.version}:published`]);
  });

  it('refreshes the registry of another process when a version is published', async () => {
    // A second repository on its own client: another server process.
    const otherSql =
      backend.name === 'PostgreSQL' ? createPostgresClient({ connectionString: databaseUrl, schema, max: 2 }) : sql;
    const other = createPolicyRepository(otherSql, clock);
    try {
      await other.watch();
      const seen = (await other.load('t1')).current('default', clock.now()).version;
      const doc = createDefaultPolicy();
      doc.changeNote = 'published elsewhere';
      const published = await policies.publishDocument('t1', doc, 'operator');
      expect(published!.version).toBeGreaterThan(seen);
      if (backend.name === 'PGlite') await other.reload('t1');
      await expect
        .poll(() => other.registry('t1').current('default', clock.now()).version, { timeout: 5_000, interval: 20 })
        .toBe(published!.version);
    } finally {
      await other.close();
      if (otherSql !== sql) await otherSql.close();
    }
  });
});
