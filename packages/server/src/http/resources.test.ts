import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import { createAttachmentStore } from '../attachments/index.js';
import { buildHttpApp } from './app.js';
import { actors, ENGINES, noiseReport, parkingMatter, startHarness, TENANTS, type Harness } from './harness.js';

/** Evaluations and revisits, three-party meetings, and attachments. */

const [T] = TENANTS;
const DAY = 86_400_000;
type Json = Record<string, any>;

/** A 1×1 PNG. */
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001' +
    '0d0a2db40000000049454e44ae426082',
  'hex',
);

/** A multipart/form-data body. */
function multipart(
  fields: Record<string, string>,
  file?: { name?: string; filename: string; type: string; data: Buffer },
) {
  const boundary = `----gridflow${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.name ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
    );
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describe.each(ENGINES)('evaluations, meetings and attachments on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = async (as: Actor | null, url: string, payload: Json) => {
    const res = await h.request(as, { method: 'POST', url, payload });
    return { status: res.statusCode, body: res.json() as Json };
  };
  /** Gives a convenience-route command with the case's current version. */
  const act = async (as: Actor, url: string, id: string, input: Json = {}) => {
    const version = (await h.ctx.store.getCase(T, id))!.version;
    const res = await post(as, url.replace(':id', id), { ...input, expectedVersion: version });
    expect(res.status, `${url} ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
    return res.body;
  };
  const gridCase = async () =>
    (await post(actors.gridWorker, '/api/v1/cases', { process: 'gridEscalation', input: noiseReport() })).body;
  const evaluation = async (unit = 'grid:g-01') => {
    const subject = await gridCase();
    const res = await post(actors.resident, '/api/v1/evaluations', {
      subjectCaseId: subject.id,
      subjectProcess: 'gridEscalation',
      evaluatorKind: 'resident',
      evaluatorId: 'u-resident',
      reporterId: 'u-resident',
      unit,
      subjectUnits: ['grid:g-01', 'community:c-01', 'street:s-01'].filter((u) => u !== unit),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  describe('evaluations and revisits', () => {
    it('rates a response, and a rated unit appeals to an assessor', async () => {
      const e = await evaluation('community:c-01');
      expect(e.state).toBe('awaitingRating');
      expect(
        (
          await act(actors.resident, '/api/v1/evaluations/:id/rating', e.id, {
            rating: 'unsatisfied',
            solved: false,
            reason: 'not_solved',
            controllable: false,
          })
        ).state,
      ).toBe('rated.standing');
      expect(
        (await act(actors.secretary, '/api/v1/evaluations/:id/appeal', e.id, { reason: '诉求超出职责范围' })).state,
      ).toBe('rated.appealed');
      const decided = await act(actors.assessor, '/api/v1/evaluations/:id/appeal/decision', e.id, {
        upheld: true,
        note: '确属超范围',
        correctedRating: 'basically_satisfied',
      });
      expect(decided.state).toBe('rated.standing');
      expect(decided.context.countedRating).toBe('basically_satisfied');
    });

    it('records revisit attempts and an unreachable requester', async () => {
      const e = await evaluation();
      expect(
        (
          await act(actors.communityStaff, '/api/v1/evaluations/:id/revisits', e.id, {
            channel: 'phone',
            reached: false,
            note: '无人接听',
          })
        ).state,
      ).toBe('awaitingRating');
      expect(
        (await act(actors.communityStaff, '/api/v1/evaluations/:id/unreachable', e.id, { note: '三次未接' })).state,
      ).toBe('unreachable');
    });

    it('requests an exclusion and has it approved; proposes a public notice and has it approved', async () => {
      const e = await evaluation();
      await act(actors.secretary, '/api/v1/evaluations/:id/exclusion', e.id, { reason: '不属于受理范围' });
      expect(
        (await act(actors.assessor, '/api/v1/evaluations/:id/exclusion/decision', e.id, { approved: true })).state,
      ).toBe('excluded');
      const n = await evaluation();
      await act(actors.resident, '/api/v1/evaluations/:id/rating', n.id, {
        rating: 'unsatisfied',
        solved: false,
        reason: 'other',
        controllable: false,
      });
      expect(
        (await act(actors.leader, '/api/v1/evaluations/:id/notice', n.id, { reason: '无正当理由未整改' })).state,
      ).toBe('rated.noticeProposed');
      expect(
        (await act(actors.assessor, '/api/v1/evaluations/:id/notice/decision', n.id, { approved: true })).context.notice
          .status,
      ).toBe('published');
    });

    it('refuses a case of another process, bad bodies and missing rights', async () => {
      const g = await gridCase();
      expect(
        await post(actors.resident, `/api/v1/evaluations/${g.id}/rating`, {
          rating: 'satisfied',
          solved: true,
          expectedVersion: 1,
        }),
      ).toMatchObject({ status: 404, body: { code: 'evaluation.not_found' } });
      const e = await evaluation();
      expect(
        (await post(actors.resident, `/api/v1/evaluations/${e.id}/rating`, { rating: 'satisfied', expectedVersion: 1 }))
          .body,
      ).toMatchObject({ code: 'input.invalid', path: '/solved' });
      expect(
        (await post(actors.resident, `/api/v1/evaluations/${e.id}/rating`, { rating: 'satisfied', solved: true })).body,
      ).toMatchObject({ path: '/expectedVersion' });
      expect(
        (
          await post(actors.otherResident, `/api/v1/evaluations/${e.id}/rating`, {
            rating: 'satisfied',
            solved: true,
            expectedVersion: 1,
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await post(actors.gridWorker, `/api/v1/evaluations/${e.id}/appeal/decision`, {
            upheld: true,
            note: 'x',
            expectedVersion: 1,
          })
        ).status,
        // The grid worker's rows are for grid cases: they open no evaluation, though it lies in the same grid.
      ).toBe(404);
    });
  });

  describe('three-party meetings', () => {
    const raise = async () => {
      const res = await post(actors.owners, '/api/v1/matters', parkingMatter());
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    /** Each party records its own presence (the convener for the community). */
    const attendAll = async (id: string) => {
      await act(actors.secretary, '/api/v1/matters/:id/meeting/attendance', id, { party: 'community' });
      await act(actors.owners, '/api/v1/matters/:id/meeting/attendance', id, { party: 'owners_committee' });
      await act(actors.property, '/api/v1/matters/:id/meeting/attendance', id, { party: 'property_company' });
    };
    /** The server clock moves to the meeting time (demo mode). */
    const toMeeting = (meetingAt: number) => h.ctx.clock.advance(Math.max(0, meetingAt - h.ctx.clock.now()));

    it('schedules, confirms, holds, resolves, signs, implements, publicises and verifies', async () => {
      const m = await raise();
      await act(actors.secretary, '/api/v1/matters/:id/triage/consult', m.id);
      await act(actors.secretary, '/api/v1/matters/:id/preconsultation/done', m.id, { note: '已与各方沟通' });
      const meetingAt = h.ctx.clock.now() + 4 * DAY;
      const scheduled = await act(actors.secretary, '/api/v1/matters/:id/meeting', m.id, {
        meetingAt,
        invited: ['department:urban_management'],
        place: '社区会议室',
      });
      expect(scheduled.state).toBe('confirming');
      await act(actors.secretary, '/api/v1/matters/:id/meeting/confirm', m.id, { party: 'community' });
      await act(actors.owners, '/api/v1/matters/:id/meeting/confirm', m.id, { party: 'owners_committee' });
      await act(actors.property, '/api/v1/matters/:id/meeting/confirm', m.id, { party: 'property_company' });
      await act(actors.liaison, '/api/v1/matters/:id/meeting/confirm', m.id, { party: 'department:urban_management' });
      // Finding 2: a meeting cannot be held 96 hours before its time; the refusal says why, in words.
      const early = await post(actors.secretary, `/api/v1/matters/${m.id}/meeting/hold`, {
        expectedVersion: (await h.ctx.store.getCase(T, m.id))!.version,
      });
      expect(early).toMatchObject({ status: 422, body: { code: 'command.refused' } });
      expect(early.body.message_zh).toContain('距会议开始 96 小时');
      expect(early.body.message_en).toContain('meeting time reached');
      toMeeting(meetingAt);
      await attendAll(m.id);
      await act(actors.liaison, '/api/v1/matters/:id/meeting/attendance', m.id, {
        party: 'department:urban_management',
      });
      expect((await act(actors.secretary, '/api/v1/matters/:id/meeting/hold', m.id)).state).toBe('deliberation');
      expect(
        (
          await act(actors.secretary, '/api/v1/matters/:id/resolution', m.id, {
            decision: '按楼栋摇号分配车位',
            votes: { community: 'yes', owners_committee: 'yes', property_company: 'no' },
          })
        ).state,
      ).toBe('signing');
      await act(actors.secretary, '/api/v1/matters/:id/minutes/signatures', m.id, { party: 'community' });
      await act(actors.owners, '/api/v1/matters/:id/minutes/signatures', m.id, { party: 'owners_committee' });
      await act(actors.property, '/api/v1/matters/:id/minutes/signatures', m.id, { party: 'property_company' });
      // Finding 4: the department present signs for itself (it was 403 and the secretary signed for it).
      expect(
        (
          await act(actors.liaison, '/api/v1/matters/:id/minutes/signatures', m.id, {
            party: 'department:urban_management',
          })
        ).state,
      ).toBe('implementation');
      await act(actors.secretary, '/api/v1/matters/:id/actions', m.id, {
        id: 'a-1',
        party: 'property_company',
        title: '重新划线',
      });
      await act(actors.property, '/api/v1/matters/:id/actions/a-1/done', m.id, { note: '已完成' });
      expect((await act(actors.secretary, '/api/v1/matters/:id/publicity', m.id, { note: '公示七天' })).state).toBe(
        'publicised',
      );
      expect((await act(actors.secretary, '/api/v1/matters/:id/verification', m.id, { passed: true })).state).toBe(
        'closed',
      );
      // Finding 3: history records each check with its values, explained.
      const history = (
        await h.request(actors.secretary, { method: 'GET', url: `/api/v1/cases/${m.id}/history` })
      ).json() as {
        items: { command: string; decisions: { rule: string; result: unknown; explanation?: string }[] }[];
      };
      const decided = (command: string) => history.items.find((e) => e.command === command)?.decisions ?? [];
      expect(decided('matter.meeting.hold').map((d) => d.rule)).toEqual([
        'coordination.meetingTime',
        'coordination.quorum',
      ]);
      expect(decided('matter.resolution.adopt')[0]).toMatchObject({ rule: 'coordination.majority', result: true });
      expect(decided('matter.resolution.adopt')[0]!.explanation).toContain('66.67%');
      expect(decided('matter.resolution.sign').map((d) => d.rule)).toEqual(['coordination.signature']);
    });

    it('puts a repair-fund matter to the owners and explains why it failed (three quarters by area not met)', async () => {
      const m = (await post(actors.owners, '/api/v1/matters', parkingMatter({ matterType: 'repair_funds_raise' })))
        .body;
      await act(actors.secretary, '/api/v1/matters/:id/triage/consult', m.id);
      await act(actors.secretary, '/api/v1/matters/:id/preconsultation/done', m.id);
      const meetingAt = h.ctx.clock.now() + 3 * DAY;
      await act(actors.secretary, '/api/v1/matters/:id/meeting', m.id, { meetingAt });
      toMeeting(meetingAt);
      await attendAll(m.id);
      await act(actors.secretary, '/api/v1/matters/:id/meeting/hold', m.id);
      await act(actors.secretary, '/api/v1/matters/:id/no-consensus', m.id, { reason: '物业不同意' });
      await act(actors.secretary, '/api/v1/matters/:id/escalation/vote', m.id);
      const voted = await act(actors.owners, '/api/v1/matters/:id/votes', m.id, {
        totalArea: 10000,
        totalOwners: 100,
        participatingArea: 8000,
        participatingOwners: 80,
        yesArea: 5600,
        yesOwners: 70,
      });
      expect(voted.context).toMatchObject({ outcome: 'rejected', ownersVote: { major: true, passed: false } });
      const history = (
        await h.request(actors.secretary, { method: 'GET', url: `/api/v1/cases/${m.id}/history?lang=zh` })
      ).json() as { items: { command: string; decisions: { rule: string; result: unknown; explanation: string }[] }[] };
      const vote = history.items.find((e) => e.command === 'matter.vote.record')!;
      expect(vote.decisions.map((d) => [d.rule, d.result])).toEqual([
        ['coordination.ownersParticipation', true],
        ['coordination.ownersMajor', false],
      ]);
      expect(vote.decisions[1]!.explanation).toContain('同意的专有部分面积占参与表决面积 70%');
      expect(vote.decisions[1]!.explanation).toContain('75%');
    });

    it('records an owners’ assembly vote after no consensus, escalates another to the street, refers a third to mediation', async () => {
      const held = async () => {
        const m = await raise();
        await act(actors.secretary, '/api/v1/matters/:id/triage/consult', m.id);
        await act(actors.secretary, '/api/v1/matters/:id/preconsultation/done', m.id);
        const meetingAt = h.ctx.clock.now() + 3 * DAY;
        await act(actors.secretary, '/api/v1/matters/:id/meeting', m.id, { meetingAt });
        toMeeting(meetingAt);
        await attendAll(m.id);
        await act(actors.secretary, '/api/v1/matters/:id/meeting/hold', m.id);
        await act(actors.secretary, '/api/v1/matters/:id/no-consensus', m.id, { reason: '分歧较大' });
        return m;
      };
      const vote = await held();
      await act(actors.secretary, '/api/v1/matters/:id/escalation/vote', vote.id, { reason: '提请业主大会' });
      const voted = await act(actors.owners, '/api/v1/matters/:id/votes', vote.id, {
        totalArea: 10000,
        totalOwners: 100,
        participatingArea: 8000,
        participatingOwners: 80,
        yesArea: 7000,
        yesOwners: 70,
      });
      expect(voted.state).toBe('implementation');
      const street = await held();
      const escalated = await act(actors.dispatcher, '/api/v1/matters/:id/escalation/street', street.id, {
        reason: '提请街道协调',
      });
      expect(escalated.state).toBe('escalated');
      expect(escalated.context.escalation.linkedCaseId).toBeTruthy();
      const mediation = await held();
      await act(actors.secretary, '/api/v1/matters/:id/escalation/mediation', mediation.id);
      expect((await act(actors.secretary, '/api/v1/matters/:id/close', mediation.id, { note: '调解成功' })).state).toBe(
        'closed',
      );
    });

    it('refuses wrong parties (422), rights (403) and other processes (404)', async () => {
      const m = await raise();
      await act(actors.secretary, '/api/v1/matters/:id/triage/consult', m.id);
      await act(actors.secretary, '/api/v1/matters/:id/preconsultation/done', m.id);
      const tooSoon = await post(actors.secretary, `/api/v1/matters/${m.id}/meeting`, {
        meetingAt: h.ctx.clock.now() + DAY,
        expectedVersion: 3,
      });
      expect(tooSoon).toMatchObject({ status: 422, body: { code: 'command.refused' } });
      expect(tooSoon.body.message_zh).toBe(
        '规则不允许执行 matter.meeting.schedule：“会议提前通知”不成立：提前通知天数 1 天，未达到规定的通知天数 3 天',
      );
      expect(
        (
          await post(actors.property, `/api/v1/matters/${m.id}/meeting`, {
            meetingAt: h.ctx.clock.now() + 5 * DAY,
            expectedVersion: 3,
          })
        ).status,
      ).toBe(403);
      const g = await gridCase();
      expect(
        (
          await post(actors.secretary, `/api/v1/matters/${g.id}/meeting`, {
            meetingAt: h.ctx.clock.now() + 5 * DAY,
            expectedVersion: 1,
          })
        ).body,
      ).toMatchObject({ code: 'matter.not_found' });
    });
  });

  describe('attachments', () => {
    it('uploads to the database, lists and serves only to those who may see the case', async () => {
      const c = await gridCase();
      const form = multipart({ kind: 'before' }, { filename: '现场照片.png', type: 'image/png', data: PNG });
      const up = await h.request(actors.gridWorker, {
        method: 'POST',
        url: `/api/v1/cases/${c.id}/attachments`,
        ...form,
      });
      expect(up.statusCode, up.body).toBe(201);
      const meta = up.json() as Json;
      expect(meta).toMatchObject({
        caseId: c.id,
        kind: 'before',
        filename: '现场照片.png',
        contentType: 'image/png',
        size: PNG.length,
        uploadedBy: 'u-grid-1',
      });
      const { rows } = await h.ctx.sql.query<{ storage: string; data: Uint8Array | null }>(
        'SELECT storage, data FROM attachments WHERE tenant = $1 AND id = $2',
        [T, meta.id],
      );
      expect(rows[0]!.storage).toBe('db');
      expect(Buffer.from(rows[0]!.data!).equals(PNG)).toBe(true);
      const list = await h.request(actors.communityStaff, { method: 'GET', url: `/api/v1/cases/${c.id}/attachments` });
      expect((list.json() as Json).items).toEqual([expect.objectContaining({ id: meta.id, kind: 'before' })]);
      const file = await h.request(actors.resident, {
        method: 'GET',
        url: `/api/v1/cases/${c.id}/attachments/${meta.id}`,
      });
      expect(file.statusCode).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers['content-disposition']).toContain("filename*=UTF-8''%E7%8E%B0");
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(file.rawPayload.equals(PNG)).toBe(true);
      const token = await h.token(actors.gridWorker);
      const viaQuery = await h.app.inject({
        method: 'GET',
        url: `/api/v1/cases/${c.id}/attachments/${meta.id}?access_token=${token}`,
      });
      expect(viaQuery.statusCode).toBe(200);
      expect(
        (
          await h.request(actors.otherGridWorker, {
            method: 'GET',
            url: `/api/v1/cases/${c.id}/attachments/${meta.id}`,
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (await h.request(actors.otherGridWorker, { method: 'GET', url: `/api/v1/cases/${c.id}/attachments` }))
          .statusCode,
      ).toBe(404);
      expect(
        (await h.request(actors.otherGridWorker, { method: 'POST', url: `/api/v1/cases/${c.id}/attachments`, ...form }))
          .statusCode,
      ).toBe(404);
      expect(
        (
          await h.request(actors.gridWorker, {
            method: 'GET',
            url: `/api/v1/cases/${c.id}/attachments/00000000-0000-0000-0000-000000000000`,
          })
        ).statusCode,
      ).toBe(404);
    });

    it('refuses types not allowed (415), bytes that contradict the type (415), and malformed forms (400)', async () => {
      const c = await gridCase();
      const url = `/api/v1/cases/${c.id}/attachments`;
      const send = (form: ReturnType<typeof multipart>) =>
        h.request(actors.gridWorker, { method: 'POST', url, ...form });
      const before = await h.digest();
      expect(
        (await send(multipart({}, { filename: 'a.txt', type: 'text/plain', data: Buffer.from('hello') }))).json(),
      ).toMatchObject({ code: 'attachment.type_not_allowed' });
      const fake = await send(
        multipart({}, { filename: 'a.png', type: 'image/png', data: Buffer.from('<script>alert(1)</script>') }),
      );
      expect(fake.statusCode).toBe(415);
      expect(fake.json()).toMatchObject({ code: 'attachment.type_mismatch' });
      expect(
        (await send(multipart({ kind: 'sideways' }, { filename: 'a.png', type: 'image/png', data: PNG }))).json(),
      ).toMatchObject({ code: 'attachment.invalid_kind' });
      expect((await send(multipart({ kind: 'before' }))).json()).toMatchObject({ code: 'attachment.missing' });
      expect(
        (await send(multipart({}, { name: 'photo', filename: 'a.png', type: 'image/png', data: PNG }))).statusCode,
      ).toBe(400);
      expect((await h.request(actors.gridWorker, { method: 'POST', url, payload: { file: 'x' } })).statusCode).toBe(
        415,
      );
      expect(await h.digest()).toBe(before);
    });

    it('stores in a folder when configured so, and serves from it', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gridflow-attachments-'));
      const app = await buildHttpApp(h.ctx, {
        attachments: createAttachmentStore(h.ctx.sql, { storage: 'folder', dir }),
      });
      try {
        const c = await gridCase();
        const form = multipart({ kind: 'before' }, { filename: 'after.png', type: 'image/png', data: PNG });
        const up = await app.inject({
          method: 'POST',
          url: `/api/v1/cases/${c.id}/attachments`,
          headers: { ...form.headers, authorization: `Bearer ${await h.token(actors.gridWorker)}` },
          payload: form.payload,
        });
        expect(up.statusCode, up.body).toBe(201);
        const meta = up.json() as Json;
        const { rows } = await h.ctx.sql.query<{ storage: string; data: unknown; path: string }>(
          'SELECT storage, data, path FROM attachments WHERE tenant = $1 AND id = $2',
          [T, meta.id],
        );
        expect(rows[0]).toMatchObject({ storage: 'folder', data: null });
        expect(readFileSync(join(dir, rows[0]!.path)).equals(PNG)).toBe(true);
        expect(rows[0]!.path.startsWith(Buffer.from(T).toString('hex'))).toBe(true);
        const file = await app.inject({
          method: 'GET',
          url: `/api/v1/cases/${c.id}/attachments/${meta.id}`,
          headers: { authorization: `Bearer ${await h.token(actors.gridWorker)}` },
        });
        expect(file.rawPayload.equals(PNG)).toBe(true);
      } finally {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
