/* Shared by the createRuntime tests (a test helper: not built into dist). */
import { expect } from 'vitest';
import { createManualClock } from '../clock.js';
import { GridflowError } from '../errors.js';
import { createDefaultPolicy } from '../policy/defaultPolicy.js';
import type { Policy } from '../policy/types.js';
import { gridEscalationProcess } from '../processes/gridEscalation/index.js';
import { propertyCoordinationProcess } from '../processes/propertyCoordination/index.js';
import { appealEvaluationProcess } from '../processes/appealEvaluation/index.js';
import type { Actor, ProcessDefinition } from '../processes/contract/types.js';
import { createMemoryStore } from './memoryStore.js';
import { createPolicyRegistry } from './policyRegistry.js';
import { createRuntime } from './createRuntime.js';
export const bj = (local: string): number => Date.parse(`${local}+08:00`);
export const MIN = 60_000;
export const actor = (id: string, roles: string[], units: string[] = []): Actor => ({ id, roles, units });
export const gridWorker = actor('u-grid-1', ['grid_worker'], ['grid:g-01']);
export const gridWorker2 = actor('u-grid-2', ['grid_worker'], ['grid:g-01']);
export const otherGridWorker = actor('u-grid-9', ['grid_worker'], ['grid:g-09']);
export const communityStaff = actor('u-comm', ['community_staff'], ['community:c-01']);
export const dispatcher = actor('u-disp', ['street_dispatcher'], ['street:s-01']);
export const resident = actor('u-resident', ['resident']);

export const submission = (overrides: Record<string, unknown> = {}) => ({
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

export function setup(options: { policies?: Policy[]; processes?: ProcessDefinition[] } = {}) {
  const clock = createManualClock(bj('2026-03-02T09:00'));
  const store = createMemoryStore();
  let n = 0;
  const runtime = createRuntime({
    store,
    clock,
    policies: createPolicyRegistry(options.policies ?? [createDefaultPolicy()]),
    processes: options.processes ?? [gridEscalationProcess, propertyCoordinationProcess, appealEvaluationProcess],
    newId: () => `c${++n}`,
  });
  return { runtime, clock, store };
}

export async function expectError(promise: Promise<unknown>, code: string): Promise<GridflowError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GridflowError);
    expect((error as GridflowError).code).toBe(code);
    expect((error as GridflowError).messages.zh).toBeTruthy();
    expect((error as GridflowError).messages.en).toBeTruthy();
    return error as GridflowError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}
