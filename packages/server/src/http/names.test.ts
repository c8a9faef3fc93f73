import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInProcesses, createDefaultPolicy, type Actor } from '@gridflow/core';
import { recipes } from './fixtures.js';
import { actors, ENGINES, startHarness, TENANTS, type Harness } from './harness.js';

/**
 * Nothing the API returns for display is a raw identifier: every case item, detail, inbox item and history row
 * carries names beside its ids (process, state, level, units, roles), and a case's title is one a person reads.
 */

const [T] = TENANTS;
type Json = Record<string, any>;

const PROCESS_IDS = new Set(builtInProcesses.map((p) => p.id));
const policy = createDefaultPolicy();
const ROLE_CODES = new Set(policy.organisation.roles.map((r) => r.code));
const isName = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && typeof (v as Json).zh === 'string' && typeof (v as Json).en === 'string';

/** Walks a response and lists every place a raw id stands where a name belongs. */
function rawIds(value: unknown, path = '$'): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) {
    value.forEach((v, i) => out.push(...rawIds(v, `${path}[${i}]`)));
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  const o = value as Json;
  // A case (item, detail, inbox entry, live change).
  if (typeof o.process === 'string' && typeof o.state === 'string' && typeof o.summary === 'object') {
    if (!isName(o.processName)) out.push(`${path}.processName missing beside ${o.process}`);
    if (!isName(o.stateName)) out.push(`${path}.stateName missing beside ${o.state}`);
    if (typeof o.title !== 'string' || PROCESS_IDS.has(o.title) || /^[a-z]+[A-Z]\w*$/.test(o.title))
      out.push(`${path}.title is no title: ${String(o.title)}`);
    if (o.summary.level !== undefined && !isName(o.levelName))
      out.push(`${path}.levelName missing beside ${o.summary.level}`);
    for (const u of o.summary.units ?? []) if (!isName(o.unitNames?.[u])) out.push(`${path}.unitNames[${u}] missing`);
  }
  // A history row.
  if (typeof o.command === 'string' && typeof o.seq === 'number' && typeof o.actor === 'object') {
    if (o.from && !isName(o.fromName)) out.push(`${path}.fromName missing beside ${o.from}`);
    if (o.to && !isName(o.toName)) out.push(`${path}.toName missing beside ${o.to}`);
    const roles: string[] = o.actor.roles ?? [];
    const names: Json[] = o.actorRoleNames ?? [];
    roles.forEach((r, i) => {
      if (!isName(names[i]) || (ROLE_CODES.has(r) && names[i]!.zh === r))
        out.push(`${path}.actorRoleNames[${i}] for ${r}`);
    });
  }
  for (const [k, v] of Object.entries(o)) out.push(...rawIds(v, `${path}.${k}`));
  return out;
}

describe('the walker finds raw ids', () => {
  it('flags a case item without names and passes one with them', () => {
    const bare = {
      process: 'appealEvaluation',
      state: 'awaitingRating',
      title: 'appealEvaluation',
      summary: { level: 'grid', units: ['grid:g-01'] },
    };
    expect(rawIds({ items: [bare] })).toHaveLength(5);
    const named = {
      ...bare,
      title: '对“盲道被破坏”办理结果的评价',
      processName: { zh: '诉求办理评价', en: 'Appeal evaluation' },
      stateName: { zh: '待评价', en: 'Awaiting the rating' },
      levelName: { zh: '网格', en: 'Grid' },
      unitNames: { 'grid:g-01': { zh: '一网格', en: 'Grid 1' } },
    };
    expect(rawIds({ items: [named] })).toEqual([]);
    const row = { seq: 1, command: 'case.sign', actor: { id: 'u', roles: ['grid_worker'] }, from: 'a', to: 'b' };
    expect(rawIds([row])).toHaveLength(3);
  });
});

describe.each(ENGINES)('names beside ids on %s', (engine) => {
  let h: Harness;
  let gridCaseId: string;
  beforeAll(async () => {
    h = await startHarness(engine);
    // A case taken to closing and archived: its evaluations are open.
    gridCaseId = (await recipes['case.archive']!(h.ctx, T, 'street_dispatcher')).caseId;
  });
  afterAll(async () => {
    await h?.close();
  });

  const get = async (as: Actor, url: string) => {
    const res = await h.request(as, { method: 'GET', url });
    expect(res.statusCode, url).toBe(200);
    return res.json() as Json;
  };

  it('case lists of every process, for every kind of caller, carry names', async () => {
    for (const as of [actors.dispatcher, actors.gridWorker, actors.resident, actors.liaison, actors.assessor]) {
      const list = await get(as, '/api/v1/cases?limit=100');
      expect(rawIds(list)).toEqual([]);
    }
    const list = await get(actors.dispatcher, '/api/v1/cases?limit=100');
    const processes = new Set(list.items.map((i: Json) => i.process));
    expect(processes).toContain('appealEvaluation');
    const grid = list.items.find((i: Json) => i.id === gridCaseId);
    expect(grid).toMatchObject({
      title: '夜间施工噪声',
      processName: { zh: '网格事项分级处置（小事不出网格）' },
      unitNames: { 'grid:g-01': { zh: '一网格', en: 'Grid 1' }, 'department:urban_management': { zh: '城管' } },
    });
  });

  it('an evaluation reads like 「对“…”办理结果的评价」, with the rated unit’s name and the level’s', async () => {
    const list = await get(actors.dispatcher, '/api/v1/cases?process=appealEvaluation&limit=100');
    const evaluations = list.items.filter((i: Json) => i.summary.tags?.includes(`subject:gridEscalation`));
    expect(evaluations.length).toBeGreaterThan(0);
    for (const e of evaluations) {
      expect(e.title).toBe('对“夜间施工噪声”办理结果的评价');
      expect(e.levelName).toEqual(policy.organisation.levels.find((l) => l.code === e.summary.level)?.name);
    }
  });

  it('a case, its history and the evaluation inbox carry names', async () => {
    const detail = await get(actors.dispatcher, `/api/v1/cases/${gridCaseId}`);
    expect(rawIds(detail)).toEqual([]);
    const history = await get(actors.dispatcher, `/api/v1/cases/${gridCaseId}/history`);
    expect(history.items.length).toBeGreaterThan(5);
    expect(rawIds(history)).toEqual([]);
    const sign = history.items.find((r: Json) => r.command === 'case.sign');
    expect(sign.toName).toBeDefined();
    expect(sign.actorRoleNames.length).toBe(sign.actor.roles.length);
    const inbox = await get(actors.resident, '/api/v1/evaluations/pending');
    expect(inbox.items.length).toBeGreaterThan(0);
    expect(rawIds(inbox)).toEqual([]);
    expect(inbox.items[0].title).toBe('对“夜间施工噪声”办理结果的评价');
  });
});
