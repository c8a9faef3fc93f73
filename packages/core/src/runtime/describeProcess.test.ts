import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { createManualClock } from '../clock.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import { builtInProcesses } from '../processes/index.js';
import { CoordinationDeadlineKind } from '../processes/propertyCoordination/index.js';
import type { ProcessDefinition } from '../processes/contract/types.js';
import { createMemoryStore } from './memoryStore.js';
import { createPolicyRegistry } from './policyRegistry.js';
import { createRuntime } from './createRuntime.js';
import type { ProcessDescription, StateDescription } from './describeProcess.js';

function runtimeWith(processes: ProcessDefinition[] = [...builtInProcesses]) {
  return createRuntime({
    store: createMemoryStore(),
    clock: createManualClock(Date.parse('2026-03-02T09:00:00+08:00')),
    policies: createPolicyRegistry([createDefaultPolicy()]),
    processes,
  });
}

const flatten = (states: readonly StateDescription[]): StateDescription[] =>
  states.flatMap((s) => [s, ...flatten(s.states)]);

/** Every property path of an object schema (`units.grid`). */
function fieldsOf(schema: unknown, prefix = ''): string[] {
  const props = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.entries(props).flatMap(([k, v]) => [prefix + k, ...fieldsOf(v, `${prefix}${k}.`)]);
}

/** What must hold of any process's description: it is complete and consistent with itself. */
function expectWellFormed(d: ProcessDescription, def: ProcessDefinition): void {
  const nodes = flatten(d.statechart.states);
  const paths = new Set(nodes.map((s) => s.path));
  for (const s of nodes) {
    expect(def.states[s.path], `state ${s.path} is named by the process`).toBeDefined();
    expect(s.name).toEqual(def.states[s.path]!.name);
    expect(s.depth).toBe(s.path.split('.').length - 1);
    for (const child of s.states) expect(child.path).toBe(`${s.path}.${child.key}`);
    if (s.initial !== undefined) expect(s.states.map((c) => c.path)).toContain(s.initial);
    if (s.final) expect(s.open).toBe(false);
  }
  expect(paths.size).toBe(Object.keys(def.states).length);
  const commands = new Map(d.commands.map((c) => [c.type, c]));
  for (const t of d.transitions) {
    expect(t.source === '' || paths.has(t.source), `source ${t.source}`).toBe(true);
    for (const target of t.targets) expect(paths, `target of ${t.event}`).toContain(target);
    expect(commands.has(t.event), `${t.event} in ${t.source} is a command of the process`).toBe(true);
    expect(t.internal).toBe(commands.get(t.event)!.internal);
    for (const g of t.guards) expect(t.guard).toContain(g);
  }
  const onTransitions = new Set(d.transitions.map((t) => t.event));
  for (const c of d.commands) {
    expect(onTransitions, `command ${c.type} moves the machine somewhere`).toContain(c.type);
    // Every field of every input has a label a person can read.
    for (const f of fieldsOf(c.inputSchema))
      expect(c.labels[f], `label of ${c.type} ${f}`).toMatchObject({ zh: expect.any(String) });
    if (!c.internal) expect(c.roles.length, `someone may give ${c.type}`).toBeGreaterThan(0);
    else expect(c.roles).toEqual([]);
  }
  const ruleKeys = new Set(d.rules.map((r) => r.key));
  for (const t of d.transitions) for (const r of t.rules) expect(ruleKeys).toContain(r);
  for (const r of d.rules) expect(r.name, `rule ${r.key} has a name in the policy`).toBeDefined();
}

describe('runtime.describe(): the process as the designer draws it', () => {
  const runtime = runtimeWith();

  it.each(builtInProcesses.map((p) => [p.id, p] as const))('describes %s completely and consistently', (id, def) => {
    const d = runtime.describe(id);
    expectWellFormed(d, def);
    expect(d.submit.roles.length).toBeGreaterThan(0);
    for (const f of fieldsOf(d.inputSchema)) expect(d.inputLabels[f], `label of submission field ${f}`).toBeDefined();
  });

  it('gridEscalation: nested states with their initial child, open and final, and the escalation on its rule', () => {
    const d = runtime.describe('gridEscalation');
    expect(d.statechart.initial).toBe('triage');
    const handling = d.statechart.states.find((s) => s.path === 'handling')!;
    expect(handling).toMatchObject({ type: 'compound', depth: 0, initial: 'handling.dispatched', open: true });
    expect(handling.states.map((s) => s.key)).toContain('working');
    expect(handling.states.every((s) => s.depth === 1)).toBe(true);
    const byPath = new Map(flatten(d.statechart.states).map((s) => [s.path, s]));
    expect(byPath.get('evaluating')).toMatchObject({ final: false, open: false, type: 'atomic' });
    expect(byPath.get('archived')).toMatchObject({ final: true, open: false, type: 'final' });

    const escalation = d.transitions.find((t) => t.source === 'handling' && t.guard === 'canEscalate');
    expect(escalation).toMatchObject({
      event: 'deadline.due',
      targets: ['handling.dispatched'],
      rules: ['escalate'],
      internal: true,
      reenter: true,
    });
    const filing = d.transitions.find((t) => t.event === 'case.triage.file');
    expect(filing).toMatchObject({ source: 'triage', targets: ['handling'], guard: 'canFile', rules: ['routing'] });
    expect(filing?.actions).toContain('file');
    // Returns carry their rule in each state that takes them.
    const returns = d.transitions.filter((t) => t.event === 'case.return');
    expect(returns.length).toBeGreaterThan(1);
    for (const t of returns) expect(t).toMatchObject({ targets: ['returned'], rules: ['returnAllowed'] });
    // Events the machine takes in every state (at its root) have source ''.
    expect(d.transitions.filter((t) => t.source === '').map((t) => t.event)).toContain('case.duplicate.link');

    expect(d.rules.map((r) => r.key).sort()).toEqual(
      [
        'autoFile',
        'escalate',
        'extensionAllowed',
        'publicNotice',
        'returnAllowed',
        'routing',
        'verifierAllowed',
        'whistle',
      ].sort(),
    );
    // The filing deadline in triage, where rule autoFile may file the report.
    expect(d.transitions.find((t) => t.source === 'triage' && t.event === 'deadline.due')).toMatchObject({
      targets: ['handling'],
      rules: ['routing', 'autoFile'],
    });
    expect(d.rules.find((r) => r.key === 'escalate')?.name).toEqual(createDefaultPolicy().rules.escalate.name);
    expect(d.deadlineKinds.map((k) => k.kind)).toEqual(
      expect.arrayContaining(['filing', 'sign', 'contact', 'handle', 'total', 'checkin']),
    );
  });

  it('gridEscalation: commands with labelled inputs, internal ones marked, and the roles the policy lets give them', () => {
    const d = runtime.describe('gridEscalation');
    const sign = d.commands.find((c) => c.type === 'case.sign')!;
    expect(sign.internal).toBe(false);
    expect(sign.labels.note).toEqual({ zh: '备注', en: 'Note' });
    const policy = createDefaultPolicy();
    const expected = policy.permissions.filter((r) => r.command === 'case.sign' || r.command === '*').map((r) => r.id);
    expect(sign.roles.map((r) => r.permission)).toEqual(expect.arrayContaining(expected));
    const gridWorker = sign.roles.find((r) => r.role === 'grid_worker');
    expect(gridWorker?.name).toEqual(policy.organisation.roles.find((r) => r.code === 'grid_worker')?.name);
    expect(d.commands.find((c) => c.type === 'deadline.due')).toMatchObject({ internal: true, roles: [] });
    expect(d.inputLabels['units.grid']).toEqual({ zh: '网格', en: 'Grid' });
    expect(d.inputLabels['reporter.phone']?.zh).toBe('联系电话');
  });

  it('appealEvaluation: combined guards are written out, each named guard listed, the redo rule on its transition', () => {
    const d = runtime.describe('appealEvaluation');
    const excluded = d.transitions.find((t) => t.targets.includes('excluded') && t.source === 'rated.appealed');
    expect(excluded?.guard).toBe('and(isAssessor, appealUpheld, not(hasCorrection))');
    expect(excluded?.guards).toEqual(['isAssessor', 'appealUpheld', 'hasCorrection']);
    expect(d.transitions.filter((t) => t.rules.includes('redo')).every((t) => t.guards.includes('redoRequired'))).toBe(
      true,
    );
    expect(d.transitions.some((t) => t.rules.includes('redo'))).toBe(true);
    const rated = d.statechart.states.find((s) => s.path === 'rated')!;
    expect(rated.states.map((s) => [s.path, s.open])).toEqual([
      ['rated.standing', false],
      ['rated.appealed', true],
      ['rated.noticeProposed', true],
    ]);
  });

  it('propertyCoordination: its deadline kinds are the machine’s', () => {
    const d = runtime.describe('propertyCoordination');
    expect(d.deadlineKinds.map((k) => k.kind).sort()).toEqual(Object.values(CoordinationDeadlineKind).sort());
    expect(d.commands.find((c) => c.type === 'matter.vote.record')?.labels.yesArea?.zh).toBe('同意的专有部分面积');
  });

  it('a parallel state lists its regions, each with its own initial state and transitions', () => {
    const machine = setup({
      types: {} as { context: { deadlines: never[] }; events: { type: 'a.done' } | { type: 'b.done' } },
      actions: { note: assign({}) },
    }).createMachine({
      id: 'twoTracks',
      context: { deadlines: [] },
      initial: 'working',
      states: {
        working: {
          type: 'parallel',
          onDone: 'finished',
          states: {
            a: { initial: 'open', states: { open: { on: { 'a.done': 'done' } }, done: { type: 'final' } } },
            b: {
              initial: 'open',
              states: { open: { on: { 'b.done': { target: 'done', actions: 'note' } } }, done: { type: 'final' } },
            },
          },
        },
        finished: { type: 'final' },
      },
    });
    const t = (zh: string) => ({ name: { zh, en: zh } });
    const def: ProcessDefinition = {
      id: 'twoTracks',
      version: 1,
      name: { zh: '双线', en: 'Two tracks' },
      createMachine: () => machine,
      inputSchema: { type: 'object' },
      commands: [
        { type: 'a.done', name: { zh: '甲完成', en: 'A done' }, inputSchema: { type: 'object' } },
        { type: 'b.done', name: { zh: '乙完成', en: 'B done' }, inputSchema: { type: 'object' } },
      ],
      states: {
        working: t('进行中'),
        'working.a': t('甲线'),
        'working.a.open': t('甲进行'),
        'working.a.done': t('甲完成'),
        'working.b': t('乙线'),
        'working.b.open': t('乙进行'),
        'working.b.done': t('乙完成'),
        finished: { ...t('完成'), final: true },
      },
      summarize: () => ({ units: [], open: true }),
    };
    const d = runtimeWith([def]).describe('twoTracks');
    const working = d.statechart.states[0]!;
    expect(working).toMatchObject({ type: 'parallel', parallel: true, depth: 0 });
    expect(working.initial).toBeUndefined();
    expect(working.states.map((r) => [r.path, r.type, r.initial, r.depth])).toEqual([
      ['working.a', 'compound', 'working.a.open', 1],
      ['working.b', 'compound', 'working.b.open', 1],
    ]);
    expect(d.transitions.find((x) => x.event === 'b.done')).toMatchObject({
      source: 'working.b.open',
      targets: ['working.b.done'],
      actions: ['note'],
    });
    // The region's final states are final in the machine, though the case goes on.
    expect(flatten(d.statechart.states).find((s) => s.path === 'working.a.done')).toMatchObject({ final: true });
    expect(d.transitions.find((x) => x.source === 'working')?.targets).toEqual(['finished']);
  });

  it('roles follow the tenant’s current policy', () => {
    const policy = createDefaultPolicy();
    policy.permissions = policy.permissions.filter((r) => r.command !== 'case.sign');
    const rt = createRuntime({
      store: createMemoryStore(),
      clock: createManualClock(Date.parse('2026-03-02T09:00:00+08:00')),
      policies: (tenant) => createPolicyRegistry([tenant === 'other' ? policy : createDefaultPolicy()]),
      processes: [...builtInProcesses],
    });
    const signRoles = (tenant?: string) =>
      rt.describe('gridEscalation', tenant ? { tenant } : {}).commands.find((c) => c.type === 'case.sign')!.roles;
    expect(signRoles().length).toBeGreaterThan(0);
    expect(signRoles('other').every((r) => r.permission !== undefined && r.role !== undefined)).toBe(true);
    expect(signRoles('other').length).toBeLessThan(signRoles().length);
  });
});
