import { describe, expect, it } from 'vitest';
import type { GridflowError } from '../errors.js';
import type { Actor } from '../processes/contract/types.js';
import {
  bj,
  MIN,
  actor,
  gridWorker,
  gridWorker2,
  otherGridWorker,
  communityStaff,
  dispatcher,
  resident,
  submission,
  setup,
  expectError,
} from './createRuntime.fixtures.js';

describe('runtime: a whole grid case through the store', () => {
  it('plays submit → file → sign → contact → work → feedback → verify → close → archive with history', async () => {
    const { runtime, clock } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    expect(c.state).toBe('triage');
    expect(c.version).toBe(1);
    expect(c.policyVersion).toBe(1);
    const step = async (type: string, who: Actor, input: Record<string, unknown> = {}) => {
      clock.advance(10 * MIN);
      c = await runtime.send(c.id, { type, input }, { actor: who, expectedVersion: c.version });
      return c;
    };
    await step('case.triage.file', communityStaff);
    expect(c.state).toBe('handling.dispatched');
    expect(c.summary.level).toBe('grid');
    expect(c.nextDueAt).toBe(bj('2026-03-02T10:10'));
    await step('case.sign', gridWorker);
    await step('case.contact', gridWorker, { method: 'phone' });
    await step('case.start', gridWorker);
    await step('case.feedback', gridWorker, { note: '已协调停工', resolved: true });
    expect(c.state).toBe('verifying');
    await step('case.verify.pass', gridWorker2);
    await step('case.close', communityStaff);
    expect(c.summary.open).toBe(false);
    // Closing opened the resident's evaluation (谁呼谁评) in the same transaction, linked both ways.
    const evaluations = (await runtime.list({ process: 'appealEvaluation' })).items;
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]!.snapshot.context).toMatchObject({ subjectCaseId: c.id });
    expect((c.snapshot.context as { evaluations?: string[] }).evaluations).toEqual([evaluations[0]!.id]);
    await step('case.archive', dispatcher);
    expect(c.state).toBe('archived');
    expect(c.version).toBe(10);

    const history = await runtime.history(c.id, { actor: dispatcher });
    expect(history.map((h) => h.command)).toEqual([
      'case.submit',
      'case.triage.file',
      'case.sign',
      'case.contact',
      'case.start',
      'case.feedback',
      'case.verify.pass',
      'case.close',
      'case.evaluation.link',
      'case.archive',
    ]);
    expect(history.map((h) => h.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const filed = history[1]!;
    expect(filed).toMatchObject({
      from: 'triage',
      to: 'handling.dispatched',
      policyId: 'default',
      policyVersion: 1,
      actor: { id: 'u-comm' },
    });
    expect(filed.decisions.some((d) => d.rule.startsWith('routing:'))).toBe(true);
    const verify = history.find((h) => h.command === 'case.verify.pass')!;
    expect(verify.decisions).toContainEqual({
      rule: 'verifierAllowed',
      inputs: { 'actor.id': 'u-grid-2', 'case.handlerId': 'u-grid-1' },
      result: true,
    });
  });
});

describe('runtime: submission', () => {
  it('validates input by JSON Schema and by the category attributes, with paths', async () => {
    const { runtime, store } = setup();
    const e1 = await expectError(
      runtime.submit({ process: 'gridEscalation', input: submission({ title: 42 }), actor: gridWorker }),
      'input.invalid',
    );
    expect(e1.path).toBe('/input/title');
    const e2 = await expectError(
      runtime.submit({
        process: 'gridEscalation',
        input: submission({ attributes: { noise_source: 'construction' } }),
        actor: gridWorker,
      }),
      'input.invalid',
    );
    expect(e2.path).toBe('/input/attributes/location');
    expect((await store.listCases({ tenant: 'default' })).items).toHaveLength(0);
  });

  it('returns the first case for a repeated idempotency key', async () => {
    const { runtime, store } = setup();
    const a = await runtime.submit({
      process: 'gridEscalation',
      input: submission(),
      actor: gridWorker,
      idempotencyKey: 'k-1',
    });
    const b = await runtime.submit({
      process: 'gridEscalation',
      input: submission({ title: 'different' }),
      actor: gridWorker,
      idempotencyKey: 'k-1',
    });
    expect(b.id).toBe(a.id);
    expect(b.summary.title).toBe('夜间施工噪声');
    expect((await store.listCases({ tenant: 'default' })).items).toHaveLength(1);
  });

  it('checks the submit permission and scope', async () => {
    const { runtime } = setup();
    await expectError(
      runtime.submit({ process: 'gridEscalation', input: submission(), actor: otherGridWorker }),
      'permission.denied',
    );
    const own = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: resident });
    expect(own.summary.reporterId).toBe('u-resident');
    await expectError(
      runtime.submit({
        process: 'gridEscalation',
        input: submission({ reporter: { id: 'someone-else' } }),
        actor: resident,
      }),
      'permission.denied',
    );
  });

  it('refuses unknown processes', async () => {
    const { runtime } = setup();
    await expectError(runtime.submit({ process: 'nope', input: {}, actor: gridWorker }), 'process.not_found');
  });
});

describe('runtime: commands', () => {
  it('refuses a stale expected version with a conflict and changes nothing', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff, expectedVersion: 1 });
    await expectError(
      runtime.send(
        c.id,
        { type: 'case.triage.cancel', input: { reason: 'x' } },
        { actor: communityStaff, expectedVersion: 1 },
      ),
      'case.conflict',
    );
    const now = await runtime.get(c.id, { actor: communityStaff });
    expect(now.state).toBe('handling.dispatched');
    expect(now.version).toBe(2);
  });

  it('lets exactly one of two concurrent commands with the same expected version win', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    const results = await Promise.allSettled([
      runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff, expectedVersion: 1 }),
      runtime.send(
        c.id,
        { type: 'case.triage.cancel', input: { reason: '无效' } },
        { actor: communityStaff, expectedVersion: 1 },
      ),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failed.reason as GridflowError).code).toBe('case.conflict');
    expect((await runtime.history(c.id, { actor: communityStaff })).length).toBe(2);
  });

  it('checks permission by role, command and scope; hides cases outside the scope', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await expectError(runtime.send(c.id, { type: 'case.triage.file' }, { actor: gridWorker }), 'permission.denied');
    await expectError(runtime.send(c.id, { type: 'case.triage.file' }, { actor: otherGridWorker }), 'case.not_found');
    await expectError(runtime.get(c.id, { actor: otherGridWorker }), 'case.not_found');
  });

  it('validates command input and refuses commands the state does not accept', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    // In triage no unit holds the order: the grid worker may not sign yet, the street dispatcher (any level) is told why.
    await expectError(runtime.send(c.id, { type: 'case.sign' }, { actor: gridWorker }), 'permission.denied');
    await expectError(runtime.send(c.id, { type: 'case.sign' }, { actor: dispatcher }), 'command.not_allowed_in_state');
    await expectError(runtime.send(c.id, { type: 'case.fly' }, { actor: dispatcher }), 'command.unknown');
    await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
    await runtime.send(c.id, { type: 'case.sign' }, { actor: gridWorker });
    const e = await expectError(
      runtime.send(c.id, { type: 'case.return', input: { reason: 'because' } }, { actor: gridWorker }),
      'input.invalid',
    );
    const paths = (e.details as { problems: { path: string }[] }).problems.map((p) => p.path);
    expect(paths).toContain('/reason');
  });

  it('lets the unit that holds an order act on it: the grid at grid level, the community after it rose', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    const filed = await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
    expect(filed.summary.level).toBe('grid');
    // At grid level the community supervises but does not sign for the grid.
    await expectError(runtime.send(c.id, { type: 'case.sign' }, { actor: communityStaff }), 'permission.denied');
    const raised = await runtime.send(
      c.id,
      { type: 'case.dispatch', input: { level: 'community' } },
      { actor: dispatcher },
    );
    expect(raised.summary.level).toBe('community');
    // Now the community holds it: the grid worker still sees the case but no longer signs for it.
    expect((await runtime.get(c.id, { actor: gridWorker })).id).toBe(c.id);
    await expectError(runtime.send(c.id, { type: 'case.sign' }, { actor: gridWorker }), 'permission.denied');
    const signed = await runtime.send(c.id, { type: 'case.sign' }, { actor: communityStaff });
    expect(signed.state).toBe('handling.signed');
  });

  it('lets a department handle only while the order is with it, though it still sees the case afterwards', async () => {
    const { runtime } = setup();
    const liaison = actor('u-um', ['department_liaison'], ['department:urban_management']);
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
    const toDepartment = { level: 'department', department: 'urban_management' };
    await runtime.send(c.id, { type: 'case.dispatch', input: toDepartment }, { actor: dispatcher });
    expect((await runtime.availableCommands(c.id, { actor: liaison })).map((x) => x.type)).toContain('case.sign');
    const back = await runtime.send(c.id, { type: 'case.dispatch', input: { level: 'grid' } }, { actor: dispatcher });
    expect(back.summary.units).toContain('department:urban_management');
    expect((await runtime.get(c.id, { actor: liaison })).id).toBe(c.id);
    await expectError(runtime.send(c.id, { type: 'case.sign' }, { actor: liaison }), 'permission.denied');
  });

  it('reports a command refused by a rule with the decisions that refused it', async () => {
    const { runtime } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    for (const [type, who, input] of [
      ['case.triage.file', communityStaff, {}],
      ['case.sign', gridWorker, {}],
      ['case.contact', gridWorker, { method: 'phone' }],
      ['case.start', gridWorker, {}],
      ['case.feedback', gridWorker, { note: 'done', resolved: true }],
    ] as const) {
      c = await runtime.send(c.id, { type, input }, { actor: who });
    }
    const e = await expectError(
      runtime.send(c.id, { type: 'case.verify.pass' }, { actor: gridWorker }),
      'command.refused',
    );
    expect((e.details as { decisions: { rule: string; result: unknown }[] }).decisions).toContainEqual(
      expect.objectContaining({ rule: 'verifierAllowed', result: false }),
    );
  });

  it('lists the commands the caller may give now, with input schemas', async () => {
    const { runtime } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    const forStaff = (await runtime.availableCommands(c.id, { actor: communityStaff })).map((x) => x.type);
    expect(forStaff).toEqual(expect.arrayContaining(['case.triage.file', 'case.triage.cancel', 'case.triage.merge']));
    expect(forStaff).not.toContain('case.sign');
    const forWorker = await runtime.availableCommands(c.id, { actor: gridWorker });
    expect(forWorker.map((x) => x.type)).not.toContain('case.triage.file');
    const merge = (await runtime.availableCommands(c.id, { actor: communityStaff })).find(
      (x) => x.type === 'case.triage.merge',
    )!;
    expect(merge.inputSchema).toMatchObject({ type: 'object' });
  });
});

describe('runtime: two cases in one transaction', () => {
  it('merges a duplicate: both cases change together', async () => {
    const { runtime } = setup();
    const original = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    const dup = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.send(
      dup.id,
      { type: 'case.triage.merge', input: { caseId: original.id } },
      { actor: communityStaff },
    );
    expect((await runtime.get(dup.id, { actor: communityStaff })).state).toBe('merged');
    const orig = await runtime.get(original.id, { actor: communityStaff });
    expect((orig.snapshot.context as { duplicates?: string[] }).duplicates).toEqual([dup.id]);
    expect((await runtime.history(original.id, { actor: communityStaff })).map((h) => h.command)).toContain(
      'case.duplicate.link',
    );
  });

  it('commits neither case when the second one fails', async () => {
    const { runtime } = setup();
    const dup = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await expectError(
      runtime.send(
        dup.id,
        { type: 'case.triage.merge', input: { caseId: 'does-not-exist' } },
        { actor: communityStaff },
      ),
      'case.not_found',
    );
    const after = await runtime.get(dup.id, { actor: communityStaff });
    expect(after.state).toBe('triage');
    expect(after.version).toBe(1);
    expect(await runtime.history(dup.id, { actor: communityStaff })).toHaveLength(1);
  });
});

describe('runtime: writes that commit with a command', () => {
  it('runs beforeCommit in the command’s transaction: its error rolls the command back', async () => {
    const { runtime, store } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    const seen: number[] = [];
    await expect(
      runtime.send(
        c.id,
        { type: 'case.triage.file' },
        {
          actor: communityStaff,
          beforeCommit: async (record) => {
            seen.push(record.version);
            throw new Error('audit refused');
          },
        },
      ),
    ).rejects.toThrow('audit refused');
    expect(seen).toEqual([2]);
    expect((await store.getCase('default', c.id))?.version).toBe(1);
    expect((await store.history('default', c.id)).map((e) => e.command)).toEqual(['case.submit']);
    const filed = await runtime.send(
      c.id,
      { type: 'case.triage.file' },
      { actor: communityStaff, beforeCommit: async (record) => void seen.push(record.version) },
    );
    expect(filed.version).toBe(2);
    expect(seen).toEqual([2, 2]);
  });
});

describe('runtime: processes', () => {
  it('describes each process: states, and commands with input schemas', () => {
    const { runtime } = setup();
    const d = runtime.describe('gridEscalation');
    expect(d.states['handling.working']?.name.zh).toBeTruthy();
    expect(d.commands.find((c) => c.type === 'case.whistle')?.inputSchema).toBeTruthy();
    expect(d.commands.filter((c) => c.internal).map((c) => c.type)).toContain('deadline.due');
    expect(
      runtime
        .processes()
        .map((p) => p.id)
        .sort(),
    ).toEqual(['appealEvaluation', 'gridEscalation', 'propertyCoordination']);
  });
});

describe('runtime: intake helpers and indicators', () => {
  it('suggests likely duplicates: same category, nearby, recent', async () => {
    const { runtime, clock } = setup();
    const near = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.submit({
      process: 'gridEscalation',
      input: submission({ location: { lng: 118.5, lat: 34.2 } }),
      actor: gridWorker,
    });
    clock.advance(2 * 3_600_000);
    const found = await runtime.suggestDuplicates({ category: 'noise', location: { lng: 118.2705, lat: 33.9601 } });
    expect(found.map((f) => f.caseId)).toEqual([near.id]);
    expect(found[0]!.distanceMeters).toBeLessThan(100);
    expect(await runtime.suggestDuplicates({ category: 'sanitation', location: { lng: 118.27, lat: 33.96 } })).toEqual(
      [],
    );
    clock.advance(8 * 24 * 3_600_000);
    expect(await runtime.suggestDuplicates({ category: 'noise', location: { lng: 118.27, lat: 33.96 } })).toEqual([]);
  });

  it('computes indicators for a unit from stored history', async () => {
    const { runtime, clock } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
    clock.advance(20 * MIN);
    await runtime.send(c.id, { type: 'case.sign' }, { actor: gridWorker });
    clock.advance(3 * 3_600_000);
    await runtime.send(c.id, { type: 'case.contact', input: { method: 'phone' } }, { actor: gridWorker });
    const report = await runtime.indicators({
      from: bj('2026-03-01T00:00'),
      to: bj('2026-04-01T00:00'),
      unit: 'grid:g-01',
    });
    expect(report.counts).toMatchObject({ filed: 1, dispatched: 1, signedInTime: 1, contactedInTime: 0 });
    expect(report.indicators.find((i) => i.code === 'response_rate')?.value).toBe(0);
    expect(report.indicators.find((i) => i.code === 'timely_signing_rate')?.value).toBe(1);
  });
});

describe('runtime: history explained in the reader language', () => {
  it('explains routing and rule decisions in Chinese and in English, citing values', async () => {
    const { runtime } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    for (const [type, who, input] of [
      ['case.triage.file', communityStaff, {}],
      ['case.sign', gridWorker, {}],
      ['case.contact', gridWorker, { method: 'phone' }],
      ['case.start', gridWorker, {}],
      ['case.feedback', gridWorker, { note: 'done', resolved: true }],
      ['case.verify.pass', gridWorker2, {}],
    ] as const) {
      c = await runtime.send(c.id, { type, input }, { actor: who });
    }
    const zh = await runtime.history(c.id, { actor: communityStaff, locale: 'zh' });
    const en = await runtime.history(c.id, { actor: communityStaff, locale: 'en' });
    const routeZh = zh[1]!.decisions.find((d) => d.rule.startsWith('routing:')) as { explanation: string };
    expect(routeZh.explanation).toContain('网格');
    const verifyZh = zh.find((h) => h.command === 'case.verify.pass')!.decisions[0] as { explanation: string };
    const verifyEn = en.find((h) => h.command === 'case.verify.pass')!.decisions[0] as { explanation: string };
    expect(verifyZh.explanation).toMatch(/u-grid-2/);
    expect(verifyZh.explanation).toMatch(/u-grid-1/);
    expect(verifyEn.explanation).toMatch(/u-grid-2/);
    expect(verifyEn.explanation).not.toEqual(verifyZh.explanation);
  });
});
