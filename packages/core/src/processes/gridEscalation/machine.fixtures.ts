/* Shared by the machine tests (a test helper: not built into dist). */
import { expect } from 'vitest';
import type { Policy } from '../../policy/types.js';
import type { Actor, Decision } from '../contract/types.js';
import { gridEscalationProcess } from './index.js';
import type { GridEscalationContext } from './index.js';
import { createProcessDriver, type ProcessDriver } from '../../testing/processDriver.js';
/* Times are Beijing time; the default policy's calendar is Asia/Shanghai, Mon–Fri 09:00–12:00 and 13:30–17:30,
 * with the 2026 holidays (e.g. 1 and 4–5 May) and make-up working days (e.g. Saturday 9 May). */
export const bj = (local: string): number => Date.parse(`${local}+08:00`);
export const iso = (ms: number | null | undefined): string => {
  if (ms === null || ms === undefined) return String(ms);
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('Z', '');
};
export const MIN = 60_000;

export const actor = (id: string, roles: string[], units: string[] = []): Actor => ({ id, roles, units });
export const dispatcher = actor('u-dispatcher', ['street_dispatcher'], ['street:s-01']);
export const gridWorker = actor('u-grid-1', ['grid_worker'], ['grid:g-01']);
export const gridWorker2 = actor('u-grid-2', ['grid_worker'], ['grid:g-01']);
export const streetLeader = actor('u-leader', ['street_leader'], ['street:s-01']);
export const liaison = (department: string): Actor =>
  actor(`u-${department}`, ['department_liaison'], [`department:${department}`]);

export const submission = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-resident', name: '张三', phone: '13800000000' },
  location: { lng: 118.27, lat: 33.96 },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
  ...overrides,
});

export type Driver = ProcessDriver<GridEscalationContext>;

export function newCase(options: { at?: string; policy?: Policy; input?: Record<string, unknown> } = {}): Driver {
  const d = createProcessDriver<GridEscalationContext>(gridEscalationProcess, {
    now: bj(options.at ?? '2026-03-02T09:00'),
    actor: dispatcher,
    caseId: 'case-1',
    ...(options.policy ? { policy: options.policy } : {}),
  });
  d.start(submission(options.input), { actor: gridWorker });
  return d;
}

/** Files a case and brings it to `handling.working` with the grid worker as handler. */
export function working(options: Parameters<typeof newCase>[0] = {}, handler: Actor = gridWorker): Driver {
  const d = newCase(options);
  d.send('case.triage.file', {});
  d.advance(10 * MIN);
  d.send('case.sign', {}, { actor: handler });
  d.advance(10 * MIN);
  d.send('case.contact', { method: 'phone' }, { actor: handler });
  d.advance(10 * MIN);
  d.send('case.start', {}, { actor: handler });
  expect(d.state).toBe('handling.working');
  return d;
}

export const decision = (decisions: readonly Decision[], rule: string): Decision | undefined =>
  decisions.find((x) => x.rule === rule);
