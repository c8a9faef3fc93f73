import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';
import { requestHash, STALE_AFTER_MS } from './idempotency.js';

/** The case endpoints: submit, list, read, history, available commands, commands, duplicates, personal data. */

const [T] = TENANTS;
type Json = Record<string, any>;

describe.each(ENGINES)('cases API on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const submit = async (as: Actor | null, input: Json, headers: Record<string, string> = {}, query = '') =>
    h.request(as, {
      method: 'POST',
      url: `/api/v1/cases${query}`,
      payload: { process: 'gridEscalation', input },
      headers,
    });
  const get = async (as: Actor | null, url: string) => h.request(as, { method: 'GET', url });
  const command = async (as: Actor, id: string, type: string, expectedVersion: number, input: Json = {}) =>
    h.request(as, { method: 'POST', url: `/api/v1/cases/${id}/commands`, payload: { type, input, expectedVersion } });
  const piiReads = async (caseId: string) =>
    (
      await h.ctx.sql.query<{ actor_id: string; fields: string[] }>(
        'SELECT actor_id, fields FROM pii_reads WHERE tenant = $1 AND case_id = $2 ORDER BY at, id',
        [T, caseId],
      )
    ).rows;

  describe('POST /api/v1/cases', () => {
    it('creates a case for staff, with Location, unmasked for a role the policy grants it; a later read is recorded', async () => {
      const res = await submit(actors.gridWorker, noiseReport());
      expect(res.statusCode).toBe(201);
      const body = res.json() as Json;
      expect(res.headers.location).toBe(`/api/v1/cases/${body.id}`);
      expect(body).toMatchObject({
        process: 'gridEscalation',
        state: 'triage',
        version: 1,
        stateName: { zh: '待受理' },
        personalData: 'unmasked',
      });
      expect(body.context.request.reporter).toMatchObject({ name: '张三丰', phone: '13800001234' });
      // The answer to a fresh submission echoes what the caller sent: not a read of stored personal data.
      expect(await piiReads(body.id)).toEqual([]);
      expect((await get(actors.gridWorker, `/api/v1/cases/${body.id}`)).statusCode).toBe(200);
      expect(await piiReads(body.id)).toEqual([
        { actor_id: 'u-grid-1', fields: expect.arrayContaining(['name', 'phone', 'idNumber', 'address']) },
      ]);
    });

    it('lets a resident report for themself: the reporter defaults to the caller, who sees their own data (not recorded)', async () => {
      const { reporter: _reporter, ...rest } = noiseReport();
      const res = await submit(actors.resident, { ...rest, reporter: { name: '张三', phone: '13900002222' } });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json() as Json;
      expect(body.summary.reporterId).toBe('u-resident');
      expect(body.personalData).toBe('own');
      expect(body.context.request.reporter.phone).toBe('13900002222');
      expect(await piiReads(body.id)).toEqual([]);
      // Reporting for someone else is not the resident's to do.
      const other = await submit(actors.resident, noiseReport({ reporter: { id: 'u-resident-2' } }));
      expect(other.statusCode).toBe(403);
      expect(other.json()).toMatchObject({ code: 'permission.denied' });
    });

    it('takes anonymous reports without a token only where the category allows it', async () => {
      const ok = await submit(null, noiseReport({ anonymous: true, reporter: {} }), {}, `?tenant=${T}`);
      expect(ok.statusCode, ok.body).toBe(201);
      expect((ok.json() as Json).summary.reporterId).toMatch(/^anonymous:/);
      const refused = await submit(
        null,
        noiseReport({
          category: 'neighbour_dispute',
          anonymous: true,
          reporter: {},
          attributes: { location: '3号楼', description: '邻居装修噪声扰民' },
        }),
      );
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ code: 'input.invalid', path: '/input/anonymous' });
      expect((await submit(null, noiseReport())).statusCode).toBe(401);
      const matter = await h.request(null, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: { process: 'propertyCoordination', input: { title: 'x' } },
      });
      expect(matter.statusCode).toBe(400);
      const matterValid = await h.request(null, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: {
          process: 'propertyCoordination',
          input: {
            compoundId: 'x-01',
            communityId: 'c-01',
            streetId: 's-01',
            gridId: 'g-01',
            matterType: 'parking',
            title: 't',
            description: 'd',
          },
        },
      });
      expect(matterValid.statusCode).toBe(401);
    });

    it('places a report with coordinates and no units in the grid containing the point', async () => {
      const { units: _units, ...rest } = noiseReport({ location: { lng: 118.305, lat: 33.965 } });
      const res = await submit(actors.otherGridWorker, rest);
      expect(res.statusCode, res.body).toBe(201);
      expect((res.json() as Json).summary.units).toEqual(
        expect.arrayContaining(['grid:g-02', 'community:c-02', 'street:s-02']),
      );
      const { units: _u, ...nowhere } = noiseReport({ location: { lng: 10, lat: 10 } });
      const lost = await submit(actors.otherGridWorker, nowhere);
      expect(lost.statusCode).toBe(400);
      expect(lost.json()).toMatchObject({ path: '/input/units' });
    });

    it('returns the first case for a retried submission with the same Idempotency-Key (per caller)', async () => {
      const key = { 'idempotency-key': 'retry-0001-abcdef' };
      const first = await submit(actors.gridWorker, noiseReport({ title: '重复提交' }), key);
      const again = await submit(actors.gridWorker, noiseReport({ title: '重复提交' }), key);
      expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect((again.json() as Json).id).toBe((first.json() as Json).id);
      const someoneElse = await submit(actors.gridWorker2, noiseReport({ title: '重复提交' }), key);
      expect(someoneElse.statusCode).toBe(201);
      expect((someoneElse.json() as Json).id).not.toBe((first.json() as Json).id);
      expect((await submit(actors.gridWorker, noiseReport(), { 'idempotency-key': 'short' })).json()).toMatchObject({
        code: 'header.invalid',
      });
    });

    const casesTitled = async (title: string) =>
      Number(
        (
          await h.ctx.sql.query<{ n: number | string }>(
            'SELECT count(*) AS n FROM cases WHERE tenant = $1 AND title = $2',
            [T, title],
          )
        ).rows[0]!.n,
      );

    it('refuses an Idempotency-Key reused with another body (422); the same body in another key order replays', async () => {
      const key = { 'idempotency-key': `reuse-${engine}-0001` };
      const first = await submit(actors.gridWorker, noiseReport({ title: '幂等 原文' }), key);
      expect(first.statusCode, first.body).toBe(201);
      const other = await submit(actors.gridWorker, noiseReport({ title: '幂等 改过' }), key);
      expect(other.statusCode, other.body).toBe(422);
      expect(other.json()).toMatchObject({
        code: 'idempotency.key_reused',
        message_zh: expect.stringContaining('幂等键'),
        message_en: expect.stringContaining('Idempotency-Key'),
        path: '/headers/idempotency-key',
      });
      expect(await casesTitled('幂等 改过')).toBe(0);
      // The same content with its keys in another order is the same body.
      const reordered = Object.fromEntries(Object.entries(noiseReport({ title: '幂等 原文' })).reverse());
      const again = await h.request(actors.gridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: { input: reordered, process: 'gridEscalation' },
        headers: key,
      });
      expect(again.statusCode, again.body).toBe(200);
      expect((again.json() as Json).id).toBe((first.json() as Json).id);
    });

    it('keeps anonymous callers apart: a key reused by another anonymous caller with another body is a new case', async () => {
      const key = { 'idempotency-key': `anon-${engine}-shared-key` };
      const mine = noiseReport({
        anonymous: true,
        title: '匿名甲 楼道堆物',
        description: '甲的描述 3 号楼',
        reporter: { name: '匿名甲', phone: '13700007777' },
        location: { lng: 118.276, lat: 33.966 },
      });
      const theirs = noiseReport({
        anonymous: true,
        title: '匿名乙 夜间噪声',
        description: '乙的描述',
        reporter: { name: '匿名乙', phone: '13600006666' },
      });
      const a = await submit(null, mine, key, `?tenant=${T}`);
      expect(a.statusCode, a.body).toBe(201);
      const b = await submit(null, theirs, key, `?tenant=${T}`);
      expect(b.statusCode, b.body).toBe(201);
      expect((b.json() as Json).id).not.toBe((a.json() as Json).id);
      for (const secret of ['匿名甲', '甲的描述', '13700007777', '118.276']) expect(b.body).not.toContain(secret);
      // A retry of the first report, body and key alike, is still the first case.
      const retry = await submit(null, mine, key, `?tenant=${T}`);
      expect(retry.statusCode, retry.body).toBe(200);
      expect((retry.json() as Json).id).toBe((a.json() as Json).id);
      expect(await casesTitled('匿名甲 楼道堆物')).toBe(1);
      // A signed-in caller with the same key owns a key of their own.
      const staff = await submit(actors.gridWorker, noiseReport({ ...mine, anonymous: false }), key);
      expect(staff.statusCode, staff.body).toBe(201);
    });

    it('answers 409 while a request with the key is in flight, takes over a key whose request died, and frees a failed one', async () => {
      const body = { process: 'gridEscalation', input: noiseReport({ title: '幂等 处理中' }) };
      const key = `flight-${engine}-0001`;
      // Another server process has inserted the key and is still submitting.
      const pending = async (updatedAt: number) =>
        h.ctx.sql.query(
          `INSERT INTO idempotency_keys (tenant, scope, key, request_hash, status, claim, case_id, created_at, updated_at)
           VALUES ($1, $2, $3, $4, 'pending', 'other-process', NULL, $5, $5)`,
          [T, `caller:${actors.gridWorker.id}`, key, requestHash(body), updatedAt],
        );
      await pending(Date.now());
      const busy = await submit(actors.gridWorker, body.input, { 'idempotency-key': key });
      expect(busy.statusCode, busy.body).toBe(409);
      expect(busy.json()).toMatchObject({ code: 'idempotency.in_flight', message_zh: expect.any(String) });
      expect(await casesTitled('幂等 处理中')).toBe(0);
      // Its process died long ago (by the real clock, whatever the demo clock says): this request takes over.
      await h.ctx.sql.query('UPDATE idempotency_keys SET updated_at = $1 WHERE tenant = $2 AND key = $3', [
        Date.now() - STALE_AFTER_MS - 1_000,
        T,
        key,
      ]);
      const taken = await submit(actors.gridWorker, body.input, { 'idempotency-key': key });
      expect(taken.statusCode, taken.body).toBe(201);
      const replay = await submit(actors.gridWorker, body.input, { 'idempotency-key': key });
      expect([replay.statusCode, (replay.json() as Json).id]).toEqual([200, (taken.json() as Json).id]);
      expect(await casesTitled('幂等 处理中')).toBe(1);

      // A refused submission leaves no key behind: corrected, it may use the key again.
      const failedKey = { 'idempotency-key': `failed-${engine}-0001` };
      const refused = await submit(
        actors.gridWorker,
        noiseReport({ title: '幂等 修正', category: 'no-such' }),
        failedKey,
      );
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expect(refused.statusCode).toBeLessThan(500);
      const fixed = await submit(actors.gridWorker, noiseReport({ title: '幂等 修正' }), failedKey);
      expect(fixed.statusCode, fixed.body).toBe(201);
    });
  });

  describe('GET /api/v1/cases and reading one case', () => {
    let filed: Json;
    beforeAll(async () => {
      const a = (await submit(actors.gridWorker, noiseReport({ title: '列表测试 路灯不亮' }))).json() as Json;
      filed = (await command(actors.communityStaff, a.id, 'case.triage.file', 1)).json() as Json;
      await submit(
        actors.otherGridWorker,
        noiseReport({ title: '列表测试 二网格', units: { grid: 'g-02', community: 'c-02', street: 's-02' } }),
      );
    });

    it('restricts the list to what the caller may see, in the query itself', async () => {
      const mine = (await get(actors.gridWorker, '/api/v1/cases?limit=200')).json() as Json;
      expect(mine.items.length).toBeGreaterThan(0);
      expect(mine.items.every((c: Json) => c.summary.units.includes('grid:g-01'))).toBe(true);
      const theirs = (await get(actors.otherGridWorker, '/api/v1/cases?limit=200')).json() as Json;
      expect(theirs.items.every((c: Json) => c.summary.units.includes('grid:g-02'))).toBe(true);
      const resident = (await get(actors.resident, '/api/v1/cases?limit=200')).json() as Json;
      expect(resident.items.length).toBeGreaterThan(0);
      expect(resident.items.every((c: Json) => c.summary.reporterId === 'u-resident')).toBe(true);
      const nobody = (await get({ id: 'u-x', roles: ['no_such_role'], units: [] }, '/api/v1/cases')).json() as Json;
      expect(nobody).toEqual({ items: [], nextCursor: null });
      // No personal data in lists.
      expect(JSON.stringify(mine)).not.toContain('13800001234');
    });

    it('filters by state, level, unit, category, text, process, open and mine', async () => {
      const q = async (query: string) =>
        ((await get(actors.dispatcher, `/api/v1/cases?limit=200&${query}`)).json() as Json).items as Json[];
      expect((await q('state=handling')).map((c) => c.id)).toContain(filed.id);
      expect((await q('state=triage')).map((c) => c.id)).not.toContain(filed.id);
      expect((await q('state=triage,handling')).map((c) => c.id)).toContain(filed.id);
      expect((await q('level=grid')).every((c) => c.summary.level === 'grid')).toBe(true);
      expect((await q('unit=grid:g-01')).every((c) => c.summary.units.includes('grid:g-01'))).toBe(true);
      expect((await q('category=noise')).length).toBeGreaterThan(0);
      expect(await q('category=road_damage')).toEqual([]);
      expect((await q(`text=${encodeURIComponent('路灯')}`)).map((c) => c.title ?? c.summary.title)).toEqual([
        '列表测试 路灯不亮',
      ]);
      expect((await q('process=propertyCoordination')).length).toBe(0);
      expect((await q('open=true')).every((c) => c.summary.open)).toBe(true);
      expect((await q('overdue=false')).length).toBeGreaterThan(0);
      expect(await q('overdue=true')).toEqual([]);
      const mine = (await get(actors.resident, '/api/v1/cases?mine=true&limit=200')).json() as Json;
      expect(mine.items.every((c: Json) => c.summary.reporterId === 'u-resident')).toBe(true);
    });

    it('sorts by deadline (earliest first, none last) and pages with a cursor, without losing or repeating rows', async () => {
      const all = ((await get(actors.dispatcher, '/api/v1/cases?limit=200')).json() as Json).items as Json[];
      const dues = all.map((c) => c.nextDueAt ?? Number.MAX_SAFE_INTEGER);
      expect(dues).toEqual([...dues].sort((a, b) => a - b));
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page = (
          await get(actors.dispatcher, `/api/v1/cases?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
        ).json() as Json;
        expect(page.items.length).toBeLessThanOrEqual(2);
        paged.push(...page.items.map((c: Json) => c.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(all.map((c) => c.id));
      const created = ((await get(actors.dispatcher, '/api/v1/cases?sort=created&order=asc&limit=200')).json() as Json)
        .items as Json[];
      expect(created.map((c) => c.createdAt)).toEqual([...created.map((c) => c.createdAt)].sort((a, b) => a - b));
      expect((await get(actors.dispatcher, '/api/v1/cases?cursor=nonsense')).json()).toMatchObject({
        code: 'query.invalid_cursor',
      });
      expect((await get(actors.dispatcher, '/api/v1/cases?limit=0')).json()).toMatchObject({
        code: 'query.invalid',
        path: '/limit',
      });
      expect((await get(actors.dispatcher, '/api/v1/cases?colour=red')).statusCode).toBe(400);
    });

    it('masks personal data for roles without the grant and records every unmasked read', async () => {
      const before = (await piiReads(filed.id)).length;
      const byWorker = async () => (await piiReads(filed.id)).filter((r) => r.actor_id === 'u-grid-1');
      const workerBefore = (await byWorker()).length;
      const leader = (await get(actors.leader, `/api/v1/cases/${filed.id}`)).json() as Json;
      expect(leader.personalData).toBe('masked');
      expect(leader.context.request.reporter).toMatchObject({
        id: 'u-resident',
        name: '张**',
        phone: '138****1234',
        idNumber: '110***********1234',
        address: '幸福小区3号****',
      });
      expect((await piiReads(filed.id)).length).toBe(before);
      const worker = (await get(actors.gridWorker, `/api/v1/cases/${filed.id}`)).json() as Json;
      expect(worker.context.request.reporter.phone).toBe('13800001234');
      const reads = await piiReads(filed.id);
      expect(reads.length).toBe(before + 1);
      const worker1 = await byWorker();
      expect(worker1.length).toBe(workerBefore + 1);
      expect(worker1[worker1.length - 1]!.fields).toEqual(['name', 'phone', 'idNumber', 'address']);
      // The audit trail, for staff who see the whole tenant.
      const audit = (await get(actors.assessor, `/api/v1/cases/${filed.id}/pii-reads`)).json() as Json;
      expect(audit.items).toContainEqual(
        expect.objectContaining({
          caseId: filed.id,
          actorId: 'u-grid-1',
          fields: ['name', 'phone', 'idNumber', 'address'],
        }),
      );
      expect((await get(actors.gridWorker, `/api/v1/cases/${filed.id}/pii-reads`)).statusCode).toBe(403);
    });

    it('answers 404 for a case the caller may not see, and for one that does not exist', async () => {
      expect((await get(actors.otherGridWorker, `/api/v1/cases/${filed.id}`)).json()).toMatchObject({
        code: 'case.not_found',
      });
      expect((await get(actors.gridWorker, '/api/v1/cases/no-such-case')).statusCode).toBe(404);
      expect((await get(actors.gridWorker, `/api/v1/cases/${'x'.repeat(200)}`)).statusCode).toBe(400);
      expect((await get(null, `/api/v1/cases/${filed.id}`)).statusCode).toBe(401);
    });

    it('gives the history with rule explanations in the caller’s language, masked as the case', async () => {
      const en = (await get(actors.leader, `/api/v1/cases/${filed.id}/history?lang=en`)).json() as Json;
      expect(en.items.map((e: Json) => e.command)).toEqual(['case.submit', 'case.triage.file']);
      const routing = en.items[1].decisions[0];
      expect(routing.rule).toMatch(/^routing:/);
      expect(routing.explanation).toMatch(/sent to Grid/);
      expect(en.items[0].input.reporter.phone).toBe('138****1234');
      const zh = (await get(actors.gridWorker, `/api/v1/cases/${filed.id}/history`)).json() as Json;
      expect(zh.items[1].decisions[0].explanation).toMatch(/派往网格/);
      expect(zh.items[1].commandName).toBe('立案');
      expect((await get(actors.gridWorker, `/api/v1/cases/${filed.id}/history?lang=fr`)).statusCode).toBe(400);
    });

    it('lists the commands the caller may give now, with their input schemas', async () => {
      const staff = (await get(actors.gridWorker, `/api/v1/cases/${filed.id}/commands`)).json() as Json;
      expect(staff.version).toBe(filed.version);
      expect(staff.commands.map((c: Json) => c.type)).toEqual(expect.arrayContaining(['case.sign', 'case.return']));
      expect(staff.commands.find((c: Json) => c.type === 'case.sign').inputSchema).toMatchObject({ type: 'object' });
      const resident = (await get(actors.resident, `/api/v1/cases/${filed.id}/commands`)).json() as Json;
      expect(resident.commands).toEqual([]);
    });

    it('offers the handler verification as unavailable, with the reason in both languages; others may give it', async () => {
      let c = (await submit(actors.gridWorker, noiseReport())).json() as Json;
      c = (await command(actors.communityStaff, c.id, 'case.triage.file', c.version)).json() as Json;
      for (const [type, input] of [
        ['case.sign', {}],
        ['case.contact', { method: 'phone' }],
        ['case.start', {}],
        ['case.feedback', { note: '已协调停工', resolved: true }],
      ] as const) {
        c = (await command(actors.gridWorker, c.id, type, c.version, input)).json() as Json;
      }
      const handler = (await get(actors.gridWorker, `/api/v1/cases/${c.id}/commands`)).json() as Json;
      const pass = handler.commands.find((x: Json) => x.type === 'case.verify.pass');
      expect(pass).toMatchObject({ available: false, reason: { zh: expect.stringContaining('核查人回避') } });
      expect(pass.reason.en).toMatch(/Verifier is not the handler/);
      const refused = await command(actors.gridWorker, c.id, 'case.verify.pass', c.version);
      expect(refused.statusCode).toBe(422);
      expect((refused.json() as Json).code).toBe('command.refused');
      const other = (await get(actors.gridWorker2, `/api/v1/cases/${c.id}/commands`)).json() as Json;
      const byOther = other.commands.find((x: Json) => x.type === 'case.verify.pass');
      expect(byOther).toMatchObject({ available: true });
      expect(byOther.reason).toBeUndefined();
    });
  });

  describe('POST /api/v1/cases/{id}/commands', () => {
    it('applies a command, and refuses stale versions (409), the wrong state (409), the wrong role (403), bad input (400)', async () => {
      const c = (await submit(actors.gridWorker, noiseReport())).json() as Json;
      const filed = await command(actors.communityStaff, c.id, 'case.triage.file', 1, { note: '受理' });
      expect(filed.statusCode).toBe(200);
      expect(filed.json()).toMatchObject({ state: 'handling.dispatched', version: 2 });
      expect((await command(actors.gridWorker, c.id, 'case.sign', 1)).json()).toMatchObject({
        code: 'case.conflict',
        path: '/expectedVersion',
      });
      expect((await command(actors.gridWorker, c.id, 'case.sign', 1)).statusCode).toBe(409);
      const closing = await command(actors.communityStaff, c.id, 'case.close', 2);
      expect(closing.statusCode).toBe(409);
      expect(closing.json()).toMatchObject({ code: 'command.not_allowed_in_state' });
      expect((await command(actors.resident, c.id, 'case.sign', 2)).json()).toMatchObject({
        code: 'permission.denied',
      });
      expect((await command(actors.otherGridWorker, c.id, 'case.sign', 2)).statusCode).toBe(404);
      const bad = await command(actors.gridWorker, c.id, 'case.return', 2, { reason: 'bored', note: '' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ code: 'input.invalid', path: '/input/reason' });
      const internal = await command(actors.gridWorker, c.id, 'deadline.due', 2, { deadlineId: 'x', kind: 'handle' });
      expect(internal.json()).toMatchObject({ path: '/type' });
      expect(internal.statusCode).toBe(400);
      const missing = await h.request(actors.gridWorker, {
        method: 'POST',
        url: `/api/v1/cases/${c.id}/commands`,
        payload: { type: 'case.sign' },
      });
      expect(missing.json()).toMatchObject({ code: 'input.invalid', path: '/expectedVersion' });
      const signed = await command(actors.gridWorker, c.id, 'case.sign', 2);
      expect(signed.json()).toMatchObject({ state: 'handling.signed', version: 3 });
    });

    it('records the unmasked read of a command’s answer with the command, and none for a refused command', async () => {
      const c = (await submit(actors.gridWorker, noiseReport())).json() as Json;
      expect(await piiReads(c.id)).toEqual([]);
      const filed = await command(actors.communityStaff, c.id, 'case.triage.file', 1);
      expect(filed.json()).toMatchObject({ version: 2, personalData: 'unmasked' });
      expect(await piiReads(c.id)).toEqual([{ actor_id: 'u-comm', fields: expect.arrayContaining(['phone']) }]);
      // Refused (stale version, wrong state): nothing answered, nothing recorded, nothing written.
      expect((await command(actors.gridWorker, c.id, 'case.sign', 1)).statusCode).toBe(409);
      expect((await command(actors.communityStaff, c.id, 'case.close', 2)).statusCode).toBe(409);
      expect(await piiReads(c.id)).toHaveLength(1);
      const signed = await command(actors.gridWorker, c.id, 'case.sign', 2);
      expect(signed.json().context.request.reporter.phone).toBe('13800001234');
      const reads = await piiReads(c.id);
      // Both reads may carry the same time (the tests' clock stands still): compare them as a set.
      expect(reads.map((r) => r.actor_id).sort()).toEqual(['u-comm', 'u-grid-1']);
      const history = (await h.ctx.store.history(T, c.id)).map((e) => e.command);
      expect(history).toEqual(['case.submit', 'case.triage.file', 'case.sign']);
    });

    it('answers a caller who loses sight of the case after a command with the list view only', async () => {
      const c = (await submit(actors.gridWorker, noiseReport())).json() as Json;
      await command(actors.communityStaff, c.id, 'case.triage.file', 1);
      // Community staff re-dispatch away from the grid: they keep seeing it (still their community).
      const moved = await command(actors.communityStaff, c.id, 'case.dispatch', 2, {
        level: 'department',
        department: 'urban_management',
      });
      expect(moved.statusCode).toBe(200);
      expect((moved.json() as Json).context).toBeDefined();
      const liaison = await command(actors.liaison, c.id, 'case.sign', 3);
      expect(liaison.statusCode).toBe(200);
    });
  });

  describe('GET /api/v1/cases/duplicates', () => {
    it('suggests open cases of the category nearby, only those the caller may see', async () => {
      const first = (
        await submit(actors.gridWorker, noiseReport({ title: '重复件原件', location: { lng: 118.2751, lat: 33.9651 } }))
      ).json() as Json;
      const seen = (
        await get(actors.gridWorker, '/api/v1/cases/duplicates?category=noise&lng=118.2752&lat=33.9652')
      ).json() as Json;
      expect(seen.items.map((s: Json) => s.caseId)).toContain(first.id);
      expect(seen.items[0]).toMatchObject({ distanceMeters: expect.any(Number), score: expect.any(Number) });
      const hidden = (
        await get(actors.otherGridWorker, '/api/v1/cases/duplicates?category=noise&lng=118.2752&lat=33.9652')
      ).json() as Json;
      expect(hidden.items.map((s: Json) => s.caseId)).not.toContain(first.id);
      expect((await get(actors.gridWorker, '/api/v1/cases/duplicates?lng=1')).statusCode).toBe(400);
      expect((await get(actors.gridWorker, '/api/v1/cases/duplicates?category=noise&lng=118.2')).statusCode).toBe(400);
    });
  });
});
