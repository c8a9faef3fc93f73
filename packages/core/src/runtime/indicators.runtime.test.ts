import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import { builtInProcesses } from '../processes/index.js';
import { SYSTEM_ACTOR, type Actor } from '../processes/contract/types.js';
import { createMemoryStore } from './memoryStore.js';
import { createPolicyRegistry } from './policyRegistry.js';
import { createRuntime } from './createRuntime.js';
import type { CaseRecord } from './types.js';

/*
 * 满意率 over the evaluations a closed case opens (一事一评): the resident's (谁呼谁评) and the street's of every
 * summoned department (下评上), only some of them rated, read for several units through the runtime.
 */

const bj = (local: string): number => Date.parse(`${local}+08:00`);
const MIN = 60_000;
const actor = (id: string, roles: string[], units: string[] = []): Actor => ({ id, roles, units });
const streetLeader = actor('u-leader', ['street_leader'], ['street:s-01']);
const dispatcher = actor('u-dispatcher', ['street_dispatcher'], ['street:s-01']);
const resident = actor('u-resident', ['resident']);
const liaison = (department: string): Actor =>
  actor(`u-${department}`, ['department_liaison'], [`department:${department}`]);
const departments = ['urban_management', 'fire', 'public_security'];

async function closedWhistleCase() {
  const clock = createManualClock(bj('2026-03-02T10:00'));
  const store = createMemoryStore();
  let n = 0;
  const runtime = createRuntime({
    store,
    clock,
    policies: createPolicyRegistry([createDefaultPolicy()]),
    processes: [...builtInProcesses],
    newId: () => `c${++n}`,
  });
  let c: CaseRecord = await runtime.submit({
    process: 'gridEscalation',
    actor: resident,
    input: {
      category: 'emergency_incident',
      title: '化工厂异味',
      description: '厂区附近有刺鼻气味',
      source: 'hotline',
      anonymous: false,
      reporter: { id: resident.id, name: '张三', phone: '13800000000' },
      location: { lng: 118.27, lat: 33.96 },
      units: { grid: 'g-01', community: 'c-01', street: 's-01' },
      attributes: { location: '化工厂', people_at_risk: 20 },
    },
  });
  const send = async (type: string, who: Actor, input: Record<string, unknown> = {}) => {
    clock.advance(5 * MIN);
    c = await runtime.send(c.id, { type, input }, { actor: who });
  };
  await send('case.triage.file', SYSTEM_ACTOR);
  await send('case.sign', dispatcher);
  await send('case.contact', dispatcher, { method: 'phone' });
  await send('case.start', dispatcher);
  await send('case.whistle', streetLeader, { kind: 'emergency', departments });
  for (const d of departments) await send('case.checkin', liaison(d), { department: d });
  for (const d of departments) await send('case.department.done', liaison(d), { department: d });
  await send('case.feedback', dispatcher, { note: '险情已排除', resolved: true });
  await send('case.verify.pass', actor('u-dispatcher-2', ['street_dispatcher'], ['street:s-01']));
  await send('case.close', SYSTEM_ACTOR);
  const evaluations = (await runtime.list({ process: 'appealEvaluation' })).items;
  return { runtime, clock, grid: c, evaluations };
}

const unitOf = (e: CaseRecord) => (e.snapshot.context as { unit: string }).unit;
const kindOf = (e: CaseRecord) => (e.snapshot.context as { evaluatorKind: string }).evaluatorKind;

describe('indicators: evaluations of one response, only some rated, in several units', () => {
  it('counts an evaluation once it is rated, for the units it counts for', async () => {
    const { runtime, clock, evaluations } = await closedWhistleCase();
    // The resident's evaluation of the street, and one per summoned department by the street.
    expect(evaluations.map((e) => [kindOf(e), unitOf(e)]).sort()).toEqual(
      [
        ['lower_level', 'department:fire'],
        ['lower_level', 'department:public_security'],
        ['lower_level', 'department:urban_management'],
        ['resident', 'street:s-01'],
      ].sort(),
    );
    const ofUnit = (unit: string) => evaluations.find((e) => unitOf(e) === unit)!;
    // The creation of an evaluation is recorded under a name of its own, not as a rating.
    const opened = await runtime.history(ofUnit('department:fire').id, { actor: SYSTEM_ACTOR });
    expect(opened.map((e) => e.command)).toEqual(['evaluation.open']);

    // Rated: the resident (satisfied) and the fire department (basically satisfied); the others not at all.
    clock.advance(60 * MIN);
    await runtime.send(
      ofUnit('street:s-01').id,
      { type: 'evaluation.rate', input: { rating: 'satisfied', solved: true } },
      { actor: resident },
    );
    await runtime.send(
      ofUnit('department:fire').id,
      { type: 'evaluation.rate', input: { rating: 'basically_satisfied', solved: true, controllable: false } },
      { actor: streetLeader },
    );
    const from = bj('2026-03-01T00:00');
    const to = bj('2026-04-01T00:00');
    const report = (unit?: string) => runtime.indicators({ from, to, ...(unit ? { unit } : {}) });
    const satisfaction = async (unit?: string) =>
      (await report(unit)).indicators.find((i) => i.code === 'satisfaction_rate')!.value;

    // The resident's rating counts for the rated street and the units of the case's area.
    for (const unit of ['street:s-01', 'community:c-01', 'grid:g-01']) {
      expect((await report(unit)).counts).toMatchObject({ revisits: 1, satisfied: 1, solved: 1 });
      expect(await satisfaction(unit)).toBe(1);
    }
    // The street's rating of a department counts for that department only.
    expect((await report('department:fire')).counts).toMatchObject({ revisits: 1, basicallySatisfied: 1 });
    expect(await satisfaction('department:fire')).toBeCloseTo(0.8);
    // A department nobody rated has no satisfaction rate (not 0).
    expect((await report('department:urban_management')).counts.revisits).toBe(0);
    expect(await satisfaction('department:urban_management')).toBeNull();
    expect(await satisfaction('department:public_security')).toBeNull();
    // The whole tenant: two ratings given, two revisits.
    expect((await report()).counts).toMatchObject({ revisits: 2, satisfied: 1, basicallySatisfied: 1 });
    expect(await satisfaction()).toBeCloseTo((1 + 0.8) / 2);
  });

  it('leaves out a requester recorded unreachable', async () => {
    const { runtime, clock, evaluations } = await closedWhistleCase();
    const ev = evaluations.find((e) => kindOf(e) === 'resident')!;
    for (let i = 0; i < 3; i++) {
      clock.advance(60 * MIN);
      await runtime.send(
        ev.id,
        { type: 'evaluation.revisit.attempt', input: { channel: 'phone', reached: false } },
        { actor: dispatcher },
      );
    }
    expect((await runtime.get(ev.id, { actor: SYSTEM_ACTOR })).state).toBe('unreachable');
    const r = await runtime.indicators({ from: bj('2026-03-01T00:00'), to: bj('2026-04-01T00:00'), unit: 'grid:g-01' });
    expect(r.counts.revisits).toBe(0);
    expect(r.indicators.find((i) => i.code === 'satisfaction_rate')!.value).toBeNull();
  });
});
