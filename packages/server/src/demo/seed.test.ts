import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  builtInProcesses,
  createManualClock,
  createMemoryStore,
  createRuntime,
  type CaseRecord,
  type CaseStore,
  type Runtime,
} from '@gridflow/core';
import { createOrgRepository } from '../org/index.js';
import { createPolicyRepository, type SqlPolicyRepository } from '../policies/index.js';
import { createSqlStore, migrate, openPgliteClient, type SqlClient } from '../store/index.js';
import { DEMO_TENANT, demoLogins, seedDemo, type DemoSeedContext, type SeedDemoReport } from './index.js';

/*
 * The demo seed on PGlite, with the real policy and organisation repositories: the organisation and the users it
 * creates, cases in every state of the three processes, something for every demo user to see and do, the same
 * data on every run, and nothing added by a second run.
 */

// A Friday afternoon; the second tenant is seeded as of a Sunday night, to see that coverage does not depend on it.
const NOW = Date.parse('2026-11-20T16:00:00+08:00');
const SUNDAY_NIGHT = Date.parse('2026-11-22T23:30:00+08:00');
const DAY = 86_400_000;

let sql: SqlClient;
let policies: SqlPolicyRepository;
let ctx: DemoSeedContext & { policies: SqlPolicyRepository };
let first: SeedDemoReport;
let firstMs: number;
let cases: CaseRecord[];

async function allCases(store: CaseStore, tenant: string): Promise<CaseRecord[]> {
  const out: CaseRecord[] = [];
  for (let cursor: string | null | undefined; cursor !== null;) {
    const page = await store.listCases({
      tenant,
      sort: 'createdAt',
      order: 'asc',
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items);
    cursor = page.nextCursor;
  }
  return out;
}

/** The top-level states a process defines (`handling.working` → `handling`). */
const topStates = (process: string): string[] => {
  const def = builtInProcesses.find((p) => p.id === process)!;
  return [...new Set(Object.keys(def.states).map((s) => s.split('.')[0]!))].sort();
};
const topStatesOf = (list: CaseRecord[], process: string): string[] =>
  [...new Set(list.filter((c) => c.process === process).map((c) => c.state.split('.')[0]!))].sort();

beforeAll(async () => {
  sql = await openPgliteClient();
  await migrate(sql);
  const clock = createManualClock(NOW);
  policies = createPolicyRepository(sql, clock);
  ctx = { clock, store: createSqlStore(sql), policies, org: createOrgRepository(sql) };
  const started = performance.now();
  first = await seedDemo(ctx);
  firstMs = performance.now() - started;
  cases = await allCases(ctx.store, DEMO_TENANT);
});

afterAll(async () => {
  await policies?.close();
  await sql?.close();
});

describe('seedDemo: the organisation', () => {
  it('creates 2 streets, 4 communities, 12 grids with boundaries, 6 departments and 2 compounds', async () => {
    const tree = await ctx.org.tree(DEMO_TENANT);
    const of = (kind: string) => tree.filter((u) => u.kind === kind);
    expect(of('district')).toHaveLength(1);
    expect(of('street')).toHaveLength(2);
    expect(of('community')).toHaveLength(4);
    expect(of('grid')).toHaveLength(12);
    expect(of('grid').every((g) => g.boundary !== undefined)).toBe(true);
    expect(of('department')).toHaveLength(6);
    expect(of('compound')).toHaveLength(2);
    expect(of('compound').every((x) => x.boundary !== undefined)).toBe(true);
    for (const x of of('compound')) {
      expect(of('property_company').filter((p) => p.parentId === x.id)).toHaveLength(1);
      expect(of('owners_committee').filter((p) => p.parentId === x.id)).toHaveLength(1);
    }
    // Departments are the policy's departments, by code.
    const codes = policies
      .registry(DEMO_TENANT)
      .get('default', first.policyVersion)
      .organisation.departments.map((d) => d.code);
    for (const d of of('department')) expect(codes).toContain(d.id);
    // Every grid hangs below a community, every community below a street.
    for (const g of of('grid')) expect(of('community').map((c) => c.id)).toContain(g.parentId);
    for (const c of of('community')) expect(of('street').map((s) => s.id)).toContain(c.parentId);
    expect(first).toMatchObject({ units: tree.length, policyPublished: true, casesSkipped: false, failures: [] });
  });

  it('places every case that has a location in its grid', async () => {
    for (const c of cases.filter((x) => x.process === 'gridEscalation' && x.summary.location)) {
      const found = await ctx.org.locate(DEMO_TENANT, c.summary.location!);
      expect(c.summary.units, c.id).toContain(`grid:${found?.grid}`);
    }
  });

  it('creates a user for every role of the policy, with grid workers, community and street staff, liaisons and two approvers', async () => {
    const users = await ctx.org.users(DEMO_TENANT);
    const policy = policies.registry(DEMO_TENANT).get('default', first.policyVersion);
    for (const role of policy.organisation.roles)
      expect(
        users.some((u) => u.roles.includes(role.code)),
        role.code,
      ).toBe(true);
    const withRole = (role: string) => users.filter((u) => u.roles.includes(role));
    expect(withRole('resident')).toHaveLength(3);
    expect(
      withRole('grid_worker')
        .flatMap((u) => u.units)
        .sort(),
    ).toEqual(Array.from({ length: 12 }, (_, i) => `grid:g-${String(i + 1).padStart(2, '0')}`));
    expect(withRole('community_staff')).toHaveLength(4);
    expect(withRole('community_secretary')).toHaveLength(4);
    expect(withRole('street_dispatcher')).toHaveLength(2);
    expect(withRole('street_leader')).toHaveLength(2);
    expect(withRole('department_liaison')).toHaveLength(6);
    expect(withRole('property_company').flatMap((u) => u.units)).toEqual(
      expect.arrayContaining(['compound:x-01', 'compound:x-02']),
    );
    expect(withRole('owners_committee').flatMap((u) => u.units)).toEqual(
      expect.arrayContaining(['compound:x-01', 'compound:x-02']),
    );
    expect(withRole('policy_approver')).toHaveLength(2);
    expect(users.every((u) => /[\u4e00-\u9fff]/.test(u.name))).toBe(true);
  });

  it('publishes the default policy through the review workflow: drafted by the editor, approved by an approver', async () => {
    const versions = await policies.list(DEMO_TENANT, 'default');
    expect(versions.map((v) => v.status)).toEqual(['published']);
    expect(versions[0]).toMatchObject({ author: 'editor-01', reviewedBy: 'approver-01' });
  });

  it('lists the demo logins by role', async () => {
    const logins = await demoLogins(ctx);
    expect(logins).toHaveLength((await ctx.org.users(DEMO_TENANT)).length);
    expect(logins[0]).toEqual({ id: 'resident-01', name: '张桂兰', roles: ['resident'], unit: 'grid:g-02' });
    expect(logins.at(-1)).toMatchObject({ id: 'hotline-12345', roles: ['external_platform'], unit: null });
    expect(logins.find((l) => l.id === 'gw-g-07')).toMatchObject({ roles: ['grid_worker'], unit: 'grid:g-07' });
  });
});

describe('seedDemo: the cases', () => {
  // How long the seed takes is a benchmark (bench/seed.mjs), not an assertion here.
  it('creates at least 200 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(first.cases).toBe(cases.length);
    expect(first.historyEntries).toBeGreaterThan(cases.length * 4);
    expect(first.deadlinesFired).toBeGreaterThan(50);
    console.info(
      `demo seed: ${first.cases} cases, ${first.historyEntries} history entries, ${first.deadlinesFired} deadlines fired, ${Math.round(firstMs)} ms`,
    );
  });

  it('covers every top-level state of each of the three processes', () => {
    for (const process of ['gridEscalation', 'propertyCoordination', 'appealEvaluation']) {
      expect(topStatesOf(cases, process), process).toEqual(topStates(process));
    }
  });

  it('has handling cases at every step and every level, and evaluations in every phase', () => {
    const present = new Set(cases.map((c) => `${c.state}@${c.summary.level ?? ''}`));
    const states = new Set(cases.map((c) => c.state));
    for (const s of ['dispatched', 'signed', 'contacted', 'working'])
      expect(present, s).toContain(`handling.${s}@grid`);
    for (const level of ['community', 'street', 'department', 'district']) {
      expect(
        [...present].some((p) => p.startsWith('handling.') && p.endsWith(`@${level}`)),
        level,
      ).toBe(true);
    }
    for (const s of [
      'handling.extension',
      'handling.parked',
      'handling.whistle',
      'handling.feedback',
      'rated.standing',
      'rated.appealed',
      'rated.noticeProposed',
    ]) {
      expect(states, s).toContain(s);
    }
    const grid = cases.filter((c) => c.process === 'gridEscalation');
    const tags = new Set(grid.flatMap((c) => c.summary.tags ?? []));
    for (const tag of ['whistled', 'overdue', 'public_notice', 'parked', 'redo', 'duplicate'])
      expect(tags, tag).toContain(tag);
    const ratings = new Set(cases.flatMap((c) => (c.summary.tags ?? []).filter((t) => t.startsWith('rating:'))));
    expect([...ratings].sort()).toEqual(['rating:basically_satisfied', 'rating:satisfied', 'rating:unsatisfied']);
    // Some cases escalated on their own when a level ran out of time.
    const escalated = grid.filter((c) =>
      (c.snapshot.context as { escalations?: { reason: string }[] }).escalations?.some((e) => e.reason === 'breach'),
    );
    expect(escalated.length).toBeGreaterThanOrEqual(5);
    // Open and closed cases both; histories span the period.
    expect(grid.some((c) => c.summary.open) && grid.some((c) => !c.summary.open)).toBe(true);
    expect(Math.min(...cases.map((c) => c.createdAt))).toBeLessThan(NOW - 60 * DAY);
    expect(Math.max(...cases.map((c) => c.updatedAt))).toBeLessThanOrEqual(NOW);
  });

  it('leaves no deadline that should already have fired', async () => {
    expect(await ctx.store.dueCases(NOW, 10)).toEqual([]);
    expect(cases.some((c) => c.nextDueAt !== null && c.nextDueAt > NOW)).toBe(true);
  });

  it('lets every demo user but policy staff read cases and act on one now', async () => {
    await policies.load(DEMO_TENANT);
    const runtime: Runtime = createRuntime({
      store: ctx.store,
      clock: ctx.clock,
      policies: (tenant) => policies.registry(tenant),
      processes: [...builtInProcesses],
      tenant: DEMO_TENANT,
    });
    const open = cases.filter((c) => c.summary.open);
    for (const u of await ctx.org.users(DEMO_TENANT)) {
      const actor = { id: u.id, name: u.name, roles: u.roles, units: u.units };
      const policyStaff = u.roles.every((r) => r === 'policy_editor' || r === 'policy_approver');
      // Policy staff edit and approve policies; their rows do not open residents' cases to them.
      expect(
        cases.some((c) => runtime.canRead(c, actor)),
        `${u.id} ${policyStaff ? 'does not read' : 'reads'} a case`,
      ).toBe(!policyStaff);
      if (policyStaff) continue;
      let acts = false;
      for (const c of open) {
        if (!runtime.canRead(c, actor)) continue;
        if ((await runtime.availableCommands(c.id, { actor })).length > 0) {
          acts = true;
          break;
        }
      }
      expect(acts, `${u.id} can act on an open case`).toBe(true);
    }
    // The indicators of the last month have something to show.
    const report = await runtime.indicators({ from: NOW - 30 * DAY, to: NOW });
    for (const code of ['response_rate', 'satisfaction_rate', 'closure_rate', 'timely_signing_rate']) {
      expect(report.indicators.find((i) => i.code === code)?.value, code).toBeGreaterThan(0);
    }
  });
});

describe('seedDemo: determinism and idempotence', () => {
  it('adds nothing when run again', async () => {
    const before = {
      units: (await ctx.org.tree(DEMO_TENANT)).length,
      users: (await ctx.org.users(DEMO_TENANT)).length,
    };
    const again = await seedDemo(ctx);
    expect(again).toMatchObject({
      casesSkipped: true,
      cases: 0,
      policyPublished: false,
      policyVersion: first.policyVersion,
    });
    expect((await ctx.org.tree(DEMO_TENANT)).length).toBe(before.units);
    expect((await ctx.org.users(DEMO_TENANT)).length).toBe(before.users);
    expect((await allCases(ctx.store, DEMO_TENANT)).length).toBe(cases.length);
    expect(await policies.list(DEMO_TENANT, 'default')).toHaveLength(1);
  });

  it('plays the same cases for the same seed and the same "now"', async () => {
    const store = createMemoryStore();
    const report = await seedDemo({ ...ctx, store });
    expect(report.cases).toBe(first.cases);
    const replay = await allCases(store, DEMO_TENANT);
    const key = (c: CaseRecord) => `${c.id} ${c.state} ${c.version} ${c.updatedAt}`;
    expect(replay.map(key)).toEqual(cases.map(key));
  });

  it('covers every state for another tenant, seed and "now" too, and keeps tenants apart', async () => {
    const clock = createManualClock(SUNDAY_NIGHT);
    const report = await seedDemo({ ...ctx, clock }, { tenant: 'demo-sunday', seed: 7, cases: 250 });
    expect(report.failures).toEqual([]);
    const other = await allCases(ctx.store, 'demo-sunday');
    expect(other.length).toBe(report.cases);
    for (const process of ['gridEscalation', 'propertyCoordination', 'appealEvaluation']) {
      expect(topStatesOf(other, process), process).toEqual(topStates(process));
    }
    expect(other.every((c) => c.tenant === 'demo-sunday')).toBe(true);
    expect((await allCases(ctx.store, DEMO_TENANT)).length).toBe(cases.length);
  });
});
