import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultPolicy, SYSTEM_ACTOR, type Actor } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';

/** Policies (drafts, review, publishing, simulation, migration, export), indicators and the organisation tree. */

const [T] = TENANTS;
type Json = Record<string, any>;

describe.each(ENGINES)('policies, indicators and organisation on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const call = async (as: Actor | null, method: 'GET' | 'POST' | 'PUT', url: string, payload?: Json) => {
    const res = await h.request(as, { method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: res.json() as Json };
  };

  describe('the policy workflow', () => {
    let draft: number;

    it('lists versions: staff see drafts, others only published ones', async () => {
      await h.ctx.policies.createDraft(T, 'default', 'u-editor');
      const staff = await call(actors.editor, 'GET', '/api/v1/policies?id=default');
      expect(staff.body.items.map((p: Json) => p.status)).toEqual(expect.arrayContaining(['published', 'draft']));
      const resident = await call(actors.resident, 'GET', '/api/v1/policies');
      expect(resident.body.items.every((p: Json) => p.status === 'published' || p.status === 'retired')).toBe(true);
      expect(resident.body.items.length).toBeGreaterThan(0);
      expect((await call(null, 'GET', '/api/v1/policies')).status).toBe(401);
    });

    it('answers an unknown policy id with 404 policy.not_found, not an empty list', async () => {
      for (const url of ['/api/v1/policies?id=no-such-policy', '/api/v1/policies/no-such-policy/open-cases']) {
        const res = await call(actors.approver, 'GET', url);
        expect(res.status, url).toBe(404);
        expect(res.body).toMatchObject({ code: 'policy.not_found', message_zh: expect.any(String) });
      }
      // A policy with only a draft is unknown to a resident (who sees published versions only), known to staff.
      await h.ctx.policies.createDraft(T, 'draft-only', 'u-editor', createDefaultPolicy());
      expect((await call(actors.resident, 'GET', '/api/v1/policies?id=draft-only')).status).toBe(404);
      expect((await call(actors.editor, 'GET', '/api/v1/policies?id=draft-only')).body.items).toHaveLength(1);
      const counts = await call(actors.approver, 'GET', '/api/v1/policies/default/open-cases');
      expect(counts.status).toBe(200);
      expect(counts.body.items.length).toBeGreaterThan(0);
    });

    it('serves the policy in effect, even anonymously (intake forms)', async () => {
      const current = await call(null, 'GET', `/api/v1/policies/current?tenant=${T}`);
      expect(current.status).toBe(200);
      expect(current.body).toMatchObject({ id: 'default', status: 'published' });
      expect(current.body.categories.length).toBeGreaterThan(5);
    });

    it('creates a draft (editors only), autosaves it valid or not, and validates', async () => {
      expect((await call(actors.resident, 'POST', '/api/v1/policies/default/drafts', {})).status).toBe(403);
      expect((await call(actors.approver, 'POST', '/api/v1/policies/default/drafts', {})).status).toBe(403);
      const created = await call(actors.editor, 'POST', '/api/v1/policies/default/drafts', {});
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'draft', author: 'u-editor' });
      draft = created.body.version;
      const doc = created.body.document as Json;
      const broken = await call(actors.editor, 'PUT', `/api/v1/policies/default/versions/${draft}`, {
        document: { ...doc, routing: { rows: [] } },
      });
      expect(broken.status).toBe(200);
      expect(broken.body.problems.length).toBeGreaterThan(0);
      const changed = {
        ...doc,
        changeNote: '紧急类 1 小时',
        timeLimits: { ...doc.timeLimits, signing: { duration: 'PT30M', counting: 'calendar' } },
      };
      const saved = await call(actors.editor, 'PUT', `/api/v1/policies/default/versions/${draft}`, {
        document: changed,
      });
      expect(saved.status, JSON.stringify(saved.body).slice(0, 300)).toBe(200);
      expect(saved.body.problems.filter((p: Json) => p.severity === 'error')).toEqual([]);
      expect(
        (await call(actors.editor, 'POST', '/api/v1/policies/validate', { document: changed })).body,
      ).toMatchObject({ valid: true });
      const invalid = await call(actors.editor, 'POST', '/api/v1/policies/validate', { document: { id: 'x' } });
      expect(invalid.body.valid).toBe(false);
      expect(invalid.body.problems[0]).toMatchObject({
        code: expect.any(String),
        path: expect.any(String),
        message: { zh: expect.any(String), en: expect.any(String) },
      });
      expect((await call(actors.resident, 'POST', '/api/v1/policies/validate', { document: changed })).status).toBe(
        403,
      );
      expect(
        (await call(actors.editor, 'PUT', '/api/v1/policies/default/versions/1', { document: changed })).status,
      ).toBe(409);
      const malformed = await call(actors.editor, 'POST', '/api/v1/policies/default/drafts', {
        document: { id: 'default' },
      });
      expect(malformed.body).toMatchObject({ code: 'policy.invalid', path: expect.stringMatching(/^\/document/) });
    });

    it('diffs two versions', async () => {
      const diff = await call(actors.editor, 'GET', `/api/v1/policies/default/diff?from=1&to=${draft}`);
      expect(diff.status).toBe(200);
      expect(diff.body.changes.length).toBeGreaterThan(0);
      expect((await call(actors.editor, 'GET', '/api/v1/policies/default/diff?from=1&to=999')).status).toBe(404);
      expect((await call(actors.editor, 'GET', '/api/v1/policies/default/diff?from=1')).status).toBe(400);
    });

    it('simulates a case against the draft: routing, deadlines and explanations, nothing stored', async () => {
      const before = await h.digest();
      const sim = await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${draft}/simulate`, {
        input: noiseReport({ category: 'emergency_incident', urgency: 'emergency', attributes: { location: '3号楼' } }),
        lang: 'en',
      });
      expect(sim.status, JSON.stringify(sim.body).slice(0, 300)).toBe(200);
      expect(sim.body.case.state).toBe('handling.dispatched');
      expect(sim.body.routing).toMatchObject({
        rule: expect.stringMatching(/^routing:/),
        explanation: expect.stringMatching(/sent to/),
      });
      const sign = sim.body.deadlines.find((d: Json) => d.kind === 'sign');
      expect(sign.dueAt - sim.body.case.createdAt).toBe(30 * 60_000);
      expect(sim.body.history.length).toBe(2);
      // Later steps: an advance of the simulated clock fires the deadlines.
      const later = await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${draft}/simulate`, {
        input: noiseReport(),
        steps: [{ type: 'case.triage.file' }, { advanceMs: 10 * 86_400_000 }],
      });
      expect(later.status).toBe(200);
      expect(later.body.history.some((e: Json) => e.command === 'deadline.due')).toBe(true);
      expect(await h.digest()).toBe(before);
      expect(
        (
          await call(actors.resident, 'POST', `/api/v1/policies/default/versions/${draft}/simulate`, {
            input: noiseReport(),
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${draft}/simulate`, {
            input: { category: 'noise' },
          })
        ).body,
      ).toMatchObject({
        code: 'input.invalid',
        path: expect.stringMatching(/^\/input/),
      });
    });

    it('goes through review: the author cannot approve, an approver approves and publishes, editors cannot publish', async () => {
      expect((await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${draft}/approve`, {})).status).toBe(
        403,
      );
      const submitted = await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${draft}/submit`);
      expect(submitted.body.status).toBe('in_review');
      // An approver who also edits may not approve their own draft.
      const both: Actor = { id: 'u-editor', roles: ['policy_editor', 'policy_approver'], units: [] };
      expect(
        await call(both, 'POST', `/api/v1/policies/default/versions/${draft}/approve`, { note: '自己批' }),
      ).toMatchObject({ status: 403, body: { code: 'policy.author_cannot_approve' } });
      const approved = await call(actors.approver, 'POST', `/api/v1/policies/default/versions/${draft}/approve`, {
        note: '同意',
      });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      expect(approved.body.reviewedBy).toBe('u-approver');
      expect((await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${draft}/publish`)).status).toBe(
        403,
      );
      const published = await call(actors.approver, 'POST', `/api/v1/policies/default/versions/${draft}/publish`);
      expect(published.body.status).toBe('published');
      expect((await call(actors.resident, 'GET', '/api/v1/policies/current')).body.version).toBe(draft);
    });

    it('rejects a draft under review with a note', async () => {
      const d = (await call(actors.editor, 'POST', '/api/v1/policies/default/drafts', {})).body.version as number;
      await call(actors.editor, 'POST', `/api/v1/policies/default/versions/${d}/submit`);
      expect(
        (await call(actors.approver, 'POST', `/api/v1/policies/default/versions/${d}/reject`, {})).body,
      ).toMatchObject({ code: 'input.invalid', path: '/note' });
      const rejected = await call(actors.approver, 'POST', `/api/v1/policies/default/versions/${d}/reject`, {
        note: '时限过短',
      });
      expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
      expect(rejected.body.reviewNote).toBe('时限过短');
    });

    it('counts open cases per version and migrates chosen ones to another version', async () => {
      const runtime = await h.ctx.runtimeFor(T);
      const old = await runtime.submit({
        process: 'gridEscalation',
        input: noiseReport(),
        actor: SYSTEM_ACTOR,
        tenant: T,
      });
      // Pin it to version 1 as if it had started before the new version.
      const pinned = { ...old, policyVersion: 1 };
      await h.ctx.store.transaction(async (tx) => {
        await tx.updateCase({ ...pinned, version: old.version }, old.version);
      });
      const counts = await call(actors.approver, 'GET', '/api/v1/policies/default/open-cases');
      expect(counts.body.items.find((c: Json) => c.version === 1).open).toBeGreaterThan(0);
      expect(
        (
          await call(actors.editor, 'POST', '/api/v1/policies/default/migrations', {
            caseIds: [old.id],
            toVersion: draft,
          })
        ).status,
      ).toBe(403);
      const moved = await call(actors.approver, 'POST', '/api/v1/policies/default/migrations', {
        caseIds: [old.id],
        toVersion: draft,
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.migrated).toEqual([expect.objectContaining({ id: old.id, policyVersion: draft })]);
      expect((await h.ctx.store.history(T, old.id)).map((e) => e.command)).toContain('case.migrate');
      const notPublished = (await call(actors.editor, 'POST', '/api/v1/policies/default/drafts', {})).body
        .version as number;
      expect(
        (
          await call(actors.approver, 'POST', '/api/v1/policies/default/migrations', {
            caseIds: [old.id],
            toVersion: notPublished,
          })
        ).status,
      ).toBe(409);
    });

    it('rolls back to an earlier version as a new version (approvers only)', async () => {
      expect((await call(actors.editor, 'POST', '/api/v1/policies/default/rollback', { toVersion: 1 })).status).toBe(
        403,
      );
      const rolled = await call(actors.approver, 'POST', '/api/v1/policies/default/rollback', { toVersion: 1 });
      expect(rolled.status, JSON.stringify(rolled.body)).toBe(200);
      expect(rolled.body.version).toBeGreaterThan(draft);
      expect(rolled.body.status).toBe('published');
      expect(
        (await call(actors.approver, 'POST', '/api/v1/policies/default/rollback', { toVersion: 999 })).status,
      ).toBe(404);
    });

    it('exports recent cases with their histories, paged, personal data masked', async () => {
      for (let i = 0; i < 3; i++)
        await call(actors.gridWorker, 'POST', '/api/v1/cases', { process: 'gridEscalation', input: noiseReport() });
      const first = await call(actors.editor, 'GET', '/api/v1/export/cases?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.items[0].history.length).toBeGreaterThan(0);
      expect(JSON.stringify(first.body)).not.toContain('13800001234');
      const second = await call(
        actors.editor,
        'GET',
        `/api/v1/export/cases?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      const ids = [...first.body.items, ...second.body.items].map((c: Json) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect((await call(actors.gridWorker, 'GET', '/api/v1/export/cases')).status).toBe(403);
      expect((await call(actors.editor, 'GET', '/api/v1/export/cases?from=10&to=5')).status).toBe(400);
    });

    it('keeps another tenant’s policies apart', async () => {
      const other = await h.ctx.policies.createDraft(TENANTS[1], 'only-b', 'u-b', {
        ...createDefaultPolicy(),
        id: 'only-b',
      });
      expect((await call(actors.editor, 'GET', `/api/v1/policies/only-b/versions/${other.version}`)).status).toBe(404);
      const mine = await h.request(actors.editor, {
        method: 'GET',
        url: `/api/v1/policies/only-b/versions/${other.version}`,
        tenant: TENANTS[1],
      });
      expect(mine.statusCode).toBe(200);
    });
  });

  describe('indicators and rankings', () => {
    it('reports a unit’s indicators to its staff, any unit to tenant-wide staff, none to residents', async () => {
      const own = await call(actors.gridWorker, 'GET', '/api/v1/indicators?unit=grid:g-01');
      expect(own.status).toBe(200);
      expect(own.body.indicators.map((i: Json) => i.code)).toEqual(expect.arrayContaining(['response_rate']));
      expect(own.body.counts).toMatchObject({ filed: expect.any(Number) });
      expect((await call(actors.gridWorker, 'GET', '/api/v1/indicators?unit=grid:g-02')).status).toBe(403);
      expect((await call(actors.assessor, 'GET', '/api/v1/indicators')).status).toBe(200);
      expect((await call(actors.resident, 'GET', '/api/v1/indicators')).status).toBe(403);
      expect((await call(actors.assessor, 'GET', '/api/v1/indicators?from=20&to=10')).status).toBe(400);
    });

    it('ranks the units of a kind', async () => {
      const res = await call(actors.leader, 'GET', '/api/v1/indicators/rankings?kind=grid');
      expect(res.status).toBe(200);
      expect(res.body.items.map((r: Json) => r.unit).sort()).toEqual(['grid:g-01', 'grid:g-02']);
      expect(res.body.items[0]).toMatchObject({
        name: { zh: expect.any(String) },
        rank: expect.toSatisfy((r: unknown) => r === null || r === 1),
      });
      const departments = await call(actors.assessor, 'GET', '/api/v1/indicators/rankings?kind=department');
      expect(departments.body.items.length).toBeGreaterThanOrEqual(8);
      expect((await call(actors.leader, 'GET', '/api/v1/indicators/rankings?kind=planet')).status).toBe(400);
      expect((await call(actors.resident, 'GET', '/api/v1/indicators/rankings?kind=grid')).status).toBe(403);
    });
  });

  describe('the organisation tree', () => {
    it('serves the tree of the caller’s tenant', async () => {
      const tree = await call(actors.resident, 'GET', '/api/v1/org/tree');
      expect(tree.body.items.map((u: Json) => u.id)).toEqual(
        expect.arrayContaining(['d-1', 's-01', 'c-01', 'g-01', 'x-01']),
      );
      expect(tree.body.items.find((u: Json) => u.id === 'g-01').boundary.type).toBe('Polygon');
      expect((await call(null, 'GET', '/api/v1/org/tree')).status).toBe(401);
    });

    it('locates a point in its grid (open for intake forms)', async () => {
      expect((await call(null, 'GET', `/api/v1/org/locate?lng=118.275&lat=33.965&tenant=${T}`)).body).toEqual({
        grid: 'g-01',
        community: 'c-01',
        street: 's-01',
      });
      expect((await call(null, 'GET', '/api/v1/org/locate?lng=0&lat=0')).status).toBe(404);
      expect((await call(null, 'GET', '/api/v1/org/locate?lng=500&lat=0')).status).toBe(400);
    });

    it('takes the point in GCJ-02 or BD-09 and locates it in WGS-84', async () => {
      // (118.2775, 33.965) lies in g-01 (lng 118.27–118.28); a Chinese base map reads it ~550 m east, outside it.
      const locate = (q: string) => call(null, 'GET', `/api/v1/org/locate?tenant=${T}&${q}`);
      expect((await locate('lng=118.283008&lat=33.963655')).status).toBe(404);
      expect((await locate('lng=118.283008&lat=33.963655&coordinateSystem=gcj02')).body).toMatchObject({
        grid: 'g-01',
      });
      expect((await locate('lng=118.289548&lat=33.969529&coordinateSystem=bd09')).body).toMatchObject({ grid: 'g-01' });
      expect((await locate('lng=118.2775&lat=33.965&coordinateSystem=wgs84')).body).toMatchObject({ grid: 'g-01' });
      const bad = await locate('lng=118.2775&lat=33.965&coordinateSystem=mars');
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: expect.any(String), message_zh: expect.any(String) });
    });

    it('intake converts a GCJ-02 location to WGS-84, places it in its grid and stores WGS-84', async () => {
      const { units: _units, ...report } = noiseReport({ location: { lng: 118.283008, lat: 33.963655 } });
      const res = await call(actors.resident, 'POST', '/api/v1/cases', {
        process: 'gridEscalation',
        coordinateSystem: 'gcj02',
        input: report,
      });
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
      const stored = await (await h.ctx.runtimeFor(T)).get(res.body.id as string, { actor: SYSTEM_ACTOR, tenant: T });
      const context = stored!.snapshot.context as Json;
      expect(context.request.units).toMatchObject({ grid: 'g-01', community: 'c-01', street: 's-01' });
      expect(context.request.location.lng).toBeCloseTo(118.2775, 4);
      expect(context.request.location.lat).toBeCloseTo(33.965, 4);
      const bad = await call(actors.resident, 'POST', '/api/v1/cases', {
        process: 'gridEscalation',
        coordinateSystem: 'mars',
        input: report,
      });
      expect(bad.status).toBe(400);
    });
  });
});
