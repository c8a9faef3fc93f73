import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInProcesses, createDefaultPolicy } from '@gridflow/core';
import { actors, ENGINES, startHarness, TENANTS, type Harness } from './harness.js';

/** `GET /processes`, `GET /processes/{id}` and the public intake data (`GET /intake`). */

const [T, OTHER] = TENANTS;
type Json = Record<string, any>;

const STAFF_PHONE = '13912345678';
const STAFF_NAME = '王书记';

describe.each(ENGINES)('processes and intake on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine);
    // Units beside the tree and attributes that carry people: none of it may reach the public.
    await h.ctx.org.upsertUnits([
      {
        tenant: T,
        id: 'c-01',
        kind: 'community',
        parentId: 's-01',
        name: { zh: '一社区', en: 'Community 1' },
        attributes: { secretary: STAFF_NAME, phone: STAFF_PHONE, secretaryId: actors.secretary.id },
      },
      {
        tenant: T,
        id: 'pc-01',
        kind: 'property_company',
        parentId: 'x-01',
        name: { zh: '安居物业', en: 'Anju property' },
        attributes: { manager: '赵经理', phone: '13800001111' },
      },
    ]);
    await h.ctx.org.upsertUsers([
      {
        tenant: T,
        id: actors.gridWorker.id,
        name: actors.gridWorker.name,
        roles: ['grid_worker'],
        units: ['grid:g-01'],
      },
    ]);
    // The other tenant accepts no anonymous report at all.
    const closed = createDefaultPolicy();
    for (const c of closed.categories) c.allowAnonymous = false;
    const draft = await h.ctx.policies.createDraft(OTHER, 'default', 'seed-editor', closed);
    await h.ctx.policies.submitForReview(OTHER, 'default', draft.version, 'seed-editor');
    await h.ctx.policies.approve(OTHER, 'default', draft.version, 'seed-approver');
    await h.ctx.policies.publish(OTHER, 'default', draft.version, 'seed-approver');
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = async (as: Parameters<Harness['request']>[0], url: string, tenant?: string) => {
    const res = await h.request(as, { method: 'GET', url, ...(tenant ? { tenant } : {}) });
    return { status: res.statusCode, body: res.json() as Json };
  };

  describe('GET /api/v1/processes', () => {
    it('describes every process the server runs, from its machine, with the roles of the tenant’s policy', async () => {
      const list = await get(actors.gridWorker, '/api/v1/processes');
      expect(list.status).toBe(200);
      expect(list.body.items.map((p: Json) => p.id).sort()).toEqual(builtInProcesses.map((p) => p.id).sort());
      const grid = list.body.items.find((p: Json) => p.id === 'gridEscalation');
      const handling = grid.statechart.states.find((s: Json) => s.path === 'handling');
      expect(handling).toMatchObject({ type: 'compound', initial: 'handling.dispatched', name: { zh: '处置中' } });
      expect(handling.states.find((s: Json) => s.key === 'working')).toMatchObject({ depth: 1, open: true });
      expect(grid.transitions).toContainEqual(
        expect.objectContaining({
          source: 'handling',
          event: 'deadline.due',
          guard: 'canEscalate',
          rules: ['escalate'],
        }),
      );
      const sign = grid.commands.find((c: Json) => c.type === 'case.sign');
      expect(sign).toMatchObject({ internal: false, labels: { note: { zh: '备注', en: 'Note' } } });
      expect(sign.roles.map((r: Json) => r.role)).toContain('grid_worker');
      expect(sign.roles.find((r: Json) => r.role === 'grid_worker').name.zh).toBe('网格员');
      expect(grid.commands.find((c: Json) => c.type === 'deadline.due')).toMatchObject({ internal: true, roles: [] });
      expect(grid.rules).toContainEqual(expect.objectContaining({ key: 'escalate', name: expect.any(Object) }));
      expect(grid.deadlineKinds.map((k: Json) => k.kind)).toContain('handle');
    });

    it('takes the roles from the caller’s tenant', async () => {
      const mine = await get(actors.gridWorker, '/api/v1/processes/gridEscalation');
      expect(mine.status).toBe(200);
      // Publish a policy in the other tenant where nobody may sign: its description says so.
      const policy = createDefaultPolicy();
      policy.permissions = policy.permissions.filter((p) => p.command !== 'case.sign');
      for (const c of policy.categories) c.allowAnonymous = false;
      const draft = await h.ctx.policies.createDraft(OTHER, 'default', 'seed-editor', policy);
      await h.ctx.policies.submitForReview(OTHER, 'default', draft.version, 'seed-editor');
      await h.ctx.policies.approve(OTHER, 'default', draft.version, 'seed-approver');
      await h.ctx.policies.publish(OTHER, 'default', draft.version, 'seed-approver');
      const theirs = await get(actors.gridWorker, '/api/v1/processes/gridEscalation', OTHER);
      const roles = (d: Json) => d.commands.find((c: Json) => c.type === 'case.sign').roles;
      expect(roles(mine.body).length).toBeGreaterThan(0);
      expect(roles(theirs.body).length).toBeLessThan(roles(mine.body).length);
    });

    it('needs a token; an unknown process is 404, a malformed id 400', async () => {
      expect((await get(null, '/api/v1/processes')).status).toBe(401);
      expect((await get(null, '/api/v1/processes/gridEscalation')).status).toBe(401);
      const unknown = await get(actors.gridWorker, '/api/v1/processes/noSuchProcess');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'process.not_found', message_zh: expect.any(String) });
      expect((await get(actors.gridWorker, '/api/v1/processes/a%20b')).status).toBe(400);
    });

    it('is in the OpenAPI document with its response schema', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Json;
      const list = doc.paths['/api/v1/processes'].get.responses['200'].content['application/json'].schema;
      expect(list.properties.items.items.properties.transitions.items.properties.rules).toBeDefined();
      expect(doc.components.schemas.ProcessState.properties.states.items).toEqual({
        $ref: '#/components/schemas/ProcessState',
      });
      expect(doc.paths['/api/v1/intake'].get.responses['200']).toBeDefined();
    });
  });

  describe('the three-party meeting described (issue 8 §7, finding 5)', () => {
    it('describes a matter’s context (meetings, votes, outcome), its parties and its rules in GET /processes/{id}', async () => {
      const res = await get(actors.secretary, '/api/v1/processes/propertyCoordination');
      expect(res.status).toBe(200);
      const d = res.body;
      const meeting = d.contextSchema.properties.meetings.items;
      expect(Object.keys(meeting.properties)).toEqual(
        expect.arrayContaining(['meetingAt', 'confirmations', 'presence', 'attending', 'status']),
      );
      expect(Object.keys(d.contextSchema.properties.resolution.properties)).toEqual(
        expect.arrayContaining(['votes', 'signatures', 'rule']),
      );
      expect(d.contextSchema.properties.ownersVote.properties.passed).toEqual({ type: 'boolean' });
      expect(d.contextSchema.properties.outcome.enum).toContain('rejected');
      expect(d.parties.map((p: Json) => p.code)).toEqual(['community', 'owners_committee', 'property_company']);
      expect(d.parties.find((p: Json) => p.code === 'owners_committee').roles).toEqual(['owners_committee']);
      expect(d.rules).toContainEqual({
        key: 'coordination.ownersMajor',
        name: expect.objectContaining({ zh: expect.any(String) }),
      });
      expect(d.commands.map((c: Json) => c.type)).toContain('matter.meeting.attend');
    });

    it('puts the context schema in the OpenAPI document and refers to it from the matter routes', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Json;
      const component = doc.components.schemas['Context.propertyCoordination'];
      expect(component.properties.meetings.items.properties.presence).toBeDefined();
      expect(component.properties.ownersVote.properties.major).toBeDefined();
      const sign = doc.paths['/api/v1/matters/{id}/minutes/signatures'].post;
      expect(sign.responses['200'].content['application/json'].schema.properties.context).toMatchObject({
        $ref: '#/components/schemas/Context.propertyCoordination',
      });
      expect(doc.paths['/api/v1/matters/{id}/meeting/attendance'].post.description).toContain('matter.meeting.attend');
      expect(doc.paths['/api/v1/matters/{id}/meeting/hold'].post.description).toContain('coordination.meetingTime');
      const list = doc.paths['/api/v1/processes'].get.responses['200'].content['application/json'].schema;
      expect(list.properties.items.items.properties.contextSchema).toBeDefined();
      expect(list.properties.items.items.properties.parties).toBeDefined();
    });
  });

  describe('GET /api/v1/intake', () => {
    it('serves a report form’s data without a token where the tenant accepts anonymous reports', async () => {
      const res = await get(null, `/api/v1/intake?tenant=${T}`);
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body.anonymousAllowed).toBe(true);
      // Only categories an anonymous caller may report, each with its attributes.
      expect(body.categories.length).toBeGreaterThan(0);
      expect(body.categories.every((c: Json) => c.allowAnonymous === true)).toBe(true);
      const noise = body.categories.find((c: Json) => c.code === 'noise');
      expect(noise.attributes.map((a: Json) => a.code)).toContain('noise_source');
      expect(body.urgencies.length).toBeGreaterThan(0);
      expect(body.submission).toMatchObject({ process: 'gridEscalation', labels: { title: { zh: '标题' } } });
      // The public tree: names and boundaries.
      const g01 = body.units.find((u: Json) => u.id === 'g-01');
      expect(g01).toMatchObject({ kind: 'grid', parentId: 'c-01', name: { zh: '一网格' } });
      expect(g01.boundary.type).toBe('Polygon');
      for (const u of body.units) expect(Object.keys(u).sort()).toEqual(expect.arrayContaining(['id', 'kind', 'name']));
    });

    it('carries no staff or personal data', async () => {
      for (const as of [null, actors.resident]) {
        const text = JSON.stringify((await get(as, `/api/v1/intake?tenant=${T}`)).body);
        expect(text).not.toContain(STAFF_PHONE);
        expect(text).not.toContain(STAFF_NAME);
        expect(text).not.toMatch(/1[3-9]\d{9}/);
        expect(text).not.toContain('赵经理');
        expect(text).not.toContain('安居物业');
        for (const a of Object.values(actors)) {
          expect(text).not.toContain(`"${a.id}"`);
          if ('name' in a) expect(text).not.toContain(a.name);
        }
        expect(text).not.toContain('"attributes":{"secretary"');
        expect(text).not.toContain('"roles"');
      }
      // The staff tree does show them: the test data is really there.
      const tree = JSON.stringify((await get(actors.gridWorker, '/api/v1/org/tree')).body);
      expect(tree).toContain(STAFF_PHONE);
    });

    it('needs a token where the tenant accepts no anonymous report; a signed-in caller sees every category', async () => {
      const anonymous = await get(null, `/api/v1/intake?tenant=${OTHER}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toMatchObject({ code: 'auth.required', message_en: expect.any(String) });
      const signedIn = await get(actors.resident, '/api/v1/intake', OTHER);
      expect(signedIn.status).toBe(200);
      expect(signedIn.body).toMatchObject({ tenant: OTHER, anonymousAllowed: false });
      expect(signedIn.body.categories.length).toBe(createDefaultPolicy().categories.length);
      // A token decides the tenant: the parameter cannot reach another one.
      expect((await get(actors.resident, `/api/v1/intake?tenant=${T}`, OTHER)).body.tenant).toBe(OTHER);
      expect((await get(null, '/api/v1/intake?tenant=no-such-tenant')).status).toBe(401);
      expect((await get(null, '/api/v1/intake?tenant=../x')).status).toBe(400);
    });
  });
});
