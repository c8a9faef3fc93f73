import { describe, expect, it } from 'vitest';
import { createRuleEngine } from '../rules/engine.js';
import { analyseDecisionTable } from './decisionTable/index.js';
import { createDefaultPolicy } from './defaultPolicy.js';
import { routingFacts } from './facts.js';

const policy = createDefaultPolicy();
const engine = createRuleEngine();
const rule = (key: keyof typeof policy.rules, data: unknown): unknown =>
  engine.evaluate((policy.rules[key] as { logic: unknown }).logic, {
    ...(data as object),
    limits: policy.rules.limits,
  });
const indicator = (code: string, counts: Record<string, number>): unknown =>
  engine.evaluate(policy.evaluation.indicators.find((i) => i.code === code)?.formula, {
    basicallySatisfiedWeight: policy.evaluation.basicallySatisfiedWeight,
    ...counts,
  });

describe('default policy rules', () => {
  it('escalate: past the level’s limit and not resolved', () => {
    expect(rule('escalate', { case: { elapsedHours: 49, limitHours: 48, resolved: false } })).toBe(true);
    expect(rule('escalate', { case: { elapsedHours: 49, limitHours: 48, resolved: true } })).toBe(false);
    expect(rule('escalate', { case: { elapsedHours: 47, limitHours: 48, resolved: false } })).toBe(false);
  });

  it('extensionAllowed: before the deadline and fewer than two so far', () => {
    expect(rule('extensionAllowed', { case: { beforeDeadline: true, extensions: 1 } })).toBe(true);
    expect(rule('extensionAllowed', { case: { beforeDeadline: true, extensions: 2 } })).toBe(false);
    expect(rule('extensionAllowed', { case: { beforeDeadline: false, extensions: 0 } })).toBe(false);
  });

  it('verifierAllowed, returnAllowed, whistle, publicNotice, redo', () => {
    expect(rule('verifierAllowed', { actor: { id: 'u1' }, case: { handlerId: 'u2' } })).toBe(true);
    expect(rule('verifierAllowed', { actor: { id: 'u1' }, case: { handlerId: 'u1' } })).toBe(false);
    expect(rule('returnAllowed', { case: { returns: 0, level: 'department' } })).toBe(true);
    expect(rule('returnAllowed', { case: { returns: 0, level: 'district' } })).toBe(false);
    expect(rule('whistle', { case: { level: 'street', whistleDepartments: 1 } })).toBe(true);
    expect(rule('whistle', { case: { level: 'community', whistleDepartments: 0 } })).toBe(false);
    expect(rule('publicNotice', { case: { overdueWorkingDays: 6 } })).toBe(true);
    expect(rule('publicNotice', { case: { overdueWorkingDays: 5 } })).toBe(false);
    expect(rule('redo', { evaluation: { rating: 'unsatisfied', controllable: true } })).toBe(true);
    expect(rule('redo', { evaluation: { rating: 'unsatisfied', controllable: false } })).toBe(false);
    expect(rule('redo', { evaluation: { rating: 'basically_satisfied', controllable: true } })).toBe(false);
  });

  it('raterAllowed: the resident rates their own matter; anyone else must not belong to the rated unit', () => {
    const ofStreet = { unit: 'street:s-01', evaluatorKind: 'resident', evaluatorId: 'u-resident' };
    const leader = { id: 'u-leader', roles: ['street_leader'], units: ['street:s-01'] };
    expect(rule('raterAllowed', { actor: leader, evaluation: ofStreet })).toBe(false);
    expect(rule('raterAllowed', { actor: leader, evaluation: { unit: 'department:urban_management' } })).toBe(true);
    const hotline = { id: 'u-12345', roles: ['external_platform'], units: [] };
    expect(rule('raterAllowed', { actor: hotline, evaluation: ofStreet })).toBe(true);
    const resident = { id: 'u-resident', roles: ['resident'], units: ['grid:g-01', 'street:s-01'] };
    expect(rule('raterAllowed', { actor: resident, evaluation: ofStreet })).toBe(true);
    expect(rule('raterAllowed', { actor: resident, evaluation: { ...ofStreet, evaluatorId: 'u-other' } })).toBe(false);
  });
});

describe('default policy indicators', () => {
  it('reproduce the published Tianmen month (972 due, 911 closed, 737 on time)', () => {
    expect(indicator('closure_rate', { due: 972, closed: 911 })).toBeCloseTo(0.9372, 4);
    expect(indicator('on_time_closure_rate', { due: 972, closedOnTime: 737 })).toBeCloseTo(0.7582, 4);
  });

  it('count basically satisfied at w = 0.8, and give null when nothing was counted', () => {
    expect(indicator('satisfaction_rate', { revisits: 100, satisfied: 70, basicallySatisfied: 20 })).toBeCloseTo(
      0.86,
      9,
    );
    expect(indicator('response_rate', { dispatched: 0, contactedInTime: 0 })).toBeNull();
  });
});

describe('default routing', () => {
  it('emergencies start at the street, illegal construction at urban management, the rest at the grid', () => {
    const route = (data: unknown) => policy.routing.rows.find((r) => engine.evaluate(r.when, data))?.then;
    expect(route({ case: { category: 'noise', urgency: 'emergency' } })).toEqual({ level: 'street' });
    expect(route({ case: { category: 'illegal_construction', urgency: 'general' } })).toEqual({
      level: 'department',
      department: 'urban_management',
    });
    expect(route({ case: { category: 'road_damage', urgency: 'general', attributes: { area_m2: 80 } } })).toEqual({
      level: 'department',
      department: 'housing',
    });
    expect(route({ case: { category: 'road_damage', urgency: 'general', attributes: {} } })).toEqual({ level: 'grid' });
    expect(route({ case: { category: 'unclear_jurisdiction', urgency: 'complex' } })).toEqual({ level: 'district' });
    expect(route({ case: { category: 'neighbour_dispute', urgency: 'general', source: 'walk_in' } })).toEqual({
      level: 'grid',
    });
  });

  it('every row is reachable and no urgency but emergency reaches the first', () => {
    const analysis = analyseDecisionTable(policy.routing.rows, routingFacts(policy), {
      reachableValuesOf: ['case.urgency'],
    });
    expect(analysis.rows.filter((r) => r.coveredBy || r.neverMatches)).toEqual([]);
    expect(analysis.rows[0]?.reachable['case.urgency']).toEqual(['emergency']);
    expect(analysis.rows.at(-1)?.reachable['case.urgency']).toEqual(['general', 'complex']);
  });
});
