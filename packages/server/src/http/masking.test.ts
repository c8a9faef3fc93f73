import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultPolicy, type Actor } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';
import { maskPersonalData } from './privacy.js';

/**
 * Personal data is masked everywhere a caller who may not see it reads: the case, its history (actors, inputs,
 * comments, the explanations of rule decisions), lists, the export and live events. The test walks every read
 * endpoint's JSON as each role that may read the case but not its personal data, and fails on the reporter's
 * real name, phone, ID number or address anywhere in it; ids stay as they are.
 */

const [T] = TENANTS;
type Json = Record<string, any>;

const NAME = '欧阳明远';
const PHONE = '13912345678';
const ID_NUMBER = '110101198807071234';
const ADDRESS = '和谐小区7号楼1单元302室';
const SECRETS = [NAME, PHONE, ID_NUMBER, ADDRESS];

/** The reporter reports for themself: their token carries their name, so they are the actor of `case.submit`. */
const reporter: Actor = { id: 'u-masked-reporter', name: NAME, roles: ['resident'], units: [] };

const policy = createDefaultPolicy();
/** Roles that may read a grid case of street s-01 but are not granted its personal data. */
const MASKED: Record<string, Actor> = {
  assessor: actors.assessor,
  street_leader: actors.leader,
  external_platform: actors.platform,
};

describe.each(ENGINES)('personal data masked on every read, on %s', (engine) => {
  let h: Harness;
  let base: string;
  let caseId: string;
  beforeAll(async () => {
    h = await startHarness(engine);
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const submitted = await h.request(reporter, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: {
        process: 'gridEscalation',
        input: noiseReport({
          title: `夜间施工噪声，回电 ${PHONE}`,
          description: `${NAME}反映：工地夜间施工，住址${ADDRESS}，身份证${ID_NUMBER}`,
          reporter: { name: NAME, phone: PHONE, idNumber: ID_NUMBER, address: ADDRESS },
        }),
      },
    });
    expect(submitted.statusCode, submitted.body).toBe(201);
    caseId = (submitted.json() as Json).id as string;
    // Staff quote the reporter in their comments.
    const give = async (as: Actor, type: string, input: Json) => {
      const version = ((await h.ctx.store.getCase(T, caseId)) ?? { version: 0 }).version;
      const res = await h.request(as, {
        method: 'POST',
        url: `/api/v1/cases/${caseId}/commands`,
        payload: { type, input, expectedVersion: version },
      });
      expect(res.statusCode, res.body).toBe(200);
    };
    await give(actors.communityStaff, 'case.triage.file', { note: `已电话联系${NAME}（${PHONE}）` });
    await give(actors.secretary, 'case.remind', { note: `请尽快处理${NAME}的诉求` });
  });
  afterAll(async () => {
    await h?.close();
  });

  const leaks = (body: string): string[] => SECRETS.filter((s) => body.includes(s));

  it('the roles under test may read the case and are not granted personal data', () => {
    for (const [role, actor] of Object.entries(MASKED)) {
      expect(actor.roles).toEqual([role]);
      expect(policy.privacy.unmaskedRoles).not.toContain(role);
    }
  });

  it('case, history (zh, en), commands, list and duplicates show no personal data to roles without the grant', async () => {
    const failures: string[] = [];
    for (const [role, actor] of Object.entries(MASKED)) {
      for (const url of [
        `/api/v1/cases/${caseId}`,
        `/api/v1/cases/${caseId}/history?lang=zh`,
        `/api/v1/cases/${caseId}/history?lang=en`,
        `/api/v1/cases/${caseId}/commands`,
        '/api/v1/cases?limit=200&sort=created&order=desc',
        '/api/v1/cases/duplicates?category=noise',
      ]) {
        const res = await h.request(actor, { method: 'GET', url });
        if (res.statusCode !== 200) failures.push(`${role} ${url}: ${res.statusCode}`);
        const found = leaks(res.body);
        if (found.length > 0) failures.push(`${role} ${url}: shows ${found.join(', ')}`);
      }
    }
    expect(failures).toEqual([]);

    // What is masked is still there, masked, and the ids are intact.
    const history = (
      await h.request(actors.assessor, { method: 'GET', url: `/api/v1/cases/${caseId}/history` })
    ).json() as Json;
    const submit = history.items.find((e: Json) => e.command === 'case.submit');
    expect(submit.actor).toMatchObject({ id: reporter.id, name: '欧***' });
    expect(submit.input.reporter).toMatchObject({ name: '欧***', phone: '139****5678' });
    expect(history.items.find((e: Json) => e.command === 'case.triage.file').input.note).toBe(
      '已电话联系欧***（139****5678）',
    );
    const detail = (await h.request(actors.leader, { method: 'GET', url: `/api/v1/cases/${caseId}` })).json() as Json;
    expect(detail).toMatchObject({ id: caseId, personalData: 'masked', summary: { reporterId: reporter.id } });
    expect(detail.summary.title).toBe('夜间施工噪声，回电 139****5678');
  });

  it('those granted it, and the reporter, still see it all', async () => {
    for (const actor of [actors.communityStaff, reporter]) {
      const history = await h.request(actor, { method: 'GET', url: `/api/v1/cases/${caseId}/history` });
      expect(leaks(history.body).sort()).toEqual([...SECRETS].sort());
      const detail = await h.request(actor, { method: 'GET', url: `/api/v1/cases/${caseId}` });
      expect(detail.body).toContain(NAME);
      expect(detail.body).toContain(PHONE);
    }
  });

  it('the export to policy editors masks actors, inputs and comments, and keeps ids', async () => {
    const res = await h.request(actors.editor, { method: 'GET', url: '/api/v1/export/cases?limit=100' });
    expect(res.statusCode, res.body).toBe(200);
    expect(leaks(res.body)).toEqual([]);
    const item = (res.json() as Json).items.find((i: Json) => i.id === caseId);
    expect(item.summary.reporterId).toBe(reporter.id);
    expect(item.history[0].actor.id).toBe(reporter.id);
  });

  it('live events carry no personal data to roles without the grant', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/events`, {
      headers: { authorization: `Bearer ${await h.token(actors.leader)}` },
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const version = (await h.ctx.store.getCase(T, caseId))!.version;
    const sent = await h.request(actors.secretary, {
      method: 'POST',
      url: `/api/v1/cases/${caseId}/commands`,
      payload: { type: 'case.remind', input: { note: '再次催办' }, expectedVersion: version },
    });
    expect(sent.statusCode, sent.body).toBe(200);
    try {
      while (!text.includes(`"caseId":"${caseId}"`)) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } finally {
      controller.abort();
    }
    expect(text).toContain(caseId);
    expect(leaks(text)).toEqual([]);
    expect(text).toContain('139****5678');
  });
});

describe('maskPersonalData', () => {
  it('masks reporter fields, protected actors and their values in any text; leaves ids and staff names', () => {
    const value = {
      caseId: 'c-13912345678',
      reporterId: 'u-13912345678',
      actor: { id: 'u-1', roles: ['resident'], name: '张三丰' },
      staff: { id: 'u-2', roles: ['grid_worker'], name: '网格员甲' },
      reporter: { id: 'u-1', name: '张三丰', phone: '13800001234' },
      notes: ['张三丰来电', '另一号码 13700001111，身份证 11010119900101123X'],
    };
    const { value: masked, revealed } = maskPersonalData(value, {
      reveal: false,
      isStaff: (a) => a.roles.includes('grid_worker'),
      reporterId: 'u-1',
    });
    expect(masked).toEqual({
      caseId: 'c-13912345678',
      reporterId: 'u-13912345678',
      actor: { id: 'u-1', roles: ['resident'], name: '张**' },
      staff: { id: 'u-2', roles: ['grid_worker'], name: '网格员甲' },
      reporter: { id: 'u-1', name: '张**', phone: '138****1234' },
      notes: ['张**来电', '另一号码 137****1111，身份证 110***********123X'],
    });
    expect(revealed.sort()).toEqual(['name', 'phone']);
    // Revealed: an equal copy, not the same object.
    const shown = maskPersonalData(value, { reveal: true });
    expect(shown.value).toEqual(value);
    expect(shown.value).not.toBe(value);
  });
});
