import { getAdjacencyMap, getShortestPaths, getSimplePaths, type AdjacencyMap } from '@xstate/graph';
import { initialTransition, transition, type AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { createProcessEnv } from '../contract/env.js';
import type { Actor } from '../contract/types.js';
import { appealEvaluationProcess } from './process.js';
import { DRIVER_DEFAULT_NOW, allLeafPaths, leafPaths, replayable } from '../../testing/processDriver.js';
import { declaredRuleReads, recordRuleReads } from '../../testing/ruleReads.js';
import {
  createAppealEvaluationMachine,
  type AppealEvaluationEvent,
  type AppealEvaluationMachineInput,
} from './index.js';

/*
 * Model-based tests: @xstate/graph walks the machine with sample events (each with `at`, `actor`, `input`) and the
 * pure `transition`. A snapshot is serialised as its state value plus what the guards read.
 */

const HOUR = 3_600_000;
const T0 = DRIVER_DEFAULT_NOW;
const revisitor: Actor = { id: 'u-revisit', roles: ['community_staff'], units: ['community:c-01'] };
const liaison: Actor = { id: 'u-liaison', roles: ['department_liaison'], units: ['department:urban_management'] };
const otherLiaison: Actor = { id: 'u-other', roles: ['department_liaison'], units: ['department:housing'] };
const assessor: Actor = { id: 'u-assessor', roles: ['assessor'], units: [] };

const { machine, reads: ruleReads } = recordRuleReads(
  { createMachine: createAppealEvaluationMachine },
  createProcessEnv(createDefaultPolicy(), { decisions: [] }),
);
type Snapshot = ReturnType<typeof machine.transition>;

const input: AppealEvaluationMachineInput = {
  subjectCaseId: 'g-case-1',
  subjectProcess: 'gridEscalation',
  evaluatorKind: 'resident',
  evaluatorId: 'r-01',
  unit: 'department:urban_management',
  reporterId: 'r-01',
  caseId: 'ev-1',
  at: T0,
};

const ev = <T extends AppealEvaluationEvent['type']>(
  type: T,
  eventInput: Extract<AppealEvaluationEvent, { type: T }>['input'],
  actor: Actor = revisitor,
): AppealEvaluationEvent => ({ type, at: T0 + HOUR, actor, input: eventInput }) as AppealEvaluationEvent;

/** Sample events of every type, including ones a guard refuses. */
const events: AppealEvaluationEvent[] = [
  ev('evaluation.rate', { rating: 'satisfied', solved: true }),
  ev('evaluation.rate', { rating: 'unsatisfied', solved: false, reason: 'not_solved' }), // redo
  ev('evaluation.rate', { rating: 'unsatisfied', solved: false, reason: 'beyond_remit' }), // no redo
  ev('evaluation.rate', { rating: 'meh', solved: true }), // not on the scale
  ev('evaluation.revisit.attempt', { channel: 'phone', reached: false }),
  ev('evaluation.revisit.attempt', { channel: 'app', reached: true }),
  ev('evaluation.revisit.unreachable', {}),
  ev('evaluation.appeal', { reason: '不合理' }, liaison),
  ev('evaluation.appeal', { reason: '不合理' }, otherLiaison), // not the rated unit
  ev('evaluation.appeal.decide', { upheld: false, note: '维持' }, assessor),
  ev('evaluation.appeal.decide', { upheld: true, note: '更正', correctedRating: 'basically_satisfied' }, assessor),
  ev('evaluation.appeal.decide', { upheld: true, note: '剔除' }, assessor),
  ev('evaluation.appeal.decide', { upheld: true, note: '自裁' }, liaison), // not an assessor
  ev('evaluation.exclusion.request', { reason: '超出职责' }, liaison),
  ev('evaluation.exclusion.approve', { approved: true }, assessor),
  ev('evaluation.exclusion.approve', { approved: false }, assessor),
  ev('evaluation.notice.propose', { reason: '未整改' }),
  ev('evaluation.notice.approve', { approved: true }, assessor),
  ev('evaluation.notice.approve', { approved: false }, assessor),
];

/** What the guards of the current state read (attempts only while awaiting a rating), without timestamps. */
function project(s: Snapshot): unknown {
  const ctx = s.context;
  const phase = ctx.redo ? 'final' : 'first';
  const inPhase = ctx.attempts.filter((a) => a.phase === phase);
  const rated = s.matches('rated');
  return {
    attempts: rated ? null : [inPhase.length, inPhase.some((a) => a.reached)],
    counted: rated ? (ctx.countedRating ?? null) : null,
    appeal: ctx.appeal ? (ctx.appeal.decision ? 'decided' : 'pending') : null,
    exclusion: ctx.exclusion?.status ?? null,
    notice: ctx.notice?.status ?? null,
  };
}

const serializeState = (s: Snapshot): string => JSON.stringify({ value: s.value, context: project(s) });
const options = { input, events, serializeState, limit: 100_000 };

const stateOf = (s: Snapshot): string => leafPaths(s.value).join(',');

/** The outgoing edges of an adjacency-map vertex. */
const edges = (transitions: object) =>
  Object.values(transitions) as { event: AppealEvaluationEvent; state: Snapshot }[];

const MAX_DEPTH = 12;

describe('appealEvaluation: model-based (@xstate/graph)', () => {
  const adjacency: AdjacencyMap<Snapshot, AppealEvaluationEvent> = getAdjacencyMap(machine, options);
  const vertices = Object.entries(adjacency);

  it('explores a small, finite state space', () => {
    expect(vertices.length).toBeGreaterThan(20);
    expect(vertices.length).toBeLessThan(300);
  });

  it('reaches every state by a shortest path, and each path replays with the pure transition', () => {
    const paths = getShortestPaths(machine, options);
    const reached = new Set(paths.map((p) => stateOf(p.state)));
    expect([...reached].sort()).toEqual(allLeafPaths(machine.root).sort());
    const byState = new Map<string, (typeof paths)[number]>();
    for (const p of paths) if (!byState.has(stateOf(p.state))) byState.set(stateOf(p.state), p);
    for (const [state, path] of byState) {
      let [snapshot] = initialTransition(machine, input);
      for (const step of replayable(path.steps)) [snapshot] = transition(machine, snapshot, step.event);
      expect(stateOf(snapshot), state).toBe(state);
    }
  });

  it('accepts every event type each state declares (its own and its ancestors’) from some reachable snapshot', () => {
    const accepted = new Set<string>();
    for (const [key, { state, transitions }] of vertices) {
      for (const { event, state: next } of edges(transitions)) {
        if (serializeState(next) !== key) accepted.add(`${stateOf(state)}|${event.type}`);
      }
    }
    const declared = new Set<string>();
    const visit = (node: AnyStateNode): void => {
      if (Object.keys(node.states).length === 0 && node.type !== 'final') {
        for (let n: AnyStateNode | undefined = node; n; n = n.parent) {
          for (const type of n.ownEvents) declared.add(`${node.path.join('.')}|${type}`);
        }
      }
      for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
    };
    visit(machine.root);
    expect([...declared].filter((k) => !accepted.has(k))).toEqual([]);
  });

  it('finds simple paths through rating and through the rated sub-flows, within a depth limit', () => {
    // Enumerating simple paths is exponential in the graph's size: walk the two halves separately.
    const ratingEvents = events.filter((e) => e.type === 'evaluation.rate' || e.type.startsWith('evaluation.revisit.'));
    const ended = (s: Snapshot) => s.status === 'done' || s.matches('rated');
    const head = getSimplePaths(machine, { ...options, events: ratingEvents, stopWhen: ended, toState: ended }).filter(
      (p) => p.steps.length <= MAX_DEPTH,
    );
    expect(new Set(head.map((p) => stateOf(p.state)))).toEqual(new Set(['rated.standing', 'unreachable']));
    expect(head.some((p) => p.steps.some((s) => s.state.matches('redoPending')))).toBe(true);

    const unsatisfied = head.find(
      (p) => p.state.context.countedRating === 'unsatisfied' && !p.state.context.redo,
    )!.state;
    // A rejected exclusion may be requested again: leave that loop to the adjacency tests, it multiplies paths.
    const afterEvents = events.filter(
      (e) => !ratingEvents.includes(e) && !(e.type === 'evaluation.exclusion.approve' && !e.input.approved),
    );
    const tail = getSimplePaths(machine, {
      ...options,
      events: afterEvents,
      fromState: unsatisfied,
      toState: (s) => s.status === 'done',
    }).filter((p) => p.steps.length <= MAX_DEPTH);
    expect(tail.length).toBeGreaterThan(3);
    for (const p of tail) expect(stateOf(p.state)).toBe('excluded');
    expect(tail.some((p) => p.steps.some((s) => s.event.type === 'evaluation.appeal.decide'))).toBe(true);
    expect(tail.some((p) => p.steps.some((s) => s.event.type === 'evaluation.exclusion.approve'))).toBe(true);

    // Replay a spread of the paths with the pure transition (all of them would take seconds).
    const all = [...head, ...tail];
    const stride = Math.max(1, Math.floor(all.length / 120));
    for (const p of all.filter((_, i) => i % stride === 0)) {
      let snapshot = p.steps[0]?.state ?? p.state;
      for (const step of replayable(p.steps)) [snapshot] = transition(machine, snapshot, step.event);
      expect(serializeState(snapshot)).toBe(serializeState(p.state));
    }
  });

  it('has no dead ends: every non-final snapshot can leave, and can still reach a final state or a standing rating', () => {
    const ends = new Set(
      vertices.filter(([, v]) => v.state.status === 'done' || v.state.matches({ rated: 'standing' })).map(([k]) => k),
    );
    const reverse = new Map<string, Set<string>>();
    for (const [key, { state, transitions }] of vertices) {
      const targets = new Set(edges(transitions).map((t) => serializeState(t.state)));
      targets.delete(key);
      if (state.status !== 'done') expect(targets.size, `dead end: ${key}`).toBeGreaterThan(0);
      for (const t of targets) {
        if (!reverse.has(t)) reverse.set(t, new Set());
        reverse.get(t)!.add(key);
      }
    }
    const canEnd = new Set(ends);
    const queue = [...ends];
    while (queue.length) {
      for (const prev of reverse.get(queue.pop()!) ?? []) {
        if (!canEnd.has(prev)) {
          canEnd.add(prev);
          queue.push(prev);
        }
      }
    }
    expect(vertices.map(([k]) => k).filter((k) => !canEnd.has(k))).toEqual([]);
  });

  it('reads exactly the policy rules its definition declares, guard by guard (after the walks above)', () => {
    expect(ruleReads).toEqual(declaredRuleReads(appealEvaluationProcess));
  });
});
