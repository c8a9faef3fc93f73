import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../clock.js';
import { isKnownCommand } from '../policy/commands.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import { createProcessEnv } from '../process/env.js';
import type { Actor } from '../process/types.js';
import { appealEvaluationProcess } from '../processes/appealEvaluation.js';
import { gridEscalationProcess } from '../processes/gridEscalation.js';
import { propertyCoordinationInputSchema, propertyCoordinationProcess } from '../processes/propertyCoordination.js';
import { createRuntime } from '../runtime/createRuntime.js';
import { createMemoryStore } from '../runtime/memoryStore.js';
import { createPolicyRegistry } from '../runtime/policyRegistry.js';
import { validateJson } from '../runtime/validateJson.js';
import type { PropertyCoordinationContext } from './propertyCoordination.js';

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
      ['matter.meeting.hold', { attending: ['community', 'owners_committee'] }],
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
    await send('matter.meeting.hold', { attending: ['community', 'owners_committee', 'property_company'] });
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
