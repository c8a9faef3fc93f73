import { describe, expect, it } from 'vitest';
import { assign, setup as machineSetup } from 'xstate';
import { setDeadline } from '../processes/contract/deadlines.js';
import { GridflowError } from '../errors.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import type { Policy } from '../policy/types.js';
import type { CaseEvent, Deadline, ProcessDefinition } from '../processes/contract/types.js';
import {
  bj,
  MIN,
  gridWorker,
  gridWorker2,
  communityStaff,
  dispatcher,
  resident,
  submission,
  setup,
} from './createRuntime.fixtures.js';

describe('runtime: deadlines', () => {
  it('fires a due deadline exactly once, even when two workers tick at once', async () => {
    const { runtime, clock } = setup();
    const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
    clock.set(bj('2026-03-02T10:30'));
    const [a, b] = await Promise.all([runtime.tick(), runtime.tick()]);
    expect(a.fired + b.fired).toBe(1);
    const history = await runtime.history(c.id, { actor: communityStaff });
    expect(history.filter((h) => h.command === 'deadline.due')).toHaveLength(1);
    expect((await runtime.tick()).fired).toBe(0);
    const stored = await runtime.get(c.id, { actor: communityStaff });
    expect(stored.snapshot.context.deadlines.find((d) => d.kind === 'sign')?.firedAt).toBe(bj('2026-03-02T10:30'));
  });

  it('fires the other cases when one cannot be fired, and reports that one with its error', async () => {
    for (const perTransaction of [1, 3]) {
      const { runtime, clock, store } = setup();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
        await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
        ids.push(c.id);
      }
      // The third case points at a policy version nobody published: its deadline cannot be fired.
      const broken = (await store.getCase('default', ids[2]!))!;
      await store.transaction((tx) => tx.updateCase({ ...broken, policyVersion: 99 }, broken.version));
      clock.set(bj('2026-03-02T10:30'));
      const result = await runtime.tick({ casesPerTransaction: perTransaction });
      expect(result.fired).toBe(4);
      expect(result.cases).toBe(4);
      expect(result.failed.map((f) => f.caseId)).toEqual([ids[2]]);
      expect(result.failed[0]!.error).toBeInstanceOf(GridflowError);
      for (const id of ids) {
        const history = await store.history('default', id);
        expect(history.filter((h) => h.command === 'deadline.due')).toHaveLength(id === ids[2] ? 0 : 1);
      }
      // The others are done; only the broken one is still due.
      expect((await store.dueCases(clock.now(), 10)).map((c) => c.id)).toEqual([ids[2]]);
    }
  });

  it('fires several cases per transaction exactly as one per transaction does', async () => {
    const outcomes = [];
    for (const perTransaction of [1, 4]) {
      const { runtime, clock, store } = setup();
      for (let i = 0; i < 9; i++) {
        const c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
        await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
      }
      clock.set(bj('2026-03-06T09:00'));
      const result = await runtime.tick({ casesPerTransaction: perTransaction });
      const page = await store.listCases({ tenant: 'default', limit: 100, sort: 'createdAt', order: 'asc' });
      outcomes.push({
        fired: result.fired,
        cases: result.cases,
        failed: result.failed.length,
        states: page.items.map((c) => `${c.id}:${c.state}:${c.version}:${c.summary.level}`),
      });
    }
    expect(outcomes[0]!.cases).toBe(9);
    expect(outcomes[0]!.fired).toBeGreaterThanOrEqual(9);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });

  it('escalates a breached case to the next level when no one is watching', async () => {
    const { runtime, clock } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    c = await runtime.send(c.id, { type: 'case.triage.file' }, { actor: communityStaff });
    c = await runtime.send(c.id, { type: 'case.sign' }, { actor: gridWorker });
    c = await runtime.send(c.id, { type: 'case.contact', input: { method: 'phone' } }, { actor: gridWorker });
    clock.set(bj('2026-03-06T09:00'));
    const { fired } = await runtime.tick();
    expect(fired).toBeGreaterThan(0);
    const after = await runtime.get(c.id, { actor: dispatcher });
    expect(after.summary.level).toBe('community');
    const escalations = (await runtime.history(c.id, { actor: dispatcher })).filter((h) =>
      h.decisions.some((d) => d.rule === 'escalate' && d.result === true),
    );
    expect(escalations.length).toBeGreaterThan(0);
  });
});

describe('runtime: policy versions', () => {
  it('pins cases to their version; new cases take the newly published one; migration moves chosen cases', async () => {
    const v1 = createDefaultPolicy();
    const { runtime, clock } = setup({ policies: [v1] });
    const old = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    await runtime.send(old.id, { type: 'case.triage.file' }, { actor: communityStaff });
    const v2: Policy = {
      ...createDefaultPolicy(),
      version: 2,
      effectiveFrom: new Date(clock.now()).toISOString(),
      changeNote: '签收时限改为 30 分钟',
    };
    v2.timeLimits = { ...v2.timeLimits, signing: { ...v2.timeLimits.signing, duration: 'PT30M' } };
    runtime.policies.add(v2);
    const fresh = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    expect(fresh.policyVersion).toBe(2);
    expect((await runtime.get(old.id, { actor: dispatcher })).policyVersion).toBe(1);

    const before = await runtime.get(old.id, { actor: dispatcher });
    const signBefore = before.snapshot.context.deadlines.find((d) => d.kind === 'sign')!.dueAt;
    const [migrated] = await runtime.migrate([old.id], 2, { actor: dispatcher });
    expect(migrated!.policyVersion).toBe(2);
    // The signing deadline is counted again from the dispatch with the new limit (PT1H → PT30M).
    const signAfter = migrated!.snapshot.context.deadlines.find((d) => d.kind === 'sign')!.dueAt;
    expect(signBefore - signAfter).toBe(30 * MIN);
    expect(migrated!.nextDueAt).toBe(signAfter);
    const history = await runtime.history(old.id, { actor: dispatcher });
    expect(history.at(-1)).toMatchObject({
      command: 'case.migrate',
      input: { fromVersion: 1, toVersion: 2 },
      policyVersion: 2,
    });
  });
});

describe('runtime: evaluation and redo across two cases', () => {
  it('an unsatisfied rating for a controllable reason reopens the grid case in the same transaction', async () => {
    const { runtime } = setup();
    let c = await runtime.submit({ process: 'gridEscalation', input: submission(), actor: gridWorker });
    for (const [type, who, input] of [
      ['case.triage.file', communityStaff, {}],
      ['case.sign', gridWorker, {}],
      ['case.contact', gridWorker, { method: 'phone' }],
      ['case.start', gridWorker, {}],
      ['case.feedback', gridWorker, { note: 'done', resolved: true }],
      ['case.verify.pass', gridWorker2, {}],
      ['case.close', communityStaff, {}],
    ] as const) {
      c = await runtime.send(c.id, { type, input }, { actor: who });
    }
    const [evaluation] = (await runtime.list({ process: 'appealEvaluation' })).items;
    const rated = await runtime.send(
      evaluation!.id,
      { type: 'evaluation.rate', input: { rating: 'unsatisfied', solved: false, reason: 'not_solved' } },
      { actor: resident },
    );
    const grid = await runtime.get(c.id, { actor: communityStaff });
    expect(grid.state).toBe('handling.dispatched');
    expect(grid.summary.open).toBe(true);
    expect((grid.snapshot.context as { redoCount: number }).redoCount).toBe(1);
    expect(rated.state).not.toBe('awaitingRating');
    const gridHistory = await runtime.history(c.id, { actor: communityStaff });
    expect(gridHistory.at(-1)).toMatchObject({ command: 'case.reopen', actor: { id: 'system' } });
    // Handled again and closed again: the open evaluation takes the final rating; no second one is opened.
    for (const [type, who, input] of [
      ['case.sign', gridWorker, {}],
      ['case.contact', gridWorker, { method: 'phone' }],
      ['case.start', gridWorker, {}],
      ['case.feedback', gridWorker, { note: 'redone', resolved: true }],
      ['case.verify.pass', gridWorker2, {}],
      ['case.close', communityStaff, {}],
    ] as const) {
      await runtime.send(c.id, { type, input }, { actor: who });
    }
    expect((await runtime.list({ process: 'appealEvaluation' })).items).toHaveLength(1);
    const final = await runtime.send(
      evaluation!.id,
      { type: 'evaluation.rate', input: { rating: 'satisfied', solved: true } },
      { actor: resident },
    );
    expect(final.summary.open).toBe(false);
    const ctx = final.snapshot.context as { firstRating?: { rating: string }; finalRating?: { rating: string } };
    expect([ctx.firstRating?.rating ?? ctx.firstRating, ctx.finalRating?.rating ?? ctx.finalRating]).toEqual([
      'unsatisfied',
      'satisfied',
    ]);
  });
});

/** A reminder that repeats: each time it fires, the machine sets it again, under the same id, an hour later. */
const reminderProcess: ProcessDefinition = {
  id: 'reminder',
  version: 1,
  name: { zh: '提醒', en: 'Reminder' },
  submitCommand: 'reminder.submit',
  inputSchema: { type: 'object' },
  commands: [
    { type: 'deadline.due', name: { zh: '到期', en: 'Due' }, inputSchema: { type: 'object' }, internal: true },
  ],
  states: { waiting: { name: { zh: '等待', en: 'Waiting' } }, done: { name: { zh: '完成', en: 'Done' }, final: true } },
  summarize: (context) => ({ units: [], open: (context as { fired: number }).fired < 3 }),
  createMachine: () =>
    machineSetup({
      types: {} as {
        context: { fired: number; deadlines: Deadline[] };
        events: CaseEvent<'deadline.due', { deadlineId: string }>;
        input: { at: number };
      },
    }).createMachine({
      id: 'reminder',
      context: ({ input }) => ({ fired: 0, deadlines: [{ id: 'remind', kind: 'remind', dueAt: input.at + HOUR }] }),
      initial: 'waiting',
      states: {
        waiting: {
          on: {
            'deadline.due': [
              { guard: ({ context }) => context.fired >= 2, target: 'done', actions: assign({ fired: 3 }) },
              {
                actions: assign({
                  fired: ({ context }) => context.fired + 1,
                  deadlines: ({ context, event }) =>
                    setDeadline(context.deadlines, { id: 'remind', kind: 'remind', dueAt: event.at + HOUR }),
                }),
              },
            ],
          },
        },
        done: { type: 'final' },
      },
    }),
};
const HOUR = 60 * MIN;

describe('runtime: a deadline re-armed under the id of the one that fired', () => {
  it('fires again when its new time comes, and once each time', async () => {
    const policy = createDefaultPolicy();
    policy.permissions.push({ id: 'p-reminder', role: 'resident', command: 'reminder.*', scope: 'all' });
    const { runtime, clock } = setup({ policies: [policy], processes: [reminderProcess] });
    const c = await runtime.submit({ process: 'reminder', input: {}, actor: resident });
    const fires: number[] = [];
    for (let hour = 1; hour <= 4; hour++) {
      clock.set(c.createdAt + hour * HOUR);
      fires.push((await runtime.tick()).fired);
      expect((await runtime.tick()).fired).toBe(0);
    }
    expect(fires).toEqual([1, 1, 1, 0]);
    const after = await runtime.get(c.id, { actor: resident });
    expect(after.state).toBe('done');
    expect(after.nextDueAt).toBeNull();
    const history = await runtime.history(c.id, { actor: resident });
    expect(history.filter((h) => h.command === 'deadline.due').map((h) => h.at - c.createdAt)).toEqual([
      HOUR,
      2 * HOUR,
      3 * HOUR,
    ]);
  });
});
