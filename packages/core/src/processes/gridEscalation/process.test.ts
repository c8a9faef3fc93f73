import { describe, expect, it } from 'vitest';
import { createDefaultPolicy } from '../../policy/defaultPolicy.js';
import { gridEscalationProcess, validateGridEscalationInput } from './index.js';
import { createGridEscalationMachine } from './index.js';
import { createProcessDriver } from '../../testing/processDriver.js';
import { submission } from './machine.fixtures.js';

describe('gridEscalation: process definition', () => {
  const policy = createDefaultPolicy();

  it('names every state of the machine', () => {
    const machine = createGridEscalationMachine(createProcessDriver(gridEscalationProcess).env);
    const paths: string[] = [];
    const walk = (node: { path: string[]; states: Record<string, unknown> }): void => {
      for (const child of Object.values(node.states) as { path: string[]; states: Record<string, unknown> }[]) {
        paths.push(child.path.join('.'));
        walk(child);
      }
    };
    walk(machine.root);
    expect(Object.keys(gridEscalationProcess.states).sort()).toEqual(paths.sort());
    for (const [path, def] of Object.entries(gridEscalationProcess.states)) {
      expect(def.final === true).toBe(['archived', 'cancelled', 'merged'].includes(path));
    }
  });

  it('describes a known command for every command the machine accepts', () => {
    const machine = createGridEscalationMachine(createProcessDriver(gridEscalationProcess).env);
    const accepted = new Set<string>();
    const walk = (node: { on: Record<string, unknown>; states: Record<string, unknown> }): void => {
      for (const type of Object.keys(node.on)) accepted.add(type);
      for (const child of Object.values(node.states)) walk(child as typeof node);
    };
    walk(machine.root as unknown as { on: Record<string, unknown>; states: Record<string, unknown> });
    expect([...accepted].sort()).toEqual(gridEscalationProcess.commands.map((c) => c.type).sort());
    const internal = gridEscalationProcess.commands.filter((c) => c.internal).map((c) => c.type);
    expect(internal.sort()).toEqual(['case.duplicate.link', 'case.evaluation.link', 'case.reopen', 'deadline.due']);
  });

  it('validates a good submission with no problems', () => {
    expect(validateGridEscalationInput(submission(), policy)).toEqual([]);
  });

  it.each([
    [{ category: 'nothing' }, 'input.category_unknown', '/category'],
    [{ urgency: 'whenever' }, 'input.urgency_unknown', '/urgency'],
    [
      { category: 'neighbour_dispute', anonymous: true, attributes: { description: '楼上漏水不处理' } },
      'input.anonymous_not_allowed',
      '/anonymous',
    ],
    [{ attributes: { noise_source: 'construction' } }, 'input.attribute_required', '/attributes/location'],
    [{ attributes: { location: 42, noise_source: 'construction' } }, 'input.attribute_type', '/attributes/location'],
    [
      { attributes: { location: '楼', noise_source: 'construction' } },
      'input.attribute_too_short',
      '/attributes/location',
    ],
    [
      { attributes: { location: '楼'.repeat(201), noise_source: 'construction' } },
      'input.attribute_too_long',
      '/attributes/location',
    ],
    [
      { attributes: { location: '幸福小区', noise_source: 'aliens' } },
      'input.attribute_option',
      '/attributes/noise_source',
    ],
    [
      { attributes: { location: '幸福小区', noise_source: 'construction', colour: 'red' } },
      'input.attribute_unknown',
      '/attributes/colour',
    ],
    [
      { category: 'road_damage', attributes: { location: '人民路', area_m2: -1 } },
      'input.attribute_too_small',
      '/attributes/area_m2',
    ],
    [
      { category: 'road_damage', attributes: { location: '人民路', area_m2: 100001 } },
      'input.attribute_too_large',
      '/attributes/area_m2',
    ],
    [
      { category: 'road_damage', attributes: { location: '人民路', area_m2: '12' } },
      'input.attribute_type',
      '/attributes/area_m2',
    ],
    [
      {
        category: 'illegal_construction',
        attributes: { location: '楼顶', structure_type: 'rooftop', started_on: '1999-12-31' },
      },
      'input.attribute_too_early',
      '/attributes/started_on',
    ],
    [
      {
        category: 'illegal_construction',
        attributes: { location: '楼顶', structure_type: 'rooftop', started_on: '2026-02-30' },
      },
      'input.attribute_type',
      '/attributes/started_on',
    ],
  ])('reports %o as %s at %s', (overrides, code, path) => {
    const problems = validateGridEscalationInput(submission(overrides), policy);
    expect(problems.map((p) => [p.code, p.path])).toEqual([[code, path]]);
    expect(problems[0]?.message.zh).toBeTruthy();
    expect(problems[0]?.message.en).toBeTruthy();
  });

  it('reports a date after the latest allowed one', () => {
    const p = createDefaultPolicy();
    const attr = p.categories
      .find((c) => c.code === 'illegal_construction')!
      .attributes.find((a) => a.code === 'started_on')!;
    attr.latest = '2026-01-01';
    const problems = validateGridEscalationInput(
      submission({
        category: 'illegal_construction',
        attributes: { location: '楼顶', structure_type: 'rooftop', started_on: '2026-03-01' },
      }),
      p,
    );
    expect(problems.map((x) => x.code)).toEqual(['input.attribute_too_late']);
  });

  it('rejects a submission that is not an object', () => {
    expect(validateGridEscalationInput('hello', policy).map((p) => p.code)).toEqual(['input.invalid']);
  });
});
