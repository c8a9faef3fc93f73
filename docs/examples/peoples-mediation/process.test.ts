import { describe, expect, it } from 'vitest';
import {
  GridflowError,
  builtInProcesses,
  createDefaultPolicy,
  createManualClock,
  createMemoryStore,
  createPolicyRegistry,
  createRuntime,
  validatePolicy,
  type Actor,
  type Policy,
  type ProcessDefinition,
} from '@gridflow/core';
import { declaredRuleReads, recordRuleReads } from '@gridflow/core/testing';
import { initialTransition, transition } from 'xstate';
import { createProcessEnv } from '@gridflow/core';
import { peoplesMediationProcess } from './index.js';

const bj = (local: string) => Date.parse(`${local}+08:00`);

/** The default policy plus what the new process needs: a role, its permissions, and its two rules. */
function mediationPolicy(): Policy {
  const policy = createDefaultPolicy();
  policy.organisation.roles.push({ code: 'mediator', name: { zh: '调解员', en: 'Mediator' } });
  policy.permissions.push(
    { id: 'p-mediator-submit', role: 'mediator', command: 'mediation.submit', scope: 'community' },
    { id: 'p-mediator-all', role: 'mediator', command: 'mediation.*', scope: 'community' },
  );
  policy.rules.custom = {
    mediationAgreed: {
      id: 'r-mediation-agreed',
      name: { zh: '达成协议', en: 'Agreement reached' },
      logic: { '>=': [{ var: 'case.signed' }, { var: 'case.parties' }] },
    },
    mediationTimeLimit: {
      id: 'r-mediation-time-limit',
      name: { zh: '调解时限', en: 'Mediation time limit' },
      logic: { if: [{ '==': [{ var: 'case.kind' }, 'family'] }, 'P10D', 'P15D'] },
    },
  };
  return policy;
}

const mediator: Actor = { id: 'u-med', roles: ['mediator'], units: ['community:c-01'] };
const outsider: Actor = { id: 'u-far', roles: ['mediator'], units: ['community:c-09'] };

function setup(processes: ProcessDefinition[] = [...builtInProcesses, peoplesMediationProcess]) {
  const clock = createManualClock(bj('2026-03-02T09:00'));
  const store = createMemoryStore();
  const runtime = createRuntime({ store, clock, policies: createPolicyRegistry([mediationPolicy()]), processes });
  return { runtime, clock, store };
}

describe("people's mediation, registered beside the built-in processes", () => {
  it('its policy additions validate: custom rules, the new role and its commands', () => {
    const commands = [peoplesMediationProcess.submitCommand!, ...peoplesMediationProcess.commands.map((c) => c.type)];
    const result = validatePolicy(mediationPolicy(), { commands });
    expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(result.valid).toBe(true);
    // Without telling the validator about the process, its permission rows are unknown commands.
    expect(validatePolicy(mediationPolicy()).problems.map((p) => p.code)).toContain('permissions.unknown_command');
    // A non-portable custom rule is caught.
    const bad = mediationPolicy();
    bad.rules.custom!.mediationAgreed!.logic = { '??': [{ var: 'case.signed' }, 0] };
    expect(validatePolicy(bad, { commands }).problems.map((p) => [p.code, p.path])).toContainEqual([
      'rule.not_portable',
      '/rules/custom/mediationAgreed/logic',
    ]);
  });

  it('runs a whole case: investigate → mediate → both sign → close → revisit', async () => {
    const { runtime, clock } = setup();
    expect(runtime.processes().map((p) => p.id)).toContain('gridEscalation');
    let c = await runtime.submit({
      process: 'peoplesMediation',
      input: { title: '邻里噪音纠纷', kind: 'neighbour', parties: ['王某', '李某'], community: 'c-01' },
      actor: mediator,
    });
    expect(c.state).toBe('investigating');
    const send = async (type: string, input: Record<string, unknown> = {}) => {
      clock.advance(3_600_000);
      c = await runtime.send(c.id, { type, input }, { actor: mediator, expectedVersion: c.version });
    };
    await send('mediation.investigated', { note: '走访双方' });
    // Neighbour disputes get 15 working days by the policy's rule.
    expect(c.nextDueAt).toBe(bj('2026-03-23T10:00'));
    await send('mediation.sign', { party: '王某' });
    expect(c.state).toBe('mediating');
    await send('mediation.sign', { party: '李某' });
    expect(c.state).toBe('agreed');
    expect(c.nextDueAt).toBeNull();
    await send('mediation.close');
    await send('mediation.revisit', { satisfied: true });
    expect(c.state).toBe('done');
    expect(c.summary.open).toBe(false);
    const history = await runtime.history(c.id, { actor: mediator });
    expect(history.find((h) => h.command === 'mediation.sign' && h.to === 'agreed')?.decisions).toContainEqual({
      rule: 'mediationAgreed',
      inputs: { 'case.signed': 2, 'case.parties': 2 },
      result: true,
    });
  });

  it('is described for the designer: states, transitions with their rules, labelled commands with roles', () => {
    const { runtime } = setup();
    const d = runtime.describe('peoplesMediation');
    expect(d.statechart.initial).toBe('investigating');
    expect(d.statechart.states.map((s) => [s.path, s.final, s.open])).toEqual([
      ['investigating', false, true],
      ['mediating', false, true],
      ['agreed', false, true],
      ['failed', false, true],
      ['closed', false, true],
      ['done', true, false],
    ]);
    expect(d.transitions.filter((t) => t.event === 'mediation.sign')).toMatchObject([
      { source: 'mediating', targets: ['agreed'], guard: 'agreementComplete', rules: ['mediationAgreed'] },
      { source: 'mediating', targets: [], guard: 'isParty', rules: [] },
    ]);
    expect(d.transitions.find((t) => t.event === 'mediation.investigated')?.rules).toEqual(['mediationTimeLimit']);
    expect(d.rules).toEqual([
      { key: 'mediationAgreed', name: { zh: '达成协议', en: 'Agreement reached' } },
      { key: 'mediationTimeLimit', name: { zh: '调解时限', en: 'Mediation time limit' } },
    ]);
    const sign = d.commands.find((c) => c.type === 'mediation.sign')!;
    expect(sign.roles).toEqual([
      { role: 'mediator', name: { zh: '调解员', en: 'Mediator' }, scope: 'community', permission: 'p-mediator-all' },
    ]);
    expect(sign.labels.party).toEqual({ zh: '参与方', en: 'Party' });
    expect(d.commands.find((c) => c.type === 'mediation.revisit')?.labels.satisfied?.zh).toBe('当事人满意');
    expect(d.commands.find((c) => c.type === 'deadline.due')?.internal).toBe(true);
    expect(d.deadlineKinds).toEqual([{ kind: 'mediate', name: { zh: '调解时限', en: 'Mediation time limit' } }]);
    expect(d.submit.roles.map((r) => r.permission)).toEqual(['p-mediator-submit', 'p-mediator-all']);
  });

  it('declares the rules its guards and actions read, checked against the machine', () => {
    const env = createProcessEnv(mediationPolicy(), { decisions: [] });
    const { machine, reads } = recordRuleReads(peoplesMediationProcess, env);
    const actor = { id: 'u-med', roles: ['mediator'], units: [] };
    const at = bj('2026-03-02T10:00');
    const ev = (type: string, input: Record<string, unknown>) => ({ type, at, actor, input });
    let [s] = initialTransition(machine, {
      caseId: 'm-1',
      at,
      title: 't',
      kind: 'family',
      parties: ['a', 'b'],
      community: 'c-01',
    });
    for (const e of [
      ev('mediation.investigated', { note: 'n' }),
      ev('mediation.sign', { party: 'a' }),
      ev('mediation.sign', { party: 'b' }),
    ]) {
      [s] = transition(machine, s, e as never);
    }
    expect(s.value).toBe('agreed');
    expect(reads).toEqual(declaredRuleReads(peoplesMediationProcess));
  });

  it('takes its time limit from the policy: family disputes get 10 working days', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({
      process: 'peoplesMediation',
      input: { title: '赡养纠纷', kind: 'family', parties: ['甲', '乙'], community: 'c-01' },
      actor: mediator,
    });
    const after = await runtime.send(
      c.id,
      { type: 'mediation.investigated', input: { note: '了解情况' } },
      { actor: mediator },
    );
    expect(after.nextDueAt).toBe(bj('2026-03-16T09:00'));
  });

  it('is checked like any process: schema, permission scope, state', async () => {
    const { runtime } = setup();
    await expect(
      runtime.submit({
        process: 'peoplesMediation',
        input: { title: 'x', kind: 'war', parties: ['a', 'b'], community: 'c-01' },
        actor: mediator,
      }),
    ).rejects.toMatchObject({ code: 'input.invalid', path: '/input/kind' });
    await expect(
      runtime.submit({
        process: 'peoplesMediation',
        input: { title: 'x', kind: 'family', parties: ['a', 'b'], community: 'c-01' },
        actor: outsider,
      }),
    ).rejects.toBeInstanceOf(GridflowError);
    const c = await runtime.submit({
      process: 'peoplesMediation',
      input: { title: 'x', kind: 'family', parties: ['a', 'b'], community: 'c-01' },
      actor: mediator,
    });
    await expect(runtime.send(c.id, { type: 'mediation.close' }, { actor: mediator })).rejects.toMatchObject({
      code: 'command.not_allowed_in_state',
    });
  });

  it('upgrades stored cases when the machine definition changes (version 1 → 2)', async () => {
    const { runtime, store, clock } = setup();
    const c = await runtime.submit({
      process: 'peoplesMediation',
      input: { title: '旧案', kind: 'labour', parties: ['甲', '乙'], community: 'c-01' },
      actor: mediator,
    });
    await runtime.send(c.id, { type: 'mediation.investigated', input: { note: '旧版本' } }, { actor: mediator });
    // Version 2 renames `investigating`/`mediating` nowhere but adds a `channel` to the context: old snapshots lack it.
    const v2: ProcessDefinition = {
      ...peoplesMediationProcess,
      version: 2,
      migrations: {
        1: ({ value, context }) => ({ value, context: { ...(context as object), channel: 'walk_in' } }),
      },
    };
    const runtime2 = createRuntime({
      store,
      clock,
      policies: createPolicyRegistry([mediationPolicy()]),
      processes: [...builtInProcesses, v2],
    });
    const upgraded = await runtime2.send(
      c.id,
      { type: 'mediation.session', input: { note: '第二次调解' } },
      { actor: mediator },
    );
    expect(upgraded.processVersion).toBe(2);
    expect((upgraded.snapshot.context as { channel?: string }).channel).toBe('walk_in');
    expect(upgraded.state).toBe('mediating');
    // A definition that skipped the migration cannot read old cases: a clear error, nothing changed.
    const v3 = { ...peoplesMediationProcess, version: 3, migrations: {} };
    const runtime3 = createRuntime({
      store,
      clock,
      policies: createPolicyRegistry([mediationPolicy()]),
      processes: [...builtInProcesses, v3],
    });
    await expect(
      runtime3.send(c.id, { type: 'mediation.session', input: { note: 'x' } }, { actor: mediator }),
    ).rejects.toMatchObject({ code: 'process.no_migration' });
  });
});
