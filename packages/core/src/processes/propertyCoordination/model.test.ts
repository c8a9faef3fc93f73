import { getAdjacencyMap, getShortestPaths, getSimplePaths, type AdjacencyMap } from '@xstate/graph';
import { initialTransition, transition, type AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { createProcessEnv } from '../contract/env.js';
import type { Actor } from '../contract/types.js';
import { propertyCoordinationProcess } from './process.js';
import { DRIVER_DEFAULT_NOW, allLeafPaths, leafPaths, replayable } from '../../testing/processDriver.js';
import { declaredRuleReads, recordRuleReads } from '../../testing/ruleReads.js';
import {
  createPropertyCoordinationMachine,
  type PropertyCoordinationEvent,
  type PropertyCoordinationMachineInput,
} from './index.js';

/*
 * Model-based tests: @xstate/graph walks the machine with sample events (each with `at`, `actor`, `input`) and the
 * pure `transition`, exactly as the runtime computes steps. The state space is kept small and finite by
 * serialising a snapshot as its state value plus a projection of the context that guards read.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = DRIVER_DEFAULT_NOW;
const MEETING_AT = T0 + 4 * DAY;
const actor: Actor = { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01'] };
const system: Actor = { id: 'system', roles: ['system'], units: [] };
const PARTIES = ['community', 'owners_committee', 'property_company'] as const;

const { machine, reads: ruleReads } = recordRuleReads(
  { createMachine: createPropertyCoordinationMachine },
  createProcessEnv(createDefaultPolicy(), { decisions: [] }),
);
type Snapshot = ReturnType<typeof machine.transition>;

const input: PropertyCoordinationMachineInput = {
  compoundId: 'x-01',
  communityId: 'c-01',
  streetId: 's-01',
  gridId: 'g-01',
  matterType: 'parking',
  title: '地面车位分配争议',
  description: '业主与物业就地面车位分配方式发生争议',
  raisedBy: 'r-01',
  caseId: 'm-1',
  at: T0,
};

const ev = <T extends PropertyCoordinationEvent['type']>(
  type: T,
  eventInput: Extract<PropertyCoordinationEvent, { type: T }>['input'],
  at = T0,
  by: Actor = actor,
): PropertyCoordinationEvent => ({ type, at, actor: by, input: eventInput }) as PropertyCoordinationEvent;

const votes = (...yes: boolean[]) =>
  Object.fromEntries(PARTIES.map((p, i) => [p, yes[i] ? 'yes' : 'no'])) as Record<string, 'yes' | 'no'>;
const totals = (yesOwners: number) => ({
  totalArea: 300,
  totalOwners: 3,
  participatingArea: 300,
  participatingOwners: 3,
  yesArea: 300,
  yesOwners,
});

/**
 * Sample events of every type; deadlines come from the snapshot's pending deadlines. `canonical` keeps one order
 * for what happens in parallel (the first unconfirmed party confirms, the first unsigned party signs, the
 * earliest deadline fires), so simple paths enumerate branches rather than permutations.
 */
function eventsFor(snapshot: Snapshot, canonical = false): PropertyCoordinationEvent[] {
  const ctx = snapshot.context;
  const pending = ctx.deadlines.filter((d) => d.firedAt === undefined).sort((a, b) => a.dueAt - b.dueAt);
  const due = (canonical ? pending.slice(0, 1) : pending).map((d) =>
    ev('deadline.due', { deadlineId: d.id, kind: d.kind }, d.dueAt, system),
  );
  const meeting = ctx.meetings[ctx.meetings.length - 1];
  const confirming = canonical ? PARTIES.filter((p) => meeting?.confirmations[p] === undefined).slice(0, 1) : PARTIES;
  const attending = canonical ? PARTIES.filter((p) => meeting?.presence?.[p] === undefined).slice(0, 1) : PARTIES;
  const signing = canonical ? PARTIES.filter((p) => ctx.resolution?.signatures[p] === undefined).slice(0, 1) : PARTIES;
  return [
    ev('matter.triage.routine', { dueAt: T0 + 2 * DAY }),
    ev('matter.triage.consult', {}),
    ev('matter.preconsult.done', {}),
    ev('matter.meeting.schedule', { meetingAt: MEETING_AT, invited: [] }),
    ev('matter.meeting.schedule', { meetingAt: T0 + DAY }), // too short notice
    ...confirming.map((party) => ev('matter.meeting.confirm', { party }, T0 + HOUR)),
    ...attending.map((party) => ev('matter.meeting.attend', { party }, MEETING_AT)),
    ev('matter.meeting.hold', {}, MEETING_AT), // held with the presence recorded (no quorum below three)
    ev('matter.meeting.hold', {}, MEETING_AT - DAY), // before its time
    ev('matter.resolution.adopt', { decision: '按摇号分配', votes: votes(true, true, false) }, MEETING_AT + HOUR),
    ev('matter.resolution.adopt', { decision: '按摇号分配', votes: votes(true, false, false) }, MEETING_AT + HOUR), // no majority
    ...signing.map((party) => ev('matter.resolution.sign', { party }, MEETING_AT + 2 * HOUR)),
    ev('matter.no_consensus', { reason: '未达成一致' }, MEETING_AT + HOUR),
    ev('matter.escalate.street', { reason: '提交街道' }, MEETING_AT + DAY),
    ev('matter.escalate.mediation', {}, MEETING_AT + DAY),
    ev('matter.escalate.vote', {}, MEETING_AT + DAY),
    ev('matter.linked', { caseId: 'g-1' }, MEETING_AT + DAY, system),
    ev('matter.vote.record', totals(3), MEETING_AT + 10 * DAY),
    ev('matter.vote.record', totals(1), MEETING_AT + 10 * DAY), // rejected
    ev('matter.vote.record', totals(4), MEETING_AT + 10 * DAY), // inconsistent
    ev('matter.action.add', { id: 'a1', party: 'property_company', title: '划线', dueAt: T0 + 30 * DAY }, T0 + 5 * DAY),
    ev('matter.action.done', { id: 'a1' }, T0 + 20 * DAY),
    ev('matter.action.done', {}, T0 + DAY), // the only open item (the routine work order)
    ev('matter.publicise', {}, T0 + 21 * DAY),
    ev('matter.verify', { passed: true }, T0 + 28 * DAY),
    ev('matter.verify', { passed: false }, T0 + 28 * DAY),
    ev('matter.close', {}, T0 + 40 * DAY),
    ...due,
  ];
}

/** What the guards of the current state read, without timestamps, meeting numbers or history. */
function project(s: Snapshot): unknown {
  const ctx = s.context;
  const meeting = ctx.meetings[ctx.meetings.length - 1];
  return {
    confirmations: s.matches('confirming') && meeting ? Object.keys(meeting.confirmations).sort() : null,
    presence: s.matches('confirming') && meeting ? Object.keys(meeting.presence ?? {}).sort() : null,
    signatures: s.matches('signing') && ctx.resolution ? Object.keys(ctx.resolution.signatures).sort() : null,
    linked: s.matches('escalated') ? ctx.escalation?.linkedCaseId !== undefined : null,
    items: ctx.actionItems
      .filter((i) => i.cancelledAt === undefined)
      .map((i) => [i.id, i.doneAt !== undefined, i.overdueAt !== undefined]),
    pending: ctx.deadlines
      .filter((d) => d.firedAt === undefined)
      .map((d) => d.kind)
      .sort(),
    outcome: ctx.outcome ?? null,
  };
}

const serializeState = (s: Snapshot): string => JSON.stringify({ value: s.value, context: project(s) });
const options = { input, events: eventsFor, serializeState, limit: 100_000 };

/** Longest simple path kept (raised → … → closed through a failed verification is about 20 steps). */
const MAX_DEPTH = 24;

const stateOf = (s: Snapshot): string => leafPaths(s.value).join(',');

/** The outgoing edges of an adjacency-map vertex. */
const edges = (transitions: object) =>
  Object.values(transitions) as { event: PropertyCoordinationEvent; state: Snapshot }[];

describe('propertyCoordination: model-based (@xstate/graph)', () => {
  const adjacency: AdjacencyMap<Snapshot, PropertyCoordinationEvent> = getAdjacencyMap(machine, options);
  const vertices = Object.entries(adjacency);

  it('explores a small, finite state space', () => {
    expect(vertices.length).toBeGreaterThan(30);
    expect(vertices.length).toBeLessThan(500);
  });

  it('reaches every state by a shortest path, and each path replays with the pure transition', () => {
    const paths = getShortestPaths(machine, options);
    const reached = new Set(paths.map((p) => stateOf(p.state)));
    expect([...reached].sort()).toEqual(allLeafPaths(machine.root).sort());

    // One path per state value, replayed the way the runtime computes steps.
    const byState = new Map<string, (typeof paths)[number]>();
    for (const p of paths) if (!byState.has(stateOf(p.state))) byState.set(stateOf(p.state), p);
    for (const [state, path] of byState) {
      let [snapshot] = initialTransition(machine, input);
      for (const step of replayable(path.steps)) [snapshot] = transition(machine, snapshot, step.event);
      expect(stateOf(snapshot), state).toBe(state);
    }
  });

  it('accepts every event type each state declares from some reachable snapshot', () => {
    const accepted = new Set<string>();
    for (const [key, { state, transitions }] of vertices) {
      for (const { event, state: next } of edges(transitions)) {
        if (serializeState(next) !== key) accepted.add(`${stateOf(state)}|${event.type}`);
      }
    }
    const declared = new Set<string>();
    const visit = (node: AnyStateNode): void => {
      const leaf = Object.keys(node.states).length === 0;
      if (leaf) {
        // Events handled by the node itself or an ancestor (except the root's deadline catch-all).
        for (let n: AnyStateNode | undefined = node; n && n.parent; n = n.parent) {
          for (const type of n.ownEvents) declared.add(`${node.path.join('.')}|${type}`);
        }
      }
      for (const child of Object.values(node.states) as AnyStateNode[]) visit(child);
    };
    visit(machine.root);
    const missing = [...declared].filter((k) => !accepted.has(k));
    expect(missing).toEqual([]);
  });

  it('finds simple paths up to the meeting and from the meeting to closed, within a depth limit', () => {
    const canonical = { ...options, events: (s: Snapshot) => eventsFor(s, true) };
    // Enumerating simple paths is exponential in the graph size: walk the two halves of the process separately.
    const atMeeting = (s: Snapshot) => s.matches('deliberation') || s.status === 'done';
    const head = getSimplePaths(machine, { ...canonical, stopWhen: atMeeting, toState: atMeeting }).filter(
      (p) => p.steps.length <= MAX_DEPTH,
    );
    const meeting = head.find((p) => p.state.matches('deliberation'))!.state;
    const tail = getSimplePaths(machine, {
      ...canonical,
      fromState: meeting,
      toState: (s) => s.status === 'done',
    }).filter((p) => p.steps.length <= MAX_DEPTH);

    expect(head.map((p) => stateOf(p.state)).sort()).toContain('closed'); // the routine work order
    expect(
      head.some((p) => p.steps.some((s) => s.event.type === 'matter.meeting.hold') && p.state.matches('deliberation')),
    ).toBe(true);
    const outcomes = new Set([...head, ...tail].map((p) => p.state.context.outcome).filter(Boolean));
    expect([...outcomes].sort()).toEqual(['escalated', 'mediated', 'rejected', 'resolved', 'work_order']);
    for (const p of tail) expect(p.state.status).toBe('done');
    // Every tail path replays from the meeting with the pure transition.
    for (const p of tail) {
      let snapshot = meeting;
      for (const step of replayable(p.steps)) [snapshot] = transition(machine, snapshot, step.event);
      expect(snapshot.status).toBe('done');
    }
  });

  it('has no dead ends: every non-final snapshot can leave, and can still reach a final state', () => {
    const finals = new Set(vertices.filter(([, v]) => v.state.status === 'done').map(([k]) => k));
    expect(finals.size).toBeGreaterThan(0);
    const reverse = new Map<string, Set<string>>();
    for (const [key, { transitions }] of vertices) {
      const targets = new Set(edges(transitions).map((t) => serializeState(t.state)));
      targets.delete(key);
      if (adjacency[key as keyof typeof adjacency]!.state.status !== 'done') {
        expect(targets.size, `dead end: ${key}`).toBeGreaterThan(0);
      }
      for (const t of targets) {
        if (!reverse.has(t)) reverse.set(t, new Set());
        reverse.get(t)!.add(key);
      }
    }
    const canFinish = new Set(finals);
    const queue = [...finals];
    while (queue.length) {
      for (const prev of reverse.get(queue.pop()!) ?? []) {
        if (!canFinish.has(prev)) {
          canFinish.add(prev);
          queue.push(prev);
        }
      }
    }
    const stuck = vertices.map(([k]) => k).filter((k) => !canFinish.has(k));
    expect(stuck).toEqual([]);
  });

  it('reads exactly the policy rules its definition declares (after the walks above)', () => {
    // The decision rule and the vote thresholds depend on the matter type: walk a consensus matter (property
    // fees) and a major one (raising repair funds) too.
    for (const matterType of ['property_fees', 'repair_funds_raise'])
      getAdjacencyMap(machine, { ...options, input: { ...input, matterType } });
    expect(ruleReads).toEqual(declaredRuleReads(propertyCoordinationProcess));
  });
});
