import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from '@xstate/graph';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SnapshotFrom } from 'xstate';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { createProcessEnv } from '../contract/env.js';
import type { Actor, Deadline, ProcessEnv } from '../contract/types.js';
import { gridEscalationProcess } from './process.js';
import {
  activeSummoned,
  createGridEscalationMachine,
  type GridEscalationContext,
  type GridEscalationEvent,
  type GridEscalationMachine,
  type GridEscalationMachineInput,
} from './index.js';
import { leafPaths } from '../../testing/processDriver.js';
import { declaredRuleReads, recordRuleReads, type RuleReads } from '../../testing/ruleReads.js';

/*
 * Model-based tests: @xstate/graph walks the machine with sample events (each with `at` and `actor`), over an
 * abstraction of the snapshot (state, level, department, active whistle, extensions, returns, overdue flags) so
 * the graph stays finite. Time only moves forward: when a deadline is due it is the only event offered, as the
 * runtime fires due deadlines before later commands.
 */

type Snapshot = SnapshotFrom<GridEscalationMachine>;
type Path = StatePath<Snapshot, GridEscalationEvent>;

const MIN = 60_000;
const START = Date.parse('2026-03-02T09:00:00+08:00');
const FINAL = new Set(['archived', 'cancelled', 'merged']);
const CLOSED = new Set([...FINAL, 'evaluating']);

const person = (id: string): Actor => ({ id, roles: ['street_dispatcher'], units: [] });
const HANDLER = person('u-handler');
const VERIFIER = person('u-verifier');
const SYSTEM: Actor = { id: 'system', roles: ['system'], units: [] };

const input: GridEscalationMachineInput = {
  caseId: 'case-1',
  at: START,
  actor: HANDLER,
  category: 'noise',
  title: '噪声',
  description: '夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-resident' },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区', noise_source: 'construction' },
};

/** The latest instant the case has seen: every `at` / `…At` in the context except due times. */
function nowOf(context: GridEscalationContext): number {
  let max = START;
  const walk = (value: unknown, key: string): void => {
    if (typeof value === 'number') {
      if (key === 'at' || (key.endsWith('At') && !/due|limit/i.test(key))) max = Math.max(max, value);
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, key);
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(context, '');
  return max;
}

function nextDeadline(context: GridEscalationContext): Deadline | undefined {
  let next: Deadline | undefined;
  for (const d of context.deadlines)
    if (d.firedAt === undefined && (next === undefined || d.dueAt < next.dueAt)) next = d;
  return next;
}

/** Sample events for a snapshot: the earliest due deadline alone when one is due, else every command a minute later. */
function sampleEvents(snapshot: Snapshot): GridEscalationEvent[] {
  const context = snapshot.context;
  const at = nowOf(context) + MIN;
  const next = nextDeadline(context);
  const due: GridEscalationEvent[] = next
    ? [{ type: 'deadline.due', at: next.dueAt, actor: SYSTEM, input: { deadlineId: next.id, kind: next.kind } }]
    : [];
  if (next !== undefined && next.dueAt <= at) return due;
  const e = <T extends GridEscalationEvent['type']>(
    type: T,
    input: Extract<GridEscalationEvent, { type: T }>['input'],
    actor: Actor = HANDLER,
  ): GridEscalationEvent => ({ type, at, actor, input }) as GridEscalationEvent;
  return [
    ...due,
    { type: 'deadline.due', at, actor: SYSTEM, input: { deadlineId: 'unknown:1', kind: 'handle' } },
    e('case.triage.file', {}),
    e('case.triage.file', { urgency: 'whenever' }),
    e('case.triage.cancel', { reason: '无效' }),
    e('case.triage.merge', { caseId: 'case-0' }),
    e('case.triage.merge', { caseId: 'case-1' }),
    e('case.duplicate.link', { caseId: 'case-9' }, SYSTEM),
    e('case.dispatch', { level: 'department', department: 'housing' }),
    // Not a level the schema accepts: the runtime refuses it before the machine; the machine refuses it too.
    e('case.dispatch', { level: 'nowhere' as 'grid' }),
    e('case.sign', {}),
    e('case.contact', { method: 'phone' }),
    e('case.start', {}),
    e('case.remind', {}),
    e('case.return', { reason: 'wrong_locality', note: '不属本网格' }),
    e('case.return.accept', {}),
    e('case.return.accept', { department: 'nobody' }),
    e('case.return.overrule', { note: '驳回' }),
    e('case.extension.request', { duration: 'PT1H', reason: '等待' }),
    e('case.extension.request', { duration: 'soon', reason: '?' }),
    e('case.extension.approve', {}),
    e('case.extension.deny', {}),
    e('case.park', { reason: '挂账' }),
    e('case.whistle', { kind: 'tough', departments: ['fire', 'housing'] }),
    e('case.checkin', { department: 'fire' }),
    e('case.checkin', { department: 'housing' }),
    e('case.department.done', { department: 'fire' }),
    e('case.department.done', { department: 'housing' }),
    e('case.feedback', { note: '已处理' }),
    e('case.verify.pass', {}, VERIFIER),
    e('case.verify.fail', { note: '未解决' }, HANDLER),
    e('case.verify.fail', { note: '未解决' }, VERIFIER),
    e('case.close', {}),
    e('case.reopen', {}, SYSTEM),
    e('case.archive', {}),
    e('case.escalate', { reason: '需上级协调' }),
  ];
}

const statePath = (s: Snapshot): string => leafPaths(s.value).join(',');

/** The abstraction the graph is built over. */
function serialize(s: Snapshot): string {
  const c = s.context;
  return JSON.stringify([
    statePath(s),
    c.level,
    c.department,
    activeSummoned(c).map((x) => [x.department, x.checkedInAt !== undefined, x.doneAt !== undefined]),
    Math.min(1, c.extensions.filter((x) => x.status === 'approved').length),
    Math.min(1, c.returns.length),
    c.overdue,
    c.filingOverdue,
    c.publicNotice,
    nextDeadline(c)?.kind,
    nextDeadline(c)?.data?.check,
  ]);
}

/** A coarser abstraction for simple paths (their number grows exponentially with the graph). */
function serializeCoarse(s: Snapshot): string {
  return JSON.stringify([
    statePath(s),
    s.context.level,
    activeSummoned(s.context).map((x) => [x.checkedInAt !== undefined, x.doneAt !== undefined]),
  ]);
}

/** Simple paths from `from` (or submission) through snapshots fewer than `maxDepth` steps away (coarse abstraction). */
function simplePathsWithin(machine: GridEscalationMachine, maxDepth: number, fromState?: Snapshot): Path[] {
  const base = { events: sampleEvents, serializeState: serializeCoarse, ...(fromState ? { fromState } : { input }) };
  const depth = new Map(getShortestPaths(machine, base).map((p) => [serializeCoarse(p.state), p.steps.length]));
  // Depth limit: snapshots `maxDepth` or more steps away are reached but not expanded.
  return getSimplePaths(machine, {
    ...base,
    stopWhen: (s) => s.status === 'done' || (depth.get(serializeCoarse(s)) ?? Infinity) >= maxDepth,
  });
}

/** Every guard's outcomes seen during traversal. */
const guardOutcomes = new Map<string, Set<boolean>>();

/** The policy rules each guard and action was seen to read. */
let ruleReads: RuleReads;

function instrumentedMachine(env: ProcessEnv): GridEscalationMachine {
  const recorded = recordRuleReads({ createMachine: createGridEscalationMachine }, env);
  ruleReads = recorded.reads;
  const machine = recorded.machine;
  const guards = machine.implementations.guards as Record<string, (...args: unknown[]) => boolean>;
  const wrapped: Record<string, (...args: unknown[]) => boolean> = {};
  for (const [name, guard] of Object.entries(guards)) {
    guardOutcomes.set(name, new Set());
    wrapped[name] = (...args: unknown[]) => {
      const result = guard(...args);
      guardOutcomes.get(name)!.add(result);
      return result;
    };
  }
  return machine.provide({ guards: wrapped as never });
}

/** Checks what must hold in every reachable snapshot. */
function checkInvariants(s: Snapshot): void {
  const path = statePath(s);
  const c = s.context;
  const top = path.split('.')[0]!;
  expect(gridEscalationProcess.states[path], `state ${path} has a name`).toBeDefined();
  const summary = gridEscalationProcess.summarize(c, s.value);
  expect(summary.open, `open flag in ${path}`).toBe(!CLOSED.has(top));
  expect(s.status === 'done').toBe(FINAL.has(top));
  for (const d of c.deadlines)
    expect(gridEscalationProcess.deadlineKinds, `deadline kind ${d.kind}`).toHaveProperty(d.kind);
  const pending = c.deadlines.filter((d) => d.firedAt === undefined);
  if (CLOSED.has(top)) expect(pending, `no pending deadline in ${path}`).toEqual([]);
  expect(new Set(c.deadlines.map((d) => d.id)).size, 'deadline ids are unique').toBe(c.deadlines.length);
  if (top !== 'triage' && top !== 'cancelled' && top !== 'merged') {
    expect(c.level, `a level holds the case in ${path}`).not.toBeNull();
    expect(c.department !== null).toBe(c.level === 'department');
  }
  if (top === 'triage') {
    // The filing clock runs from submission; once it passed, the unfiled report shows as overdue.
    expect(pending.some((d) => d.kind === 'filing') || c.filingOverdue, 'filing clock runs in triage').toBe(true);
    expect(summary.tags?.includes('overdue') ?? false, 'overdue in triage').toBe(c.filingOverdue === true);
  } else
    expect(
      pending.some((d) => d.kind === 'filing'),
      `no filing deadline in ${path}`,
    ).toBe(false);
  if (path.startsWith('handling.') && path !== 'handling.parked') {
    expect(pending.some((d) => d.kind === 'handle') || c.overdue, `handling clock runs in ${path}`).toBe(true);
  }
  expect(c.extensions.filter((x) => x.status === 'pending').length).toBe(path === 'handling.extension' ? 1 : 0);
  const lastReturn = c.returns[c.returns.length - 1];
  expect(lastReturn !== undefined && lastReturn.outcome === undefined).toBe(path === 'returned');
  for (const x of c.summoned) if (x.doneAt !== undefined) expect(x.checkedInAt).toBeDefined();
  for (const d of c.dispatches) if (d.signedAt !== undefined) expect(d.signedAt).toBeGreaterThanOrEqual(d.at);
}

/** Checks the invariants once per distinct snapshot of the paths. */
function checkAll(paths: readonly Path[]): void {
  const seen = new Set<Snapshot>();
  for (const p of paths) for (const s of [...p.steps.map((x) => x.state), p.state]) seen.add(s);
  for (const s of seen) checkInvariants(s);
}

const STATE_PATHS = Object.keys(gridEscalationProcess.states).filter((p) => p !== 'handling');

describe('gridEscalation model', () => {
  let machine: GridEscalationMachine;
  let shortest: Path[];
  /** A resident's own report: rule `autoFile` leaves it to a person when its filing limit passes. */
  let walkIn: Path[];

  beforeAll(() => {
    const env = createProcessEnv(createDefaultPolicy(), { decisions: [] });
    machine = instrumentedMachine(env);
    shortest = getShortestPaths(machine, { input, events: sampleEvents, serializeState: serialize });
    walkIn = getShortestPaths(machine, {
      input: { ...input, source: 'walk_in' },
      events: sampleEvents,
      serializeState: serialize,
    });
  });

  it('reaches every state by a shortest path', () => {
    const reached = new Set(shortest.map((p) => statePath(p.state)));
    for (const path of STATE_PATHS) expect(reached, `state ${path} is reachable`).toContain(path);
    // The whistle needs the street: grid → community → street by hand, then work.
    const whistle = shortest.find((p) => statePath(p.state) === 'handling.whistle');
    expect(whistle?.steps.map((s) => s.event.type)).toContain('case.whistle');
  });

  it('holds the invariants in every snapshot of every shortest path', () => {
    checkAll(shortest);
    checkAll(walkIn);
  });

  it('takes every guard both ways', () => {
    // `isPendingDeadline` is the fallback for deadlines of a kind no other guard handles (e.g. from a migrated
    // snapshot); this machine never creates one, so only its false side is reachable (its true side: unit test).
    const exempt = new Set(['isPendingDeadline: false']);
    const oneWay = [...guardOutcomes]
      .filter(([, seen]) => seen.size < 2)
      .map(([name, seen]) => `${name}: ${[...seen].join()}`)
      .filter((x) => !exempt.has(x));
    expect(oneWay).toEqual([]);
    expect(guardOutcomes.size).toBeGreaterThanOrEqual(20);
  });

  it('reads exactly the policy rules its definition declares, guard by guard and action by action', () => {
    // Every guard was taken both ways (above), so each guard that reads a rule has read it.
    expect(ruleReads).toEqual(declaredRuleReads(gridEscalationProcess));
  });

  it('holds the invariants on every simple path up to depth 6 from submission', () => {
    const simple = simplePathsWithin(machine, 6);
    expect(simple.length).toBeGreaterThan(500);
    checkAll(simple);
  });

  it('holds the invariants on every simple path up to depth 4 from the street working (whistle, extension, return)', () => {
    const street = shortest.find(
      (p) => statePath(p.state) === 'handling.working' && p.state.context.level === 'street',
    );
    expect(street).toBeDefined();
    const simple = simplePathsWithin(machine, 4, street!.state);
    const states = new Set(simple.map((p) => statePath(p.state)));
    for (const path of ['handling.whistle', 'handling.extension', 'handling.parked', 'returned', 'verifying']) {
      expect(states, path).toContain(path);
    }
    checkAll(simple);
  });

  it('has no dead end: every reachable non-final snapshot has an event that changes it', () => {
    const adjacency = getAdjacencyMap(machine, { input, events: sampleEvents, serializeState: serialize });
    const vertices = Object.values(adjacency);
    expect(vertices.length).toBeGreaterThan(100);
    for (const { state, transitions } of vertices) {
      const moves = (Object.values(transitions) as { event: GridEscalationEvent; state: Snapshot }[]).filter(
        (t) => t.state !== state,
      );
      if (state.status === 'done') {
        expect(
          moves.filter((t) => t.event.type !== 'case.duplicate.link'),
          `final ${statePath(state)} accepts no command`,
        ).toEqual([]);
      } else {
        expect(moves.length, `${statePath(state)} at ${String(state.context.level)} is no dead end`).toBeGreaterThan(0);
      }
    }
  });

  it('has no dead end in the definition: every non-final state node has an outgoing transition', () => {
    type Node = {
      type: string;
      path: string[];
      on: Record<string, unknown>;
      states: Record<string, Node>;
      parent?: Node;
    };
    const walk = (node: Node): void => {
      for (const child of Object.values(node.states)) {
        if (child.type !== 'final') {
          let events = 0;
          for (let n: Node | undefined = child; n; n = n.parent) events += Object.keys(n.on).length;
          expect(events, child.path.join('.')).toBeGreaterThan(0);
        }
        walk(child);
      }
    };
    walk(machine.root as unknown as Node);
  });
});
