import { assign, setup, type AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../clock.js';
import { isKnownCommand } from '../../policy/commands.js';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { createProcessEnv } from '../contract/env.js';
import { SYSTEM_ACTOR, type Actor, type CaseEvent, type ProcessDefinition } from '../contract/types.js';
import { appealEvaluationInputSchema, appealEvaluationProcess } from './process.js';
import { gridEscalationProcess } from '../gridEscalation/process.js';
import { createRuntime } from '../../runtime/createRuntime.js';
import { createMemoryStore } from '../../runtime/memoryStore.js';
import { createPolicyRegistry } from '../../runtime/policyRegistry.js';
import { validateJson } from '../../runtime/validateJson.js';
import { GridflowError } from '../../errors.js';
import type { AppealEvaluationContext } from './index.js';

const policy = createDefaultPolicy();
const machine = appealEvaluationProcess.createMachine(createProcessEnv(policy, { decisions: [] }));

const input = {
  subjectCaseId: 'g-case-1',
  subjectProcess: 'gridEscalation',
  evaluatorKind: 'resident',
  evaluatorId: 'u-resident',
  unit: 'grid:g-01',
  reporterId: 'u-resident',
  subjectUnits: ['grid:g-01', 'community:c-01'],
};

function nodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...(Object.values(node.states) as AnyStateNode[]).flatMap(nodes)];
}
const stateNodes = nodes(machine.root).filter((n) => n.path.length > 0);

describe('appealEvaluationProcess: the definition', () => {
  it('is version 1 with Chinese and English names', () => {
    expect(appealEvaluationProcess).toMatchObject({
      id: 'appealEvaluation',
      version: 1,
      submitCommand: 'evaluation.rate',
    });
    expect(appealEvaluationProcess.name.zh && appealEvaluationProcess.name.en).toBeTruthy();
  });

  it('names every state path; the outcome states (rated, unreachable, excluded) are final', () => {
    expect(Object.keys(appealEvaluationProcess.states).sort()).toEqual(stateNodes.map((n) => n.path.join('.')).sort());
    for (const n of stateNodes) {
      const def = appealEvaluationProcess.states[n.path.join('.')]!;
      expect(def.name.zh && def.name.en).toBeTruthy();
      if (n.type === 'final') expect(def.final).toBe(true);
    }
    const finals = Object.entries(appealEvaluationProcess.states)
      .filter(([, d]) => d.final)
      .map(([k]) => k)
      .sort();
    expect(finals).toEqual(['excluded', 'rated', 'rated.standing', 'unreachable']);
  });

  it('describes every event the machine takes, all of them known commands', () => {
    const accepted = new Set(nodes(machine.root).flatMap((n) => [...n.ownEvents]));
    expect([...accepted].sort()).toEqual(appealEvaluationProcess.commands.map((c) => c.type).sort());
    for (const c of appealEvaluationProcess.commands) {
      expect(isKnownCommand(c.type), c.type).toBe(true);
      expect(c.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
    }
  });

  it('validates submissions with its JSON Schema and the policy', () => {
    expect(validateJson(appealEvaluationInputSchema, input)).toEqual([]);
    expect(validateJson(appealEvaluationInputSchema, { ...input, evaluatorKind: 'neighbour' })).not.toEqual([]);
    expect(validateJson(appealEvaluationInputSchema, { ...input, unit: 'urban_management' })).not.toEqual([]);
    expect(appealEvaluationProcess.validateInput!(input, policy)).toEqual([]);
    expect(
      appealEvaluationProcess.validateInput!({ ...input, evaluatorKind: 'lower_level' }, policy).map((p) => p.code),
    ).toEqual(['evaluation.evaluator_unit_missing']);
    expect(
      appealEvaluationProcess.validateInput!(
        { ...input, evaluatorKind: 'lower_level', evaluatorUnit: 'grid:g-01' },
        policy,
      ).map((p) => p.code),
    ).toEqual(['evaluation.self_rating']);
  });

  it('validates command inputs with their schemas', () => {
    const schema = (type: string) => appealEvaluationProcess.commands.find((c) => c.type === type)!.inputSchema;
    expect(
      validateJson(schema('evaluation.rate'), { rating: 'unsatisfied', solved: false, reason: 'not_solved' }),
    ).toEqual([]);
    expect(validateJson(schema('evaluation.rate'), { rating: 'satisfied' })).not.toEqual([]);
    expect(validateJson(schema('evaluation.revisit.attempt'), { channel: 'wechat', reached: true })).not.toEqual([]);
    expect(
      validateJson(schema('evaluation.appeal.decide'), { upheld: true, note: '更正', correctedRating: 'satisfied' }),
    ).toEqual([]);
    expect(validateJson(schema('evaluation.appeal'), {})).not.toEqual([]);
  });

  it('sends a reopen the grid-escalation process accepts', () => {
    const reopen = gridEscalationProcess.commands.find((c) => c.type === 'case.reopen')!;
    expect(validateJson(reopen.inputSchema, { reason: 'not_solved', evaluationCaseId: 'ev-1' })).toEqual([]);
  });
});

describe('appealEvaluationProcess: in the runtime', () => {
  /** A stand-in subject process: a closed case that a redo reopens. */
  const subjectProcess: ProcessDefinition = {
    id: 'subject',
    version: 1,
    name: { zh: '测试案件', en: 'Test case' },
    createMachine: () =>
      setup({
        types: {} as {
          context: { deadlines: []; reopenedFor?: string };
          events: CaseEvent<'case.reopen', { reason?: string; evaluationCaseId?: string }>;
        },
      }).createMachine({
        id: 'subject',
        context: { deadlines: [] },
        initial: 'closed',
        states: {
          closed: {
            on: {
              'case.reopen': {
                target: 'reopened',
                actions: assign({ reopenedFor: ({ event }) => event.input.reason }),
              },
            },
          },
          reopened: {},
        },
      }),
    inputSchema: { type: 'object' },
    commands: [
      { type: 'case.reopen', name: { zh: '重办', en: 'reopen' }, inputSchema: { type: 'object' }, internal: true },
    ],
    states: { closed: { name: { zh: '已结案', en: 'Closed' } }, reopened: { name: { zh: '重办', en: 'Reopened' } } },
    summarize: () => ({ units: ['grid:g-01'], open: true, reporterId: 'u-resident' }),
  };

  it('reopens the subject case in the same transaction when the rating requires a redo', async () => {
    const clock = createManualClock(Date.parse('2026-03-02T09:00:00+08:00'));
    let n = 0;
    const runtime = createRuntime({
      store: createMemoryStore(),
      clock,
      policies: createPolicyRegistry([createDefaultPolicy()]),
      processes: [subjectProcess, appealEvaluationProcess],
      newId: () => `c${++n}`,
    });
    const resident: Actor = { id: 'u-resident', roles: ['resident'], units: [] };
    const subject = await runtime.submit({ process: 'subject', input: {}, actor: SYSTEM_ACTOR });
    const evaluation = await runtime.submit({
      process: 'appealEvaluation',
      input: { ...input, subjectCaseId: subject.id, subjectProcess: 'subject' },
      actor: resident,
    });
    expect(evaluation.summary).toMatchObject({ open: true, reporterId: 'u-resident', level: 'grid' });

    const rated = await runtime.send(
      evaluation.id,
      { type: 'evaluation.rate', input: { rating: 'unsatisfied', solved: false, reason: 'not_solved' } },
      { actor: resident },
    );
    expect(rated.state).toBe('redoPending');
    const reopened = await runtime.get(subject.id, { actor: SYSTEM_ACTOR });
    expect(reopened.state).toBe('reopened');
    expect(reopened.snapshot.context).toMatchObject({ reopenedFor: 'not_solved' });
    const history = await runtime.history(evaluation.id, { actor: SYSTEM_ACTOR });
    expect(history.at(-1)?.decisions.map((d) => d.rule)).toEqual(['raterAllowed', 'redo']);

    const final = await runtime.send(
      evaluation.id,
      { type: 'evaluation.rate', input: { rating: 'satisfied', solved: true } },
      { actor: resident },
    );
    expect(final.state).toBe('rated.standing');
    expect(final.summary.open).toBe(false);
    const ctx = final.snapshot.context as unknown as AppealEvaluationContext;
    expect([ctx.firstRating, ctx.finalRating, ctx.countedRating]).toEqual(['unsatisfied', 'satisfied', 'satisfied']);
  });

  it('does not offer the rated unit’s staff the rating of their own unit, and refuses it with the rule explained', async () => {
    let n = 0;
    const runtime = createRuntime({
      store: createMemoryStore(),
      clock: createManualClock(Date.parse('2026-03-02T09:00:00+08:00')),
      policies: createPolicyRegistry([createDefaultPolicy()]),
      processes: [subjectProcess, appealEvaluationProcess],
      newId: () => `c${++n}`,
    });
    const resident: Actor = { id: 'u-resident', roles: ['resident'], units: [] };
    const leader: Actor = { id: 'u-leader', roles: ['street_leader'], units: ['street:s-01'] };
    const subject = await runtime.submit({ process: 'subject', input: {}, actor: SYSTEM_ACTOR });
    // The resident's evaluation of the street that answered the case.
    const evaluation = await runtime.submit({
      process: 'appealEvaluation',
      input: {
        ...input,
        subjectCaseId: subject.id,
        subjectProcess: 'subject',
        unit: 'street:s-01',
        subjectUnits: ['grid:g-01', 'community:c-01', 'street:s-01'],
      },
      actor: SYSTEM_ACTOR,
    });
    const rate = (commands: { type: string }[]) => commands.find((c) => c.type === 'evaluation.rate');
    // The street leader may rate evaluations of the street's cases (scope), but not this one.
    expect(rate(await runtime.availableCommands(evaluation.id, { actor: leader }))).toMatchObject({
      available: false,
      reason: {
        zh: '规则不允许评价：“评价人回避”不成立：操作人所属单位（street:s-01）包含被评价单位 street:s-01，且操作人（u-leader）与评价人（u-resident）不同',
        en: "The policy's rules do not allow this now: “The rated unit does not rate itself” does not apply: the actor’s units (street:s-01) contains the rated unit street:s-01, and the actor (u-leader) differs from the evaluator (u-resident)",
      },
    });
    const refused = await runtime
      .send(evaluation.id, { type: 'evaluation.rate', input: { rating: 'satisfied', solved: true } }, { actor: leader })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GridflowError);
    expect(refused).toMatchObject({
      code: 'command.refused',
      messages: {
        zh: expect.stringContaining('“评价人回避”不成立：操作人所属单位（street:s-01）包含被评价单位') as unknown,
      },
      details: { decisions: [{ rule: 'raterAllowed', result: false }] },
    });
    expect((await runtime.get(evaluation.id, { actor: SYSTEM_ACTOR })).state).toBe('awaitingRating');
    // The resident is offered it and rates.
    expect(rate(await runtime.availableCommands(evaluation.id, { actor: resident }))).toMatchObject({
      available: true,
    });
    const rated = await runtime.send(
      evaluation.id,
      { type: 'evaluation.rate', input: { rating: 'satisfied', solved: true } },
      { actor: resident },
    );
    expect(rated.state).toBe('rated.standing');
  });
});
