import {
  builtInProcesses,
  createDefaultPolicy,
  createManualClock,
  createMemoryStore,
  createPolicyRegistry,
  createRuntime,
  GridflowError,
  type CaseRecord,
  type CaseStore,
  type Clock,
  type HistoryEntry,
  type Policy,
} from '@gridflow/core';
import { defaultPolicy } from '@gridflow/core/policy';
import type { OrgRepository, PolicyRepository, StoredPolicy } from '../context.js';
import { buildStories } from './buildStories.js';
import { matterStory } from './matters.js';
import { demoUnits } from './org.js';
import { createRandom, DAY } from './random.js';
import { createSimulation } from './simulation.js';
import { gridStory } from './stories.js';
import { demoDirectory, demoPeople, demoUsers, type DemoPeople } from './users.js';

/** The tenant the demo data lives in. */
export const DEMO_TENANT = 'demo';

/** The policy the demo publishes and its cases follow. */
const POLICY_ID = 'default';

/** What {@link seedDemo} needs of the server: a {@link ServerContext} has all of it. */
export interface DemoSeedContext {
  /** "Now": the demo's history ends here. */
  clock: Clock;
  store: CaseStore;
  policies: PolicyRepository;
  org: OrgRepository;
  /** The server's configuration: its demo tenant is the default tenant to seed. */
  config?: { demoTenant: string };
}

/** Options of {@link seedDemo}. */
export interface SeedDemoOptions {
  /** Tenant to seed (default: the configured demo tenant, else {@link DEMO_TENANT}). */
  tenant?: string;
  /** About how many cases of all processes to create (default 400; the fixed scenarios alone make about 250). */
  cases?: number;
  /** Seed of the pseudo-random choices (default 20260823): the same seed and the same "now" give the same data. */
  seed?: number;
  /** How many days of history to play (default 90). */
  days?: number;
}

/** What {@link seedDemo} did. */
export interface SeedDemoReport {
  tenant: string;
  /** Org units and directory users written (upserted: seeding again changes nothing). */
  units: number;
  users: number;
  /** The published policy version the cases follow. */
  policyVersion: number;
  /** True when the policy was published by this call. */
  policyPublished: boolean;
  /** Cases created by this call: 0 when the tenant already had cases. */
  cases: number;
  /** History entries created with them. */
  historyEntries: number;
  /** True when the tenant already had cases, so none were added. */
  casesSkipped: boolean;
  /** Simulation figures: story steps played and deadlines fired on the way. */
  steps: number;
  deadlinesFired: number;
  /** Stories that failed (left where they were); empty when all went to plan. */
  failures: string[];
}

/**
 * Seeds the demo tenant: the 宿城区 district (2 streets, 4 communities, 12 grids with map boundaries, 6
 * departments, 2 compounds with their property companies and owners' committees), a user for every role of the
 * default policy, the default policy published (through the policy repository, by a policy editor and a second
 * approver), and a few hundred historical cases in every state of the three processes.
 *
 * The cases are played through the real runtime with a manual clock starting `days` days before
 * `ctx.clock.now()`: people sign, contact, escalate, return, whistle, verify, close, rate and appeal at realistic
 * moments, and every deadline fires at its due time on the way, so some cases are late, escalated or publicly
 * noticed and the indicators have something to show. The play runs on an in-memory store (so it never touches
 * another tenant's due deadlines and cannot be half done) and its cases and histories are then written to
 * `ctx.store` in one transaction.
 *
 * Deterministic (a seeded PRNG, times only from `ctx.clock`) and idempotent: units and users are upserted, and
 * cases are only created when the tenant has none.
 *
 * @example
 * const report = await seedDemo(ctx); // { tenant: 'demo', cases: 312, casesSkipped: false, … }
 * await seedDemo(ctx); // { cases: 0, casesSkipped: true, … }
 */
export async function seedDemo(ctx: DemoSeedContext, options: SeedDemoOptions = {}): Promise<SeedDemoReport> {
  const tenant = options.tenant ?? ctx.config?.demoTenant ?? DEMO_TENANT;
  const seed = options.seed ?? 20260823;
  const days = options.days ?? 90;
  const now = ctx.clock.now();
  const people = demoPeople(demoUsers());

  const units = demoUnits(tenant);
  await ctx.org.upsertUnits(units);
  const users = demoDirectory(tenant);
  await ctx.org.upsertUsers(users);
  const { stored, published } = await ensurePublishedPolicy(ctx.policies, tenant, people);

  const report: SeedDemoReport = {
    tenant,
    units: units.length,
    users: users.length,
    policyVersion: stored.version,
    policyPublished: published,
    cases: 0,
    historyEntries: 0,
    casesSkipped: true,
    steps: 0,
    deadlinesFired: 0,
    failures: [],
  };
  if (await hasCases(ctx.store, tenant)) return report;

  const played = await play({
    now,
    start: now - days * DAY,
    seed,
    tenant,
    people,
    policy: stored,
    cases: options.cases ?? 400,
  });
  try {
    await ctx.store.transaction(async (tx) => {
      for (const record of played.records) await tx.insertCase(record);
      await tx.appendHistory(played.history);
    });
  } catch (error) {
    // Another process seeded the tenant at the same time: its cases stand.
    if (error instanceof GridflowError && error.code === 'case.conflict' && (await hasCases(ctx.store, tenant)))
      return report;
    throw error;
  }
  return {
    ...report,
    cases: played.records.length,
    historyEntries: played.history.length,
    casesSkipped: false,
    steps: played.steps,
    deadlinesFired: played.deadlines,
    failures: played.failures,
  };
}

async function hasCases(store: CaseStore, tenant: string): Promise<boolean> {
  return (await store.listCases({ tenant, limit: 1 })).items.length > 0;
}

/**
 * The tenant's published default policy; when there is none, the default policy is drafted by the policy editor,
 * submitted, approved by an approver and published through the repository.
 */
async function ensurePublishedPolicy(
  policies: PolicyRepository,
  tenant: string,
  people: DemoPeople,
): Promise<{ stored: StoredPolicy; published: boolean }> {
  const newest = (list: StoredPolicy[]) =>
    list.filter((p) => p.status === 'published').sort((a, b) => b.version - a.version)[0];
  const existing = newest(await policies.list(tenant, POLICY_ID));
  if (existing !== undefined) return { stored: existing, published: false };
  const editor = people.editor.id;
  const approver = people.approvers[0].id;
  const draft = await policies.createDraft(tenant, POLICY_ID, editor, createDefaultPolicy());
  await policies.submitForReview(tenant, POLICY_ID, draft.version, editor);
  const approved = await policies.approve(
    tenant,
    POLICY_ID,
    draft.version,
    approver,
    '演示环境：发布默认政策 / Demo: publish the default policy',
  );
  const stored =
    approved.status === 'published' ? approved : await policies.publish(tenant, POLICY_ID, draft.version, approver);
  return { stored, published: true };
}

interface Played {
  records: CaseRecord[];
  history: HistoryEntry[];
  steps: number;
  deadlines: number;
  failures: string[];
}

/** Plays the catalogue of stories on an in-memory store and returns every case and history entry made. */
async function play(o: {
  now: number;
  start: number;
  seed: number;
  tenant: string;
  people: DemoPeople;
  policy: StoredPolicy;
  cases: number;
}): Promise<Played> {
  // The stored version, in effect from the start of the play (a policy published today governs the demo's past).
  const effectiveFrom = Math.min(Date.parse(o.policy.document.effectiveFrom), o.start);
  const document: Policy = {
    ...o.policy.document,
    id: POLICY_ID,
    version: o.policy.version,
    status: 'published',
    effectiveFrom: new Date(Number.isFinite(effectiveFrom) ? effectiveFrom : o.start).toISOString(),
  };
  const clock = createManualClock(o.start);
  const store = createMemoryStore();
  let n = 0;
  const runtime = createRuntime({
    store,
    clock,
    policies: createPolicyRegistry([document]),
    processes: [...builtInProcesses],
    tenant: o.tenant,
    // Time-ordered like the runtime's own ids, and the same on every run.
    newId: () => `${clock.now().toString(36)}-demo${(n += 1).toString(36).padStart(3, '0')}`,
  });
  const sim = createSimulation({ runtime, clock, store, tenant: o.tenant });
  const catalogue = buildStories({ now: o.now, random: createRandom(o.seed), people: o.people, cases: o.cases });
  let index = 0;
  const envFor = () => ({
    sim,
    people: o.people,
    random: createRandom((o.seed ^ Math.imul((index += 1), 0x9e3779b1)) >>> 0),
  });
  for (const def of catalogue.grid) sim.spawn(def.start, def.name, gridStory(envFor(), def));
  for (const def of catalogue.matters) sim.spawn(def.start, def.name, matterStory(envFor(), def));
  const result = await sim.run(o.now);

  const records: CaseRecord[] = [];
  for (let cursor: string | null | undefined; cursor !== null;) {
    const page = await store.listCases({
      tenant: o.tenant,
      sort: 'createdAt',
      order: 'asc',
      limit: 500,
      ...(cursor ? { cursor } : {}),
    });
    records.push(...page.items);
    cursor = page.nextCursor;
  }
  const history: HistoryEntry[] = [];
  for (const r of records) history.push(...(await store.history(o.tenant, r.id)));
  return { records, history, steps: result.steps, deadlines: result.deadlines, failures: result.failures };
}

/** A demo login as the CLI prints it. */
export interface DemoLogin {
  id: string;
  name: string;
  roles: string[];
  /** The user's first unit (`grid:g-01`…), or null (the 12345 platform). */
  unit: string | null;
}

/**
 * The demo users of a tenant as the CLI lists them at start: ordered by role as the default policy lists roles
 * (resident, grid worker, … external platform), then by id.
 *
 * @example
 * for (const u of await demoLogins(ctx)) console.log(`${u.id}\t${u.name}\t${u.roles.join(',')}\t${u.unit ?? ''}`);
 */
export async function demoLogins(
  ctx: { org: OrgRepository; config?: { demoTenant: string } },
  tenant: string = ctx.config?.demoTenant ?? DEMO_TENANT,
): Promise<DemoLogin[]> {
  const rank = new Map<string, number>(defaultPolicy.organisation.roles.map((r, i) => [r.code, i]));
  const roleRank = (roles: string[]) => Math.min(...roles.map((r) => rank.get(r) ?? rank.size));
  const users = await ctx.org.users(tenant);
  return users
    .map((u) => ({ id: u.id, name: u.name, roles: [...u.roles], unit: u.units[0] ?? null }))
    .sort((a, b) => roleRank(a.roles) - roleRank(b.roles) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
