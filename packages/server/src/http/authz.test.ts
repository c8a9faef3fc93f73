import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandMatches, type Scope } from '@gridflow/core/policy';
import { createDefaultPolicy, SYSTEM_ACTOR, type Actor, type CaseSummary, type Policy } from '@gridflow/core';
import { holderLevel, recipeParties, recipes, FIXTURE_UNITS, gridInTriage, type Fixture } from './fixtures.js';
import { main } from '../cli/main.js';
import { createTenant } from '../tenants.js';
import {
  DATABASE_URL,
  ENGINES,
  noiseReport,
  parkingMatter,
  startHarness,
  TENANTS,
  testOrg,
  type Harness,
} from './harness.js';

/**
 * The authorisation matrix, through HTTP: every role × every user command × in scope / out of scope, and every
 * tenant pair. The expectation is computed here from the policy's rows (the specification), independently of the
 * runtime: allowed → the command succeeds (2xx); readable but not allowed → 403; not readable → 404.
 */

const policy: Policy = createDefaultPolicy();
const [T] = TENANTS;

/** The unit ids of a fixture case (in scope) and of another unit of the same kind (out of scope). */
const IN_UNIT: Record<string, string> = {
  grid: 'g-01',
  community: 'c-01',
  street: 's-01',
  compound: 'x-01',
  department: 'urban_management',
  building: 'b-01',
};
const OUT_UNIT: Record<string, string> = {
  grid: 'g-02',
  community: 'c-02',
  street: 's-02',
  compound: 'x-02',
  department: 'housing',
  building: 'b-09',
};

type Variant = 'in' | 'out';

const scopesOfRole = (role: string): Set<Scope> =>
  new Set(policy.permissions.filter((r) => r.role === role).map((r) => r.scope));

/** The variants worth testing for a role: a role whose every row is tenant-wide has no "out of scope". */
function variantsOf(role: string): Variant[] {
  const scopes = scopesOfRole(role);
  return scopes.size > 0 && [...scopes].every((s) => s === 'all') ? ['in'] : ['in', 'out'];
}

/** An actor of a role, inside or outside the fixture cases' units. */
function actorFor(role: string, variant: Variant): Actor {
  const units: string[] = [];
  let id = `m-${role}-${variant}`;
  for (const scope of scopesOfRole(role)) {
    if (scope === 'all') continue;
    if (scope === 'own') id = variant === 'in' ? 'u-resident' : 'u-resident-2';
    else units.push(`${scope}:${(variant === 'in' ? IN_UNIT : OUT_UNIT)[scope]}`);
  }
  return { id, roles: [role], units };
}

function scopeOk(scope: Scope, actor: Actor, summary: CaseSummary): boolean {
  if (scope === 'all') return true;
  if (scope === 'own') return summary.reporterId === actor.id || summary.handlerId === actor.id;
  return actor.units.some((u) => u.startsWith(`${scope}:`) && summary.units.includes(u));
}

/**
 * The rows that open a process's cases for reading: its own commands (and the grid case to those who judge its
 * evaluations). A row for one process's commands opens no other process's cases.
 */
const READERS: Record<string, readonly string[]> = {
  case: ['case.*', 'evaluation.appeal.decide', 'evaluation.exclusion.approve', 'evaluation.notice.*'],
  matter: ['matter.*'],
  evaluation: ['evaluation.*'],
};
const overlap = (a: string, b: string) => commandMatches(a, b) || commandMatches(b, a);

/** The roles that act for each party of a three-party meeting; an actor also acts for its own org units. */
const PARTY_ROLES: Record<string, readonly string[]> = {
  community: ['community_staff', 'community_secretary'],
  owners_committee: ['owners_committee'],
  property_company: ['property_company'],
};
const actsFor = (actor: Actor, party: string): boolean =>
  actor.units.includes(party) || (PARTY_ROLES[party] ?? []).some((r) => actor.roles.includes(r));

/**
 * The specification: may this actor give this command on a case with this summary? May they see it at all? With
 * `parties` (those the command is given as), a row allows it only if the actor acts for each, or the row names
 * the party in `actFor`.
 */
function expected(
  actor: Actor,
  command: string,
  summary: CaseSummary,
  parties: readonly string[] = [],
): { allowed: boolean; readable: boolean; asParty: boolean } {
  const readers = READERS[command.slice(0, command.indexOf('.'))] ?? [];
  const rows = policy.permissions.filter((r) => actor.roles.includes(r.role));
  // A row limited to levels holds only while the case is at one of them (the holder of an order acts on it).
  const levelOk = (levels: readonly string[] | undefined) =>
    levels === undefined || (summary.level !== undefined && levels.includes(summary.level));
  const allowing = rows.filter(
    (r) => commandMatches(r.command, command) && scopeOk(r.scope, actor, summary) && levelOk(r.levels),
  );
  const asParty = parties.every(
    (p) => actsFor(actor, p) || allowing.some((r) => r.actFor?.includes(p) || r.actFor?.includes('*')),
  );
  return {
    asParty,
    allowed: allowing.length > 0 && asParty,
    // Policy rows are about policies: they let nobody see residents' cases.
    readable: rows.some(
      (r) =>
        !r.command.startsWith('policy.') &&
        readers.some((c) => overlap(r.command, c)) &&
        scopeOk(r.scope, actor, summary),
    ),
  };
}

/** Submissions of each process, inside or outside the units of the in-scope actors. */
function intake(process: string, variant: Variant): { input: Record<string, unknown>; summary: CaseSummary } {
  const u = variant === 'in' ? IN_UNIT : OUT_UNIT;
  const units = [`grid:${u.grid}`, `community:${u.community}`, `street:${u.street}`, `compound:${u.compound}`];
  if (process === 'gridEscalation') {
    return {
      input: noiseReport({ units: { grid: u.grid, community: u.community, street: u.street, compound: u.compound } }),
      summary: { units, reporterId: 'u-resident', open: true },
    };
  }
  if (process === 'propertyCoordination') {
    return {
      input: parkingMatter({
        compoundId: u.compound,
        communityId: u.community,
        streetId: u.street,
        gridId: u.grid,
        raisedBy: 'u-resident',
      }),
      summary: { units, reporterId: 'u-resident', open: true },
    };
  }
  const all = variant === 'in' ? FIXTURE_UNITS : units.concat(`department:${u.department}`);
  return {
    input: {
      subjectCaseId: 'c-subject',
      subjectProcess: 'gridEscalation',
      evaluatorKind: 'resident',
      evaluatorId: 'u-resident',
      reporterId: 'u-resident',
      unit: all[0],
      subjectUnits: all.slice(1),
    },
    summary: { units: all, reporterId: 'u-resident', open: true },
  };
}

const SUBMIT_COMMAND: Record<string, string> = {
  gridEscalation: 'case.submit',
  propertyCoordination: 'matter.raise',
  appealEvaluation: 'evaluation.rate',
};

describe.each(ENGINES)('authorisation matrix on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const roles = policy.organisation.roles.map((r) => r.code);

  it('has a recipe for every user command of the processes the server runs', async () => {
    const runtime = await h.ctx.runtimeFor(T);
    const commands = runtime.processes().flatMap((p) => p.commands.filter((c) => !c.internal).map((c) => c.type));
    expect(Object.keys(recipes).sort()).toEqual([...new Set(commands)].sort());
  });

  it('every role × command × scope: allowed ones succeed, others get 403 or 404', async () => {
    const counts = { checked: 0, allowed: 0, forbidden403: 0, notParty403: 0, hidden404: 0 };
    const failures: string[] = [];
    for (const [command, recipe] of Object.entries(recipes)) {
      const shared = await recipe(h.ctx, T, 'none');
      for (const role of roles) {
        for (const variant of variantsOf(role)) {
          const actor = actorFor(role, variant);
          const probes: [Fixture, ReturnType<typeof expected>][] = [];
          const onShared = expected(actor, command, shared.summary, recipeParties(command, shared.input));
          // The shared case names the community (or the property company's item): a role whose row allows the
          // command acts there for another party, and is refused; then it acts for its own on a fresh case.
          if (!onShared.asParty && expected(actor, command, shared.summary).allowed) probes.push([shared, onShared]);
          if (onShared.allowed || holderLevel(role, command) !== undefined || !onShared.asParty) {
            // Success changes the case: a fresh one, prepared for this role (at the level it holds orders at, for
            // the party it acts for).
            const fx = await recipe(h.ctx, T, role);
            probes.push([fx, expected(actor, command, fx.summary, recipeParties(command, fx.input))]);
          } else probes.push([shared, onShared]);
          for (const [fx, want] of probes) {
            const res = await h.request(actor, {
              method: 'POST',
              url: `/api/v1/cases/${fx.caseId}/commands`,
              payload: { type: command, input: fx.input, expectedVersion: fx.version },
            });
            counts.checked++;
            const status = want.allowed ? 200 : want.readable ? 403 : 404;
            if (res.statusCode !== status)
              failures.push(
                `${role}/${variant} ${command} ${JSON.stringify(fx.input).slice(0, 60)}: expected ${status}, got ${res.statusCode} ${res.body.slice(0, 200)}`,
              );
            else if (status === 200) counts.allowed++;
            else if (status === 403) {
              counts.forbidden403++;
              // A row allows the command but not for that party: refused as acting for another party.
              const code = (res.json() as { code: string }).code;
              const rowAllows = expected(actor, command, fx.summary).allowed;
              if (rowAllows && code !== 'permission.not_party')
                failures.push(`${role}/${variant} ${command}: expected permission.not_party, got ${code}`);
              else if (rowAllows) counts.notParty403++;
            } else counts.hidden404++;
          }
        }
      }
    }
    console.log(
      `[${engine}] command matrix: ${roles.length} roles × ${Object.keys(recipes).length} commands × scope →`,
      counts,
    );
    expect(failures).toEqual([]);
    expect(counts.allowed).toBeGreaterThan(100);
    expect(counts.forbidden403).toBeGreaterThan(100);
    expect(counts.hidden404).toBeGreaterThan(100);
    // The finding (issue 8 §7): a party acted for another — the owners' committee confirmed for the property
    // company, the property company signed for the owners' committee, one party completed another's item.
    expect(counts.notParty403).toBeGreaterThan(5);
  });

  it('each party acts for itself: confirming, signing and completing for another party is 403 permission.not_party', async () => {
    const owners: Actor = { id: 'u-owners', roles: ['owners_committee'], units: ['compound:x-01'] };
    const company: Actor = { id: 'u-company', roles: ['property_company'], units: ['compound:x-01'] };
    const liaison: Actor = { id: 'u-um', roles: ['department_liaison'], units: ['department:urban_management'] };
    const secretary: Actor = { id: 'u-sec', roles: ['community_secretary'], units: ['community:c-01'] };
    const attempts: [Actor, string, Record<string, unknown>][] = [
      [owners, 'matter.meeting.confirm', { party: 'property_company' }],
      [company, 'matter.resolution.sign', { party: 'owners_committee' }],
      [owners, 'matter.action.done', { id: 'a-1' }],
      [secretary, 'matter.resolution.sign', { party: 'department:urban_management' }],
      [company, 'matter.meeting.attend', { party: 'owners_committee' }],
    ];
    for (const [actor, command, input] of attempts) {
      const fx = await recipes[command]!(h.ctx, T, actor.roles[0]!);
      const before = await h.digest();
      const res = await h.request(actor, {
        method: 'POST',
        url: `/api/v1/cases/${fx.caseId}/commands`,
        payload: { type: command, input, expectedVersion: fx.version },
      });
      expect(res.statusCode, `${actor.id} ${command} ${res.body}`).toBe(403);
      const body = res.json() as { code: string; message_zh: string; message_en: string };
      expect(body.code).toBe('permission.not_party');
      expect(body.message_zh).toMatch(/^不能代表/);
      expect(body.message_en).toMatch(/^You cannot give/);
      expect(await h.digest()).toBe(before);
    }
    // An invited department present at the meeting signs the minutes for itself (it could not before).
    const sign = await recipes['matter.resolution.sign']!(h.ctx, T, 'department_liaison');
    expect(sign.input).toEqual({ party: 'department:urban_management' });
    const ok = await h.request(liaison, {
      method: 'POST',
      url: `/api/v1/cases/${sign.caseId}/commands`,
      payload: { type: 'matter.resolution.sign', input: sign.input, expectedVersion: sign.version },
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('every role × evidence kind × process × scope: attaching is its own permission (201, else 403 or 404)', async () => {
    const counts = { checked: 0, created: 0, forbidden403: 0, hidden404: 0 };
    const failures: string[] = [];
    const PNG = Buffer.from(
      '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
        '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082',
      'hex',
    );
    const form = (kind: string) => {
      const boundary = `----gridflowauthz${kind}`;
      const payload = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`),
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        PNG,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
    };
    // A case of each process, prepared for the role (at the level it handles orders at, where that matters).
    const processes: [prefix: string, recipe: string][] = [
      ['case', 'case.feedback'],
      ['matter', 'matter.meeting.confirm'],
      ['evaluation', 'evaluation.appeal'],
    ];
    for (const [prefix, recipeName] of processes) {
      for (const role of roles) {
        const fx = await recipes[recipeName]!(h.ctx, T, role);
        for (const variant of variantsOf(role)) {
          const actor = actorFor(role, variant);
          for (const kind of ['before', 'after', 'other']) {
            const command = `${prefix}.attach.${kind}`;
            const want = expected(actor, command, fx.summary);
            const before = want.allowed ? '' : await h.digest();
            const res = await h.request(actor, {
              method: 'POST',
              url: `/api/v1/cases/${fx.caseId}/attachments`,
              ...form(kind),
            });
            counts.checked++;
            const status = want.allowed ? 201 : want.readable ? 403 : 404;
            if (res.statusCode !== status)
              failures.push(
                `${role}/${variant} ${command}: expected ${status}, got ${res.statusCode} ${res.body.slice(0, 160)}`,
              );
            else if (status === 201) counts.created++;
            else {
              if (status === 403) counts.forbidden403++;
              else counts.hidden404++;
              if ((await h.digest()) !== before) failures.push(`${role}/${variant} ${command}: refused but stored`);
            }
          }
        }
      }
    }
    console.log(`[${engine}] attachment matrix: ${roles.length} roles × 3 kinds × 3 processes × scope →`, counts);
    expect(failures).toEqual([]);
    // The finding: an assessor may read every case but attaches nothing.
    expect(expected(actorFor('assessor', 'in'), 'case.attach.after', { units: [], open: true })).toMatchObject({
      allowed: false,
      readable: true,
    });
    expect(counts.created).toBeGreaterThan(15);
    expect(counts.forbidden403).toBeGreaterThan(30);
    expect(counts.hidden404).toBeGreaterThan(30);
  });

  it('every role × intake × scope: allowed submissions are created, others get 403', async () => {
    const counts = { checked: 0, created: 0, forbidden403: 0 };
    const failures: string[] = [];
    for (const process of Object.keys(SUBMIT_COMMAND)) {
      for (const role of roles) {
        for (const variant of variantsOf(role)) {
          const actor = actorFor(role, variant);
          const { input, summary } = intake(process, variant);
          const want = expected(actor, SUBMIT_COMMAND[process]!, summary);
          const before = await h.digest();
          const res = await h.request(actor, { method: 'POST', url: '/api/v1/cases', payload: { process, input } });
          counts.checked++;
          const status = want.allowed ? 201 : 403;
          if (res.statusCode !== status)
            failures.push(
              `${role}/${variant} submit ${process}: expected ${status}, got ${res.statusCode} ${res.body.slice(0, 200)}`,
            );
          else if (status === 201) counts.created++;
          else {
            counts.forbidden403++;
            if ((await h.digest()) !== before)
              failures.push(`${role}/${variant} submit ${process}: a refused submission changed stored data`);
          }
        }
      }
    }
    console.log(
      `[${engine}] intake matrix: ${roles.length} roles × ${Object.keys(SUBMIT_COMMAND).length} processes × scope →`,
      counts,
    );
    expect(failures).toEqual([]);
    expect(counts.created).toBeGreaterThan(5);
  });

  it('every tenant pair, with a tenant made by `gridflow tenant create`: a caller reaches only their own tenant', async () => {
    // A third tenant as an operator makes it: the org file of the test organisation and the default policy, by the
    // CLI itself on PostgreSQL (another connection, as in a deployment), by the function it runs on in-memory PGlite.
    const made = 't-cli';
    const dir = mkdtempSync(join(tmpdir(), 'gridflow-tenant-'));
    try {
      const units = testOrg(made).map(({ tenant: _tenant, ...unit }) => unit);
      const orgFile = join(dir, 'org.json');
      writeFileSync(orgFile, JSON.stringify({ units }));
      if (engine === 'postgres') {
        const lines: string[] = [];
        const code = await main(['tenant', 'create', made, '--org', orgFile, '--author', 'ops'], {
          out: (l) => lines.push(l),
          err: (l) => lines.push(l),
          env: { DATABASE_URL, GRIDFLOW_DB_SCHEMA: h.ctx.config.databaseSchema! },
        });
        expect(code, lines.join('\n')).toBe(0);
      } else {
        await createTenant(
          {
            sql: h.ctx.sql,
            policies: h.server.ctx.policies as Parameters<typeof createTenant>[0]['policies'],
            org: h.ctx.org,
          },
          { id: made, org: { units }, author: 'ops' },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await h.ctx.org.tree(made)).map((u) => u.id).sort()).toEqual(
      testOrg(made)
        .map((u) => u.id)
        .sort(),
    );
    const tenants = [...TENANTS, made];

    const counts = { pairs: 0, checked: 0, sameTenantOk: 0, crossTenant404: 0 };
    const failures: string[] = [];
    const assessor: Actor = { id: 'u-assessor', roles: ['assessor'], units: [] };
    const dispatcher: Actor = { id: 'u-disp', roles: ['street_dispatcher'], units: ['street:s-01'] };
    const editor: Actor = { id: 'u-editor', roles: ['policy_editor'], units: [] };
    for (const home of tenants) {
      for (const other of tenants) {
        counts.pairs++;
        const runtime = await h.ctx.runtimeFor(other);
        const c = await gridInTriage(h.ctx, other);
        const filed = await runtime.send(
          c.id,
          { type: 'case.triage.file', input: {} },
          { actor: SYSTEM_ACTOR, tenant: other },
        );
        // A policy only the other tenant has.
        const pid = `p-${other}-${home}`;
        const draft = await h.ctx.policies.createDraft(other, pid, 'u-someone', { ...createDefaultPolicy(), id: pid });
        const same = home === other;
        const probes: [Actor, string, string, unknown?][] = [
          [assessor, 'GET', `/api/v1/cases/${c.id}`],
          [assessor, 'GET', `/api/v1/cases/${c.id}/history`],
          [assessor, 'GET', `/api/v1/cases/${c.id}/commands`],
          [assessor, 'GET', `/api/v1/cases/${c.id}/attachments`],
          [
            dispatcher,
            'POST',
            `/api/v1/cases/${c.id}/commands`,
            { type: 'case.remind', input: { note: '催办' }, expectedVersion: filed.version },
          ],
          [editor, 'GET', `/api/v1/policies/${pid}/versions/${draft.version}`],
          [editor, 'PUT', `/api/v1/policies/${pid}/versions/${draft.version}`, { document: draft.document }],
        ];
        for (const [actor, method, url, payload] of probes) {
          const res = await h.request(actor, {
            method: method as 'GET',
            url,
            tenant: home,
            ...(payload === undefined ? {} : { payload: payload as object }),
          });
          counts.checked++;
          const ok = res.statusCode >= 200 && res.statusCode < 300;
          if (same && !ok)
            failures.push(
              `${home}→${other} ${method} ${url}: expected success, got ${res.statusCode} ${res.body.slice(0, 160)}`,
            );
          else if (!same && res.statusCode !== 404)
            failures.push(`${home}→${other} ${method} ${url}: expected 404, got ${res.statusCode}`);
          else if (same) counts.sameTenantOk++;
          else counts.crossTenant404++;
        }
        // Lists never show another tenant's cases.
        const list = await h.request(assessor, {
          method: 'GET',
          url: '/api/v1/cases?limit=200&sort=created&order=desc',
          tenant: home,
        });
        counts.checked++;
        const ids = (list.json() as { items: { id: string }[] }).items.map((i) => i.id);
        if (same !== ids.includes(c.id))
          failures.push(`${home}→${other} list: case ${same ? 'missing' : 'visible across tenants'}`);
        else if (same) counts.sameTenantOk++;
        else counts.crossTenant404++;
      }
    }
    console.log(`[${engine}] tenant pairs:`, counts);
    expect(failures).toEqual([]);
    expect(counts.pairs).toBe(tenants.length ** 2);
    expect(counts.crossTenant404).toBeGreaterThan(0);
  });
});
