import { describe, expect, it } from 'vitest';
import {
  builtInProcesses,
  createDefaultPolicy,
  createManualClock,
  createMemoryStore,
  createPolicyRegistry,
  createRuntime,
  validatePolicy,
  type Actor,
  type Policy,
} from '@gridflow/core';
import { validationOptionsFor } from '@gridflow/core/policy';
import { type ExplainedHistoryEntry } from '@gridflow/core/runtime';
import { contractRules, residentContractsProcess, type ContractContext } from './residentContracts.js';

const bj = (local: string) => Date.parse(`${local}+08:00`);
const DAY = 24 * 3_600_000;

/** The default policy plus the contracts: residents sign in their compound, community staff approve. */
export function contractPolicy(): Policy {
  const policy = createDefaultPolicy();
  policy.permissions.push(
    { id: 'p-resident-contract-submit', role: 'resident', command: 'contract.submit', scope: 'compound' },
    { id: 'p-resident-contract-sign', role: 'resident', command: 'contract.sign', scope: 'compound' },
    { id: 'p-community-contract', role: 'community_staff', command: 'contract.*', scope: 'community' },
  );
  policy.rules.custom = structuredClone(contractRules);
  return policy;
}

const resident: Actor = { id: 'u-r1', roles: ['resident'], units: ['compound:x-01'] };
const neighbour: Actor = { id: 'u-r2', roles: ['resident'], units: ['compound:x-01'] };
const staff: Actor = { id: 'u-c1', roles: ['community_staff'], units: ['community:c-01'] };
const processes = [...builtInProcesses, residentContractsProcess];
const options = validationOptionsFor(processes);

function setup() {
  const clock = createManualClock(bj('2026-03-02T09:00'));
  const runtime = createRuntime({
    store: createMemoryStore(),
    clock,
    policies: createPolicyRegistry([contractPolicy()]),
    processes,
  });
  return { runtime, clock };
}

const contract = {
  title: '3 号楼 201 室居民五约',
  household: '3-201',
  phone: '13900000001',
  pledges: ['dogs', 'sorting', 'parking'],
  compound: 'x-01',
  community: 'c-01',
  required: 2,
};

describe('resident contracts (居民五约), composed in code', () => {
  it('its policy validates with the options its definition gives; without them the rows are unknown', () => {
    expect(validatePolicy(contractPolicy(), options).problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(options.commands).toEqual(expect.arrayContaining(['contract.submit', 'contract.sign', 'case.sign']));
    expect(validatePolicy(contractPolicy()).problems.map((p) => [p.code, p.path])).toContainEqual([
      'permissions.unknown_command',
      expect.stringMatching(/^\/permissions\/\d+\/command$/),
    ]);
    // With the process's facts, a misspelt fact in a custom rule is found (it used to pass unseen).
    const typo = contractPolicy();
    typo.rules.custom!.contractReady!.logic = { '>=': [{ var: 'contract.sigend' }, { var: 'contract.required' }] };
    expect(validatePolicy(typo, options).problems.map((p) => p.code)).toContain('rule.unknown_fact');
    // A custom rule under a built-in name would never be read.
    const clash = contractPolicy();
    clash.rules.custom!.escalate = clash.rules.custom!.contractReady!;
    expect(validatePolicy(clash, options).problems.map((p) => [p.code, p.path])).toContainEqual([
      'duplicate.rule_key',
      '/rules/custom/escalate',
    ]);
  });

  it('runs: signatures, approval by the policy rule, a review every 30 days, typed context', async () => {
    const { runtime, clock } = setup();
    let c = await runtime.submit<ContractContext>({ process: 'residentContracts', input: contract, actor: resident });
    expect(c.snapshot.context.submittedBy).toBe('u-r1');
    // Too few signatures: the rule refuses the approval, and says why with the facts' names.
    const refused = await runtime
      .send(c.id, { type: 'contract.approve' }, { actor: staff })
      .catch((e: { code: string }) => e);
    expect(refused).toMatchObject({ code: 'command.refused' });
    c = await runtime.send<ContractContext>(
      c.id,
      { type: 'contract.sign', input: { household: '3-202' } },
      { actor: neighbour },
    );
    c = await runtime.send<ContractContext>(
      c.id,
      { type: 'contract.sign', input: { household: '3-301' } },
      { actor: neighbour },
    );
    expect(c.snapshot.context.signedBy).toEqual(['3-202', '3-301']);
    c = await runtime.send<ContractContext>(c.id, { type: 'contract.approve' }, { actor: staff });
    expect(c.state).toBe('inForce');
    const approvedAt = clock.now();
    expect(c.nextDueAt).toBe(approvedAt + 30 * DAY);
    // The review deadline is set again under its own id each time it fires, and fires each time.
    for (let month = 1; month <= 3; month++) {
      clock.set(approvedAt + month * 30 * DAY);
      expect((await runtime.tick()).fired).toBe(1);
    }
    const read = await runtime.get<ContractContext>(c.id, { actor: staff });
    expect(read.snapshot.context.reviews).toBe(3);
    expect(read.nextDueAt).toBe(approvedAt + 4 * 30 * DAY);

    const history = (await runtime.history(c.id, { actor: staff, locale: 'zh' })) as ExplainedHistoryEntry[];
    const approval = history.find((h) => h.command === 'contract.approve')!;
    const ready = approval.decisions.find((d) => d.rule === 'contractReady')!;
    expect(ready.explanation).toContain('已签字户数');
    expect(ready.explanation).toContain('应签字户数');
    const en = (await runtime.history(c.id, { actor: staff, locale: 'en' })) as ExplainedHistoryEntry[];
    expect(en.find((h) => h.command === 'contract.approve')!.decisions[0]!.explanation).toContain('households signed');
  });

  it('a rule giving the wrong type is a clear error, not a silent false', async () => {
    const policy = contractPolicy();
    policy.rules.custom!.contractReady!.logic = { '+': [{ var: 'contract.signed' }, 1] };
    const runtime = createRuntime({
      store: createMemoryStore(),
      clock: createManualClock(bj('2026-03-02T09:00')),
      policies: createPolicyRegistry([policy]),
      processes,
    });
    const c = await runtime.submit({ process: 'residentContracts', input: contract, actor: resident });
    await expect(runtime.send(c.id, { type: 'contract.approve' }, { actor: staff })).rejects.toMatchObject({
      code: 'rule.wrong_type',
      path: '/rules/custom/contractReady',
    });
  });

  it('its rows open its cases only: a resident who may sign contracts in the compound reads no grid case there', async () => {
    const { runtime } = setup();
    const grid = await runtime.submit({
      process: 'gridEscalation',
      input: {
        category: 'noise',
        title: '夜间施工噪声',
        description: '小区旁工地夜间施工',
        source: 'walk_in',
        anonymous: false,
        reporter: { id: 'u-r9', name: '赵六', phone: '13800000009' },
        units: { grid: 'g-01', community: 'c-01', street: 's-01', compound: 'x-01' },
        attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
      },
      actor: { id: 'u-r9', roles: ['resident'], units: [] },
    });
    expect(grid.summary.units).toContain('compound:x-01');
    expect(runtime.canRead(grid, neighbour)).toBe(false);
    await expect(runtime.get(grid.id, { actor: neighbour })).rejects.toMatchObject({ code: 'case.not_found' });
    const own = await runtime.submit({ process: 'residentContracts', input: contract, actor: resident });
    expect(runtime.canRead(own, neighbour)).toBe(true);
  });
});
