import type { AnyMachineSnapshot } from 'xstate';
import type { Clock } from '../clock.js';
import { nextDueAt } from '../processes/contract/deadlines.js';
import type { Actor, Decision, Effect, ProcessDefinition } from '../processes/contract/types.js';
import type { Policy } from '../policy/types.js';
import type { PolicyRegistry } from './policyRegistry.js';
import type { CaseRecord, HistoryEntry, StoredSnapshot } from './types.js';

/**
 * How the runtime writes a case down: its record from a machine snapshot, the history entry of each event, the
 * effects a transition asks for, and case ids.
 */

/** An event the runtime applies to a case (a command, a fired deadline, an effect's command), with who and when. */
export interface AppliedEvent {
  type: string;
  input: Record<string, unknown>;
  actor: Actor;
  at: number;
}

let idCounter = 0;
/** Time-ordered random case ids (the default of `RuntimeOptions.newId`). */
export function defaultId(clock: Clock): () => string {
  return () => {
    idCounter = (idCounter + 1) % 1_000_000;
    const rand = Math.floor(Math.random() * 36 ** 4)
      .toString(36)
      .padStart(4, '0');
    return `${clock.now().toString(36)}-${idCounter.toString(36).padStart(4, '0')}${rand}`;
  };
}

/** The dotted form of an XState state value: `{ handling: 'working' }` → `handling.working`. */
export function stateKey(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const inner = stateKey(v);
      return inner ? `${k}.${inner}` : k;
    });
    return parts.join(',');
  }
  return '';
}

/** The next version of a case's record, from the machine snapshot after an event at `at`. */
export function toRecord(def: ProcessDefinition, base: CaseRecord, snap: AnyMachineSnapshot, at: number): CaseRecord {
  const context = snap.context as StoredSnapshot['context'];
  const summary = def.summarize(context, snap.value);
  if (snap.status === 'done') summary.open = false;
  return {
    ...base,
    processVersion: def.version,
    state: stateKey(snap.value),
    version: base.version + 1,
    snapshot: { value: snap.value, context },
    summary,
    nextDueAt: nextDueAt(context.deadlines ?? []),
    updatedAt: at,
  };
}

/** The effects among a transition's actions. */
export const effectsOf = (actions: { type: string; params?: unknown }[]): Effect[] =>
  actions.filter((a) => a.type === 'effect' && a.params).map((a) => a.params as Effect);

/** The history entry of an event that brought a case from state `from` to its record. */
export const historyEntry = (
  record: CaseRecord,
  event: AppliedEvent,
  from: string,
  decisions: Decision[],
): HistoryEntry => ({
  caseId: record.id,
  tenant: record.tenant,
  seq: record.version,
  at: event.at,
  actor: { id: event.actor.id, roles: event.actor.roles, ...(event.actor.name ? { name: event.actor.name } : {}) },
  command: event.type,
  input: event.input,
  from,
  to: record.state,
  policyId: record.policyId,
  policyVersion: record.policyVersion,
  decisions,
});

/** The policy version a case is pinned to, from its tenant's registry. */
export const pinnedPolicy = (registryFor: (tenant: string) => PolicyRegistry, record: CaseRecord): Policy =>
  registryFor(record.tenant).get(record.policyId, record.policyVersion);
