import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { isGridflowError } from '../errors.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import { builtInProcesses } from '../processes/index.js';
import type { Actor, JsonSchema } from '../processes/contract/types.js';
import type { AvailableCommand } from './createRuntime.js';
import { createRuntime } from './createRuntime.js';
import { createMemoryStore } from './memoryStore.js';
import { createPolicyRegistry } from './policyRegistry.js';
import { validateJson } from './validateJson.js';

const HOUR = 3_600_000;
const policy = createDefaultPolicy();

const actors = {
  resident: { id: 'u-resident', name: '张三', roles: ['resident'], units: [] },
  gridWorker: { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01', 'community:c-01', 'street:s-01'] },
  gridWorker2: { id: 'u-grid-2', roles: ['grid_worker'], units: ['grid:g-01', 'community:c-01', 'street:s-01'] },
  communityStaff: { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01', 'street:s-01'] },
  secretary: { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01', 'street:s-01'] },
  dispatcher: { id: 'u-disp', roles: ['street_dispatcher'], units: ['street:s-01'] },
  leader: { id: 'u-leader', roles: ['street_leader'], units: ['street:s-01'] },
  liaison: { id: 'u-um', roles: ['department_liaison'], units: ['department:urban_management'] },
  property: { id: 'u-prop', roles: ['property_company'], units: ['compound:x-01'] },
  owners: { id: 'u-owners', roles: ['owners_committee'], units: ['compound:x-01'] },
  assessor: { id: 'u-assessor', roles: ['assessor'], units: [] },
  platform: { id: 'u-12345', roles: ['external_platform'], units: [] },
} satisfies Record<string, Actor>;
const pool: Actor[] = Object.values(actors);

const noiseReport = {
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'app',
  anonymous: false,
  reporter: { id: 'u-resident', name: '张三丰', phone: '13800001234' },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
};
const propertyMatter = {
  compoundId: 'x-01',
  communityId: 'c-01',
  streetId: 's-01',
  gridId: 'g-01',
  matterType: 'service_quality',
  title: '电梯反复故障',
  description: '3 号楼电梯一个月内停运四次',
};

function setup() {
  const clock = createManualClock(Date.parse('2026-03-02T09:00:00+08:00'));
  let n = 0;
  const runtime = createRuntime({
    store: createMemoryStore(),
    clock,
    policies: createPolicyRegistry([policy]),
    processes: [...builtInProcesses],
    newId: () => `c${++n}`,
  });
  return { runtime, clock };
}

/**
 * Values for a JSON Schema of the subset command inputs use (objects, strings with lengths and patterns, enums,
 * numbers, booleans, arrays), leaning on `hints` — strings that mean something in this world (department codes,
 * case ids, parties, durations) — so rules see inputs they may accept as well as ones they refuse.
 */
function valueOf(schema: JsonSchema, hints: string[]): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string | undefined];
  return fc.oneof(...types.map((type) => valueOfType(type, schema, hints)));
}

function valueOfType(type: string | undefined, schema: JsonSchema, hints: string[]): fc.Arbitrary<unknown> {
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      return fc.record(Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, valueOf(s, hints)])), {
        requiredKeys: required,
      });
    }
    case 'array': {
      const items = valueOf((schema.items ?? {}) as JsonSchema, hints);
      const minLength = (schema.minItems as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxItems as number | undefined) ?? 3, minLength + 3);
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength, maxLength });
    }
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = (schema.minimum as number | undefined) ?? -1000;
      const max = (schema.maximum as number | undefined) ?? 2_000_000_000_000;
      return type === 'integer'
        ? fc.integer({ min, max: Math.min(max, 2 ** 31 - 1) })
        : fc.double({ min, max, noNaN: true });
    }
    default: {
      const minLength = (schema.minLength as number | undefined) ?? 0;
      const maxLength = Math.min((schema.maxLength as number | undefined) ?? 20, minLength + 20);
      const pattern = typeof schema.pattern === 'string' ? new RegExp(schema.pattern, 'u') : null;
      const fits = (s: string) => s.length >= minLength && s.length <= maxLength && (!pattern || pattern.test(s));
      const hinted = hints.filter(fits);
      // fast-check cannot generate from lookaround assertions (an ISO duration's `(?!$)`): hints only, then.
      if (pattern && /\(\?<?[=!]/.test(pattern.source) && hinted.length > 0) return fc.constantFrom(...hinted);
      const free = pattern ? fc.stringMatching(pattern).filter(fits) : fc.string({ minLength, maxLength });
      return hinted.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...hinted), weight: 3 }, free) : free;
    }
  }
}

const REFUSALS = ['permission.denied', 'permission.not_party', 'command.refused', 'command.not_allowed_in_state'];

describe('availableCommands: what is offered can be done', () => {
  it('offers verification to the handler as unavailable, with the rule that refuses it, in both languages', async () => {
    const { runtime } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: actors.gridWorker });
    c = await runtime.send(c.id, { type: 'case.triage.file' }, { actor: actors.communityStaff });
    for (const [type, input] of [
      ['case.sign', {}],
      ['case.contact', { method: 'phone' }],
      ['case.start', {}],
      ['case.feedback', { note: '已协调工地停工', resolved: true }],
    ] as const) {
      c = await runtime.send(c.id, { type, input }, { actor: actors.gridWorker });
    }
    const forHandler = await runtime.availableCommands(c.id, { actor: actors.gridWorker });
    const pass = forHandler.find((x) => x.type === 'case.verify.pass')!;
    expect(pass.available).toBe(false);
    expect(pass.reason?.zh).toContain('核查人回避');
    expect(pass.reason?.en).toContain('Verifier is not the handler');
    await expect(runtime.send(c.id, { type: 'case.verify.pass' }, { actor: actors.gridWorker })).rejects.toMatchObject({
      code: 'command.refused',
    });
    const forOther = await runtime.availableCommands(c.id, { actor: actors.gridWorker2 });
    expect(forOther.find((x) => x.type === 'case.verify.pass')).toMatchObject({ available: true });
    expect(forOther.find((x) => x.type === 'case.verify.pass')?.reason).toBeUndefined();
  });

  it('offers a community secretary no handling of an order the street holds, and lets them handle it at the community', async () => {
    const { runtime } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: actors.gridWorker });
    c = await runtime.send(c.id, { type: 'case.triage.file' }, { actor: actors.communityStaff });
    c = await runtime.send(c.id, { type: 'case.dispatch', input: { level: 'street' } }, { actor: actors.dispatcher });
    const atStreet = (await runtime.availableCommands(c.id, { actor: actors.secretary })).map((x) => x.type);
    for (const type of ['case.sign', 'case.return', 'case.escalate']) expect(atStreet).not.toContain(type);
    await expect(runtime.send(c.id, { type: 'case.sign' }, { actor: actors.secretary })).rejects.toMatchObject({
      code: 'permission.denied',
    });
    c = await runtime.send(
      c.id,
      { type: 'case.dispatch', input: { level: 'community' } },
      { actor: actors.dispatcher },
    );
    const atCommunity = (await runtime.availableCommands(c.id, { actor: actors.secretary })).map((x) => x.type);
    expect(atCommunity).toEqual(expect.arrayContaining(['case.sign', 'case.return', 'case.escalate']));
    expect((await runtime.send(c.id, { type: 'case.sign' }, { actor: actors.secretary })).state).toBe(
      'handling.signed',
    );
  });

  it('marks a command whose acceptance depends on its input as available on a condition', async () => {
    const { runtime } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: actors.gridWorker });
    c = await runtime.send(c.id, { type: 'case.triage.file' }, { actor: actors.communityStaff });
    c = await runtime.send(c.id, { type: 'case.dispatch', input: { level: 'street' } }, { actor: actors.dispatcher });
    for (const [type, input] of [
      ['case.sign', {}],
      ['case.contact', { method: 'visit' }],
      ['case.start', {}],
    ] as const) {
      c = await runtime.send(c.id, { type, input }, { actor: actors.dispatcher });
    }
    const whistle = (await runtime.availableCommands(c.id, { actor: actors.leader })).find(
      (x) => x.type === 'case.whistle',
    )!;
    expect(whistle).toMatchObject({ available: true });
    expect(whistle.condition?.zh).toContain('取决于填写的内容');
    expect(whistle.condition?.en).toContain('depends on the input');
  });

  it('for random cases and callers: an available command with a valid input is never refused for permission or rule reasons, and an unavailable one is refused', async () => {
    const seen = { available: 0, conditional: 0, unavailable: 0, refusedUnavailable: 0, notParty: 0 };
    const hintsBase = [
      ...policy.organisation.departments.map((d) => d.code),
      ...policy.urgencies.map((u) => u.code),
      ...policy.evaluation.scale.map((s) => s.code),
      'community',
      'owners_committee',
      'property_company',
      'grid',
      'street',
      'PT4H',
      'P2D',
      'x-01',
      'g-01',
      'c-01',
      's-01',
      '已处理',
    ];
    await fc.assert(
      fc.asyncProperty(fc.gen(), async (g) => {
        const { runtime, clock } = setup();
        const ids: string[] = [];
        ids.push((await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: actors.resident })).id);
        ids.push(
          (await runtime.submit({ process: 'gridEscalation', input: noiseReport, actor: actors.gridWorker })).id,
        );
        ids.push(
          (await runtime.submit({ process: 'propertyCoordination', input: propertyMatter, actor: actors.property })).id,
        );
        const steps = g(() => fc.integer({ min: 20, max: 60 }));
        for (let i = 0; i < steps; i++) {
          if (g(() => fc.integer({ min: 0, max: 9 })) === 0) {
            clock.advance(g(() => fc.integer({ min: 1, max: 72 })) * HOUR);
            await runtime.tick();
          }
          const all = (await runtime.list({ limit: 200 })).items.map((x) => x.id);
          const id = g(() => fc.constantFrom(...all));
          // Callers who are offered something on the case, so the walk goes deep enough to reach every state.
          const offers: { actor: Actor; cmd: AvailableCommand }[] = [];
          for (const actor of pool) {
            try {
              for (const cmd of await runtime.availableCommands(id, { actor })) offers.push({ actor, cmd });
            } catch (error) {
              if (!isGridflowError(error) || error.code !== 'case.not_found') throw error; // not theirs to read
            }
          }
          if (offers.length === 0) continue;
          // A party's own items only: offered to another party as unavailable, saying whose they are.
          for (const { cmd: o } of offers) {
            if (!o.available && / for themselves;/.test(o.reason?.en ?? '')) seen.notParty++;
          }
          // Unavailable offers are rare: when there are some, try one of them every other time.
          const unavailable = offers.filter((o) => !o.cmd.available);
          const from = unavailable.length > 0 && g(() => fc.boolean()) ? unavailable : offers;
          const { actor, cmd } = g(() => fc.constantFrom(...from));
          const input = g(() => valueOf(cmd.inputSchema, [...hintsBase, ...all])) as Record<string, unknown>;
          expect(validateJson(cmd.inputSchema, input)).toEqual([]);
          if (!cmd.available) seen.unavailable++;
          else if (cmd.condition) seen.conditional++;
          else seen.available++;
          let refused: unknown = null;
          try {
            await runtime.send(id, { type: cmd.type, input }, { actor });
          } catch (error) {
            refused = error;
          }
          if (!cmd.available) {
            expect(refused, `${cmd.type} was marked unavailable (${cmd.reason?.en}) but was accepted`).not.toBeNull();
            expect(isGridflowError(refused)).toBe(true);
            seen.refusedUnavailable++;
            continue;
          }
          if (refused === null) continue;
          if (!isGridflowError(refused)) throw refused;
          const banned = cmd.condition ? REFUSALS.filter((c) => c !== 'command.refused') : REFUSALS;
          expect(
            banned,
            `${cmd.type} by ${actor.id} was offered as available${cmd.condition ? ' on a condition' : ''} but refused: ${refused.messages.en}`,
          ).not.toContain(refused.code);
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
    // The walk reached every kind of offer, so both directions were tried.
    expect(seen.available).toBeGreaterThan(0);
    expect(seen.conditional).toBeGreaterThan(0);
    expect(seen.unavailable).toBeGreaterThan(0);
    expect(seen.refusedUnavailable).toBe(seen.unavailable);
    expect(seen.notParty).toBeGreaterThan(0);
  });
});
