import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';

/** GET /api/v1/evaluations/pending: the evaluations a caller should give or record now, opened by closing a case. */

const [T] = TENANTS;
type Json = Record<string, any>;

describe.each(ENGINES)('evaluations to give on %s', (engine) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    await h?.close();
  });

  const command = async (as: Actor, id: string, type: string, input: Json = {}) => {
    const version = (await h.ctx.store.getCase(T, id))!.version;
    const res = await h.request(as, {
      method: 'POST',
      url: `/api/v1/cases/${id}/commands`,
      payload: { type, input, expectedVersion: version },
    });
    expect(res.statusCode, `${type}: ${res.body.slice(0, 300)}`).toBe(200);
    return res.json() as Json;
  };
  const pending = async (as: Actor, query = '') => {
    const res = await h.request(as, { method: 'GET', url: `/api/v1/evaluations/pending${query}` });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return res.json() as Json;
  };
  /** A resident's report taken to its closing, which opens the resident's evaluation. */
  const closedCase = async () => {
    const res = await h.request(actors.gridWorker, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: { process: 'gridEscalation', input: noiseReport() },
    });
    const id = (res.json() as Json).id as string;
    await command(actors.communityStaff, id, 'case.triage.file');
    await command(actors.gridWorker, id, 'case.sign');
    await command(actors.gridWorker, id, 'case.contact', { method: 'phone' });
    await command(actors.gridWorker, id, 'case.start');
    await command(actors.gridWorker, id, 'case.feedback', { note: '已协调工地停工', resolved: true });
    await command(actors.communityStaff, id, 'case.verify.pass');
    await command(actors.communityStaff, id, 'case.close');
    return id;
  };

  it('lists for the requester the evaluation closing their case opened, until they rate it', async () => {
    const before = (await pending(actors.resident)).items.length;
    const subject = await closedCase();
    const mine = await pending(actors.resident);
    expect(mine.items).toHaveLength(before + 1);
    const item = mine.items.find((e: Json) => e.subjectCaseId === subject);
    expect(item).toMatchObject({ process: 'appealEvaluation', state: 'awaitingRating' });
    expect(item.commands.map((c: Json) => c.type)).toEqual(['evaluation.rate']);
    expect(item.commands[0]).toMatchObject({ available: true, inputSchema: { type: 'object' } });
    // Not another resident's, and not for the handler, who has nothing to rate.
    expect((await pending(actors.otherResident)).items).toEqual([]);
    expect((await pending(actors.gridWorker)).items.some((e: Json) => e.subjectCaseId === subject)).toBe(false);
    // Community staff record revisits of the requester: theirs to record, not to rate.
    const staff = (await pending(actors.communityStaff)).items.find((e: Json) => e.id === item.id);
    expect(staff.commands.map((c: Json) => c.type)).toContain('evaluation.revisit.attempt');
    expect(staff.commands.map((c: Json) => c.type)).not.toContain('evaluation.rate');

    const version = (await h.ctx.store.getCase(T, item.id))!.version;
    const rated = await h.request(actors.resident, {
      method: 'POST',
      url: `/api/v1/evaluations/${item.id}/rating`,
      payload: { rating: 'satisfied', solved: true, expectedVersion: version },
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect((await pending(actors.resident)).items.some((e: Json) => e.id === item.id)).toBe(false);
  });

  it('never offers the rated unit’s own staff its rating: not in their inbox, unavailable with the rule, 422 if given', async () => {
    // An emergency starts at the street: the street answers the case, and the resident's evaluation rates it.
    const res = await h.request(actors.gridWorker, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: { process: 'gridEscalation', input: noiseReport() },
    });
    const subject = (res.json() as Json).id as string;
    await command(actors.communityStaff, subject, 'case.triage.file', { urgency: 'emergency' });
    await command(actors.dispatcher, subject, 'case.sign');
    await command(actors.dispatcher, subject, 'case.contact', { method: 'phone' });
    await command(actors.dispatcher, subject, 'case.start');
    await command(actors.dispatcher, subject, 'case.feedback', { note: '已现场处置', resolved: true });
    await command(actors.communityStaff, subject, 'case.verify.pass');
    await command(actors.communityStaff, subject, 'case.close');
    const item = (await pending(actors.resident, '?limit=100')).items.find((e: Json) => e.subjectCaseId === subject);
    expect(item).toMatchObject({ state: 'awaitingRating', summary: { level: 'street' } });
    expect(item.summary.units[0]).toBe('street:s-01');

    // The street's leader and the community's secretary (of street s-01 too) may rate the street's evaluations by
    // scope, but not the street's own: the inbox leaves it out, the commands say why, and giving it is refused.
    for (const staff of [actors.leader, actors.secretary]) {
      const inbox = (await pending(staff, '?limit=100')).items as Json[];
      expect(
        inbox.some((e) => e.id === item.id),
        `${staff.id}'s inbox`,
      ).toBe(false);
      const offered = await h.request(staff, { method: 'GET', url: `/api/v1/cases/${item.id}/commands` });
      expect(offered.statusCode, offered.body).toBe(200);
      const rate = ((offered.json() as Json).commands as Json[]).find((c) => c.type === 'evaluation.rate');
      expect(rate, staff.id).toMatchObject({
        available: false,
        reason: {
          zh: expect.stringContaining('“评价人回避”不成立：操作人所属单位'),
          en: expect.stringContaining('“The rated unit does not rate itself” does not apply'),
        },
      });
      expect(rate!.reason.zh).toContain('包含被评价单位 street:s-01');
      const version = (await h.ctx.store.getCase(T, item.id))!.version;
      const refused = await h.request(staff, {
        method: 'POST',
        url: `/api/v1/evaluations/${item.id}/rating`,
        payload: { rating: 'satisfied', solved: true, expectedVersion: version },
      });
      expect(refused.statusCode, refused.body).toBe(422);
      expect(refused.json()).toMatchObject({
        code: 'command.refused',
        message_zh: expect.stringContaining('“评价人回避”不成立'),
        details: { decisions: [{ rule: 'raterAllowed', inputs: { 'evaluation.unit': 'street:s-01' }, result: false }] },
      });
      expect((await h.ctx.store.getCase(T, item.id))!).toMatchObject({ version, state: 'awaitingRating' });
    }

    // The 12345 platform records the resident's rating for them.
    const hotline = (await pending(actors.platform, '?limit=100')).items.find((e: Json) => e.id === item.id);
    expect(hotline.commands).toContainEqual(expect.objectContaining({ type: 'evaluation.rate', available: true }));
    const version = (await h.ctx.store.getCase(T, item.id))!.version;
    const rated = await h.request(actors.platform, {
      method: 'POST',
      url: `/api/v1/evaluations/${item.id}/rating`,
      payload: { rating: 'satisfied', solved: true, expectedVersion: version },
    });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ state: 'rated.standing' });
  });

  it('pages with a cursor, earliest deadline first, and refuses a bad limit with 400', async () => {
    await closedCase();
    await closedCase();
    const all = (await pending(actors.resident, '?limit=100')).items as Json[];
    expect(all.length).toBeGreaterThanOrEqual(2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await pending(
        actors.resident,
        `?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items.map((e: Json) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.map((e) => e.id));
    const bad = await h.request(actors.resident, { method: 'GET', url: '/api/v1/evaluations/pending?limit=0' });
    expect(bad.statusCode).toBe(400);
    expect((await h.request(null, { method: 'GET', url: '/api/v1/evaluations/pending' })).statusCode).toBe(401);
  });
});
