/* Shared by the machine tests (a test helper: not built into dist). */
import { expect } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import type { CoordinationPolicy, Policy } from '../../policy/types.js';
import type { Actor } from '../contract/types.js';
import { propertyCoordinationProcess } from './process.js';
import { createProcessDriver, DRIVER_DEFAULT_NOW, type ProcessDriver } from '../../testing/processDriver.js';
import type { CoordinationSettings, PropertyCoordinationContext } from './index.js';
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const T0 = DRIVER_DEFAULT_NOW;
export const PARTIES = ['community', 'owners_committee', 'property_company'];

export const secretary: Actor = { id: 'u-secretary', roles: ['community_secretary'], units: ['community:c-01'] };

export const baseInput = {
  compoundId: 'x-01',
  communityId: 'c-01',
  streetId: 's-01',
  gridId: 'g-01',
  matterType: 'parking',
  title: '地面车位分配争议',
  description: '业主与物业就地面车位分配方式发生争议',
  raisedBy: 'r-01',
};

export type Driver = ProcessDriver<PropertyCoordinationContext>;

export function withCoordination(patch: Partial<CoordinationSettings>): Policy {
  const policy = createDefaultPolicy();
  return { ...policy, coordination: { ...policy.coordination, ...patch } as CoordinationPolicy };
}

export function start(options: { policy?: Policy; matterType?: string } = {}): Driver {
  const d = createProcessDriver<PropertyCoordinationContext>(propertyCoordinationProcess, {
    actor: secretary,
    caseId: 'm-1',
    ...(options.policy ? { policy: options.policy } : {}),
  });
  d.start({ ...baseInput, matterType: options.matterType ?? baseInput.matterType });
  return d;
}

/** Triage → pre-consultation → meeting scheduled four days ahead; returns the meeting time. */
export function toConfirming(d: Driver, invited: string[] = []): number {
  d.send('matter.triage.consult');
  d.send('matter.preconsult.done');
  const meetingAt = d.now + 4 * DAY;
  expect(d.send('matter.meeting.schedule', { meetingAt, invited }).changed).toBe(true);
  return meetingAt;
}

/** Each party records its own presence at the meeting time. */
export function attend(d: Driver, parties: readonly string[], at: number): void {
  for (const party of parties) expect(d.send('matter.meeting.attend', { party }, { at }).changed).toBe(true);
}

/** … → meeting held with these parties present at the meeting time. */
export function toDeliberation(d: Driver, attending: string[] = PARTIES): void {
  const meetingAt = toConfirming(d);
  for (const party of PARTIES) d.send('matter.meeting.confirm', { party });
  attend(d, attending, meetingAt);
  d.send('matter.meeting.hold', {}, { at: meetingAt });
  expect(d.state).toBe('deliberation');
}

export const allYes = { community: 'yes', owners_committee: 'yes', property_company: 'yes' };

export function toImplementation(d: Driver): void {
  toDeliberation(d);
  d.send('matter.resolution.adopt', { decision: '按摇号分配', votes: allYes });
  for (const party of PARTIES) d.send('matter.resolution.sign', { party });
  expect(d.state).toBe('implementation');
}

export function toNoConsensus(d: Driver): void {
  toDeliberation(d);
  d.send('matter.no_consensus', { reason: '物业不同意' });
  expect(d.state).toBe('noConsensus');
}
