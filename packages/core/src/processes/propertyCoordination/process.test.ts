import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock.js';
import { isKnownCommand } from '../../policy/commands.js';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { createProcessEnv } from '../contract/env.js';
import type { Actor, JsonSchema } from '../contract/types.js';
import { appealEvaluationProcess } from '../appealEvaluation/process.js';
import { gridEscalationProcess } from '../gridEscalation/process.js';
import { propertyCoordinationInputSchema, propertyCoordinationProcess } from './process.js';
import { createRuntime } from '../../runtime/createRuntime.js';
import { createMemoryStore } from '../../runtime/memoryStore.js';
import { createPolicyRegistry } from '../../runtime/policyRegistry.js';
import { validateJson } from '../../runtime/validateJson.js';
import { GridflowError } from '../../errors.js';
import type { Policy } from '../../policy/types.js';
import type { PropertyCoordinationContext } from './index.js';

const DAY = 86_400_000;
const policy = createDefaultPolicy();
const machine = propertyCoordinationProcess.createMachine(createProcessEnv(policy, { decisions: [] }));

const input = {
  compoundId: 'x-01',
  communityId: 'c-01',
  streetId: 's-01',
  gridId: 'g-01',
  matterType: 'parking',
  title: '地面车位分配争议',
  description: '业主与物业就地面车位分配方式发生争议',
  raisedBy: 'r-01',
};

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(nodes)];
}
const stateNodes = nodes(machine.root).filter((n) => n.path.length > 0);

describe('propertyCoordinationProcess: the definition', () => {
  it('is version 1 with Chinese and English names', () => {
    expect(propertyCoordinationProcess).toMatchObject({
      id: 'propertyCoordination',
      version: 1,
      submitCommand: 'matter.raise',
    });
    expect(propertyCoordinationProcess.name.zh).toBeTruthy();
    expect(propertyCoordinationProcess.name.en).toBeTruthy();
  });

  it('names every state path, marking exactly the final states final', () => {
    const paths = stateNodes.map((n) => n.path.join('.')).sort();
    expect(Object.keys(propertyCoordinationProcess.states).sort()).toEqual(paths);
    for (const n of stateNodes) {
      const def = propertyCoordinationProcess.states[n.path.join('.')]!;
      expect(def.name.zh && def.name.en).toBeTruthy();
      expect(def.final === true).toBe(n.type === 'final');
    }
  });

  it('describes every event the machine takes, with known command names for users', () => {
    const accepted = new Set(nodes(machine.root).flatMap((n) => [...n.ownEvents]));
    const described = new Set(propertyCoordinationProcess.commands.map((c) => c.type));
    expect([...accepted].sort()).toEqual([...described].sort());
    for (const c of propertyCoordinationProcess.commands) {
      if (!c.internal) expect(isKnownCommand(c.type), c.type).toBe(true);
      expect(c.name.zh && c.name.en).toBeTruthy();
      expect(c.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });

  it('validates submissions with its JSON Schema and the policy', () => {
    expect(validateJson(propertyCoordinationInputSchema, input)).toEqual([]);
    const { gridId: _gridId, ...withoutGrid } = input;
    expect(validateJson(propertyCoordinationInputSchema, withoutGrid).map((p) => p.path)).toContain('/gridId');
    expect(validateJson(propertyCoordinationInputSchema, { ...input, extra: 1 })).not.toEqual([]);
    expect(propertyCoordinationProcess.validateInput!(input, policy)).toEqual([]);
    expect(
      propertyCoordinationProcess.validateInput!({ ...input, matterType: 'karaoke', urgency: 'whenever' }, policy).map(
        (p) => p.path,
      ),
    ).toEqual(['/matterType', '/urgency']);
  });

  it('validates command inputs with their schemas', () => {
    const schema = (type: string) => propertyCoordinationProcess.commands.find((c) => c.type === type)!.inputSchema;
    const ok: [string, unknown][] = [
      ['matter.meeting.schedule', { meetingAt: 1_800_000_000_000, invited: ['department:housing'], place: '会议室' }],
      ['matter.meeting.attend', { party: 'community' }],
      ['matter.meeting.attend', { party: 'department:housing', reason: '无账号，由社区登记' }],
      ['matter.meeting.hold', { note: '按时召开' }],
      ['matter.resolution.adopt', { decision: '同意', votes: { community: 'yes', property_company: 'abstain' } }],
      [
        'matter.vote.record',
        {
          totalArea: 3000.5,
          totalOwners: 30,
          participatingArea: 2000,
          participatingOwners: 20,
          yesArea: 1500,
          yesOwners: 15,
        },
      ],
      ['matter.action.add', { id: 'a1', party: 'property_company', title: '划线' }],
      ['matter.action.done', {}],
      ['matter.escalate.street', { reason: '未果', attributes: { dispute_type: 'parking' } }],
      ['matter.verify', { passed: true }],
    ];
    for (const [type, value] of ok) expect(validateJson(schema(type), value), type).toEqual([]);
    const bad: [string, unknown][] = [
      ['matter.meeting.schedule', { meetingAt: 'tomorrow' }],
      ['matter.resolution.adopt', { decision: '同意', votes: { community: 'maybe' } }],
      [
        'matter.vote.record',
        {
          totalArea: -1,
          totalOwners: 30,
          participatingArea: 2000,
          participatingOwners: 20,
          yesArea: 1500,
          yesOwners: 15,
        },
      ],
      ['matter.action.add', { id: 'a1', party: 'property_company' }],
      ['matter.meeting.confirm', {}],
      // Attendance is recorded per party, not listed when the meeting is held.
      ['matter.meeting.hold', { attending: ['community', 'owners_committee'] }],
    ];
    for (const [type, value] of bad) expect(validateJson(schema(type), value), type).not.toEqual([]);
  });
});

describe('propertyCoordinationProcess: in the runtime', () => {
  const secretary: Actor = { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01'] };

  it('runs a matter to no consensus and escalates it into a linked street-level grid case', async () => {
    const clock = createManualClock(Date.parse('2026-03-02T09:00:00+08:00'));
    let n = 0;
    const runtime = createRuntime({
      store: createMemoryStore(),
      clock,
      policies: createPolicyRegistry([createDefaultPolicy()]),
      processes: [gridEscalationProcess, propertyCoordinationProcess, appealEvaluationProcess],
      newId: () => `c${++n}`,
    });
    const matter = await runtime.submit({ process: 'propertyCoordination', input, actor: secretary });
    expect(matter.summary).toMatchObject({
      open: true,
      reporterId: 'r-01',
      units: expect.arrayContaining(['community:c-01', 'compound:x-01']),
    });
    const send = (type: string, commandInput: Record<string, unknown> = {}) =>
      runtime.send(matter.id, { type, input: commandInput }, { actor: secretary });
    await send('matter.triage.consult');
    await send('matter.preconsult.done');
    const meetingAt = clock.now() + 4 * DAY;
    await send('matter.meeting.schedule', { meetingAt });
    clock.set(meetingAt);
    await send('matter.meeting.attend', { party: 'community' });
    for (const party of ['owners_committee', 'property_company'])
      await send('matter.meeting.attend', { party, reason: '代表无系统账号，由召集人登记' });
    await send('matter.meeting.hold', {});
    await send('matter.no_consensus', { reason: '物业不同意摇号' });
    const escalated = await send('matter.escalate.street', { reason: '三方协商未果，提请街道协调' });

    expect(escalated.state).toBe('escalated');
    const linked = (escalated.snapshot.context as unknown as PropertyCoordinationContext).escalation?.linkedCaseId;
    expect(linked).toBeDefined();
    const street = await runtime.get(linked!, { actor: secretary });
    expect(street.process).toBe('gridEscalation');
    expect(street.summary.units).toEqual(expect.arrayContaining(['grid:g-01', 'community:c-01', 'street:s-01']));
    expect(street.summary.category).toBe('property_dispute');
  });
});

describe('propertyCoordinationProcess: each party acts for itself (finding 1), with reasons (finding 3)', () => {
  const HOUR = 3_600_000;
  const secretary: Actor = { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01'] };
  const owners: Actor = { id: 'u-owners', roles: ['owners_committee'], units: ['compound:x-01'] };
  const company: Actor = { id: 'u-company', roles: ['property_company'], units: ['compound:x-01'] };
  const housing: Actor = { id: 'u-housing', roles: ['department_liaison'], units: ['department:housing'] };

  async function setup(policyOverride?: Policy) {
    const clock = createManualClock(Date.parse('2026-03-02T09:00:00+08:00'));
    let n = 0;
    const runtime = createRuntime({
      store: createMemoryStore(),
      clock,
      policies: createPolicyRegistry([policyOverride ?? createDefaultPolicy()]),
      processes: [gridEscalationProcess, propertyCoordinationProcess, appealEvaluationProcess],
      newId: () => `c${++n}`,
    });
    const matter = await runtime.submit({ process: 'propertyCoordination', input, actor: secretary });
    const send = (type: string, commandInput: Record<string, unknown> = {}, actor: Actor = secretary) =>
      runtime.send(matter.id, { type, input: commandInput }, { actor });
    const refusal = async (type: string, commandInput: Record<string, unknown>, actor: Actor) => {
      const error = await send(type, commandInput, actor).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, `${actor.id} ${type}`).toBeInstanceOf(GridflowError);
      return error as GridflowError;
    };
    await send('matter.triage.consult');
    await send('matter.preconsult.done');
    const meetingAt = clock.now() + 4 * DAY;
    await send('matter.meeting.schedule', { meetingAt, invited: ['department:housing'] });
    return { runtime, clock, matter, send, refusal, meetingAt };
  }

  it('refuses a party confirming, recording presence or signing for another (403 permission.not_party)', async () => {
    const { clock, send, refusal, meetingAt } = await setup();
    const forCompany = await refusal('matter.meeting.confirm', { party: 'property_company' }, owners);
    expect(forCompany.code).toBe('permission.not_party');
    expect(forCompany.messages.zh).toContain('不能代表物业服务企业');
    expect(forCompany.messages.zh).toContain('业主委员会');
    expect(forCompany.messages.en).toContain('for the property company');
    await send('matter.meeting.confirm', { party: 'owners_committee' }, owners);
    await send('matter.meeting.confirm', { party: 'property_company' }, company);
    await send('matter.meeting.confirm', { party: 'community' });
    await send('matter.meeting.confirm', { party: 'department:housing' }, housing);

    clock.set(meetingAt);
    expect((await refusal('matter.meeting.attend', { party: 'owners_committee' }, company)).code).toBe(
      'permission.not_party',
    );
    // Only the convener records another party's presence, and only with a reason.
    expect(
      (await refusal('matter.meeting.attend', { party: 'owners_committee', reason: '代登记' }, company)).code,
    ).toBe('permission.not_party');
    expect((await refusal('matter.meeting.attend', { party: 'owners_committee' }, secretary)).code).toBe(
      'permission.not_party',
    );
    await send('matter.meeting.attend', { party: 'owners_committee', reason: '业委会主任手机没电，由社区登记' });
    await send('matter.meeting.attend', { party: 'property_company' }, company);
    await send('matter.meeting.attend', { party: 'community' });
    await send('matter.meeting.attend', { party: 'department:housing' }, housing);
    await send('matter.meeting.hold', {});
    await send('matter.resolution.adopt', {
      decision: '按楼栋摇号分配',
      votes: { community: 'yes', owners_committee: 'yes', property_company: 'yes' },
    });
    expect((await refusal('matter.resolution.sign', { party: 'owners_committee' }, company)).code).toBe(
      'permission.not_party',
    );
    expect((await refusal('matter.resolution.sign', { party: 'department:housing' }, secretary)).code).toBe(
      'permission.not_party',
    );
    // Every attending party signs for itself, the invited department too (finding 4).
    await send('matter.resolution.sign', { party: 'owners_committee' }, owners);
    await send('matter.resolution.sign', { party: 'property_company' }, company);
    await send('matter.resolution.sign', { party: 'community' });
    const signed = await send('matter.resolution.sign', { party: 'department:housing' }, housing);
    expect(signed.state).toBe('implementation');

    await send('matter.action.add', { id: 'a-1', party: 'property_company', title: '重新划线' });
    const other = await refusal('matter.action.done', { id: 'a-1' }, owners);
    expect(other.code).toBe('permission.not_party');
    expect((await send('matter.action.done', { id: 'a-1' }, company)).version).toBeGreaterThan(signed.version);
  });

  it('offers each caller only the parties it acts for (availableCommands narrows the party field)', async () => {
    const { runtime, matter, clock, send, meetingAt } = await setup();
    const offered = async (actor: Actor, type: string) =>
      (await runtime.availableCommands(matter.id, { actor })).find((c) => c.type === type);
    const partyEnum = (c: { inputSchema: JsonSchema } | undefined, field = 'party') =>
      ((c?.inputSchema.properties as Record<string, JsonSchema>)[field]?.enum as string[] | undefined) ?? null;
    expect(partyEnum(await offered(owners, 'matter.meeting.confirm'))).toEqual(['owners_committee']);
    expect(partyEnum(await offered(housing, 'matter.meeting.confirm'))).toEqual(['department:housing']);
    expect(partyEnum(await offered(secretary, 'matter.meeting.confirm'))).toEqual(['community']);
    clock.set(meetingAt);
    // The convener may record any party's presence with a reason: not narrowed.
    expect(partyEnum(await offered(secretary, 'matter.meeting.attend'))).toBeNull();
    expect(partyEnum(await offered(company, 'matter.meeting.attend'))).toEqual(['property_company']);
    for (const [party, actor] of [
      ['community', secretary],
      ['owners_committee', owners],
      ['property_company', company],
    ] as const)
      await send('matter.meeting.attend', { party }, actor);
    await send('matter.meeting.hold', {});
    await send('matter.resolution.adopt', {
      decision: '按楼栋摇号分配',
      votes: { community: 'yes', owners_committee: 'yes', property_company: 'yes' },
    });
    for (const party of ['owners_committee', 'property_company', 'community'] as const)
      await send(
        'matter.resolution.sign',
        { party },
        { owners_committee: owners, property_company: company, community: secretary }[party],
      );
    await send('matter.action.add', { id: 'a-1', party: 'property_company', title: '重新划线' });
    const done = await offered(owners, 'matter.action.done');
    expect(done?.available).toBe(false);
    expect(done?.reason?.zh).toContain('须由物业服务企业自己办理');
    expect(done?.reason?.en).toContain('you act for the owners’ committee');
    await send('matter.action.add', { id: 'a-2', party: 'owners_committee', title: '通知业主' });
    const narrowed = await offered(owners, 'matter.action.done');
    expect(narrowed?.available).toBe(true);
    expect(partyEnum(narrowed, 'id')).toEqual(['a-2']);
    expect(narrowed?.inputSchema.required).toContain('id');
    expect(partyEnum(await offered(secretary, 'matter.action.done'), 'id')).toBeNull();
  });

  it('lets a permission row with actFor act for a named party', async () => {
    const policy = createDefaultPolicy();
    const withRow: Policy = {
      ...policy,
      permissions: [
        ...policy.permissions,
        {
          id: 'p-owners-confirm-company',
          role: 'owners_committee',
          command: 'matter.meeting.confirm',
          scope: 'compound',
          actFor: ['property_company'],
        },
      ],
    };
    const { send } = await setup(withRow);
    const confirmed = await send('matter.meeting.confirm', { party: 'property_company' }, owners);
    const ctx = confirmed.snapshot.context as unknown as PropertyCoordinationContext;
    expect(Object.keys(ctx.meetings[0]!.confirmations)).toEqual(['property_company']);
  });

  it('refuses to hold a meeting before its time with the rule explained, and records decisions in history', async () => {
    const { runtime, clock, matter, send, refusal, meetingAt } = await setup();
    clock.set(meetingAt - 96 * HOUR);
    const early = await refusal('matter.meeting.hold', {}, secretary);
    expect(early.code).toBe('command.refused');
    expect(early.messages.zh).toBe(
      '规则不允许执行 matter.meeting.hold：“会议时间已到”不成立：距会议开始 96 小时，超过 0 小时',
    );
    expect(early.messages.en).toContain('meeting time reached');
    clock.set(meetingAt);
    for (const [party, actor] of [
      ['community', secretary],
      ['owners_committee', owners],
    ] as const)
      await send('matter.meeting.attend', { party }, actor);
    await send('matter.meeting.hold', {});
    const history = await runtime.history(matter.id, { actor: secretary, locale: 'zh' });
    const hold = history.find((e) => e.command === 'matter.meeting.hold')!;
    expect(hold.to).toBe('scheduling');
    expect(hold.decisions.map((d) => [d.rule, d.result])).toEqual([
      ['coordination.meetingTime', true],
      ['coordination.quorum', false],
    ]);
    expect((hold.decisions[1] as { explanation: string }).explanation).toContain('到会的必到方 2');
    const schedule = history.find((e) => e.command === 'matter.meeting.schedule')!;
    expect(schedule.decisions.map((d) => d.rule)).toEqual(['coordination.notice']);
  });

  it('describes its context with a JSON Schema that real contexts satisfy (finding 5)', async () => {
    const { clock, send, meetingAt } = await setup();
    clock.set(meetingAt);
    await send('matter.meeting.attend', { party: 'community' });
    const failed = await send('matter.meeting.hold', {});
    const schema = propertyCoordinationProcess.contextSchema!;
    expect(validateJson(schema, failed.snapshot.context)).toEqual([]);
    expect(validateJson(schema, { ...failed.snapshot.context, surprise: 1 })).not.toEqual([]);
    expect(Object.keys(propertyCoordinationProcess.parties!)).toEqual([
      'community',
      'owners_committee',
      'property_company',
    ]);
  });
});
