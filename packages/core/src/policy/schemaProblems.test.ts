import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../problems.js';
import { createDefaultPolicy } from './defaultPolicy.js';
import { calendarSchema, policySchema, routingRowSchema } from './schema.js';
import { policyValidator, schemaProblems } from './schemaProblems.js';
import type { Policy } from './types.js';

const edit = (change: (p: Policy & Record<string, unknown>) => void): Problem[] => {
  const p = createDefaultPolicy() as Policy & Record<string, unknown>;
  change(p);
  return schemaProblems(p);
};

const only = (problems: Problem[]): Pick<Problem, 'code' | 'path'>[] =>
  problems.map(({ code, path }) => ({ code, path }));

function expectBilingual(problems: Problem[]): void {
  for (const p of problems) {
    expect(p.severity).toBe('error');
    expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
    expect(p.message.en).toMatch(/[a-z]/i);
  }
}

describe('policy schema', () => {
  it('accepts the default policy', () => {
    expect(schemaProblems(createDefaultPolicy())).toEqual([]);
  });

  it('compiles once and reuses the validator', () => {
    expect(policyValidator()).toBe(policyValidator());
  });

  it('is a draft 2020-12 schema with an $id', () => {
    expect(policySchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(policySchema.$id).toBe('https://gridflow.dev/schemas/policy.json');
  });

  it('conforms to the draft 2020-12 meta-schema', () => {
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validateSchema(policySchema)).toBe(true);
  });

  it('exports self-contained parts', () => {
    const ajv = new Ajv2020({ strict: true });
    expect(ajv.validate(routingRowSchema, createDefaultPolicy().routing.rows[0])).toBe(true);
    expect(
      ajv.validate(calendarSchema, {
        ...createDefaultPolicy().calendar,
        workingHours: [{ start: '9:00', end: '12:00' }],
      }),
    ).toBe(false);
  });

  it('points a missing property at the property itself', () => {
    const problems = edit((p) => {
      delete (p as Partial<Policy>).version;
      delete (p.routing.rows[2]!.then as Partial<Policy['routing']['rows'][number]['then']>).level;
    });
    expect(only(problems)).toEqual([
      { code: 'schema.required', path: '/version' },
      { code: 'schema.required', path: '/routing/rows/2/then/level' },
    ]);
    expect(problems[0]?.message).toEqual({ zh: '缺少必填项“version”', en: 'Required property "version" is missing' });
    expectBilingual(problems);
  });

  it('reports a wrong type once, without the enum or pattern of the same cell', () => {
    const problems = edit((p) => {
      (p as Record<string, unknown>)['version'] = '2';
      (p.timeLimits.handling[0] as unknown as Record<string, unknown>)['level'] = 5;
    });
    expect(only(problems)).toEqual([
      { code: 'schema.type', path: '/version' },
      { code: 'schema.type', path: '/timeLimits/handling/0/level' },
    ]);
    expect(problems[0]?.message.zh).toBe('应为整数，实际是文本 "2"');
    expectBilingual(problems);
  });

  it('reports enums with their allowed values', () => {
    const problems = edit((p) => {
      (p as Record<string, unknown>)['status'] = 'live';
      (p.permissions[0] as unknown as Record<string, unknown>)['scope'] = 'planet';
      (p.permissions[1] as unknown as Record<string, unknown>)['levels'] = ['grid', 'province'];
    });
    expect(only(problems)).toEqual([
      { code: 'schema.enum', path: '/status' },
      { code: 'schema.enum', path: '/permissions/0/scope' },
      { code: 'schema.enum', path: '/permissions/1/levels/1' },
    ]);
    expect(problems[0]?.message.en).toContain('draft, in_review, published, retired');
  });

  it('reports malformed durations, times, dates, ids and commands at the cell', () => {
    const problems = edit((p) => {
      p.timeLimits.handling[3]!.duration = '2 hours';
      p.calendar.workingHours[0]!.start = '9:00';
      p.calendar.holidays[0]!.date = '2026-1-1';
      p.routing.rows[0]!.id = 'Row 1';
      p.permissions[1]!.command = 'case sign';
      p.effectiveFrom = '2026-01-01';
    });
    expect(only(problems)).toEqual([
      { code: 'schema.pattern', path: '/effectiveFrom' },
      { code: 'schema.pattern', path: '/routing/rows/0/id' },
      { code: 'schema.pattern', path: '/timeLimits/handling/3/duration' },
      { code: 'schema.pattern', path: '/calendar/workingHours/0/start' },
      { code: 'schema.pattern', path: '/calendar/holidays/0/date' },
      { code: 'schema.pattern', path: '/permissions/1/command' },
    ]);
    expect(problems[2]?.message.zh).toContain('ISO 8601 时长');
    expectBilingual(problems);
  });

  it('points an unknown property at the property', () => {
    const problems = edit((p) => {
      (p.routing.rows[1] as unknown as Record<string, unknown>)['priority'] = 1;
      p['extra/field'] = true;
    });
    expect(only(problems)).toEqual([
      { code: 'schema.additional_property', path: '/extra~1field' },
      { code: 'schema.additional_property', path: '/routing/rows/1/priority' },
    ]);
  });

  it('reports numbers out of range, empty lists and texts', () => {
    const problems = edit((p) => {
      p.evaluation.revisitAttempts = 0;
      p.version = 0;
      p.urgencies = [];
      p.name.zh = '';
    });
    expect(only(problems)).toEqual([
      { code: 'schema.minimum', path: '/version' },
      { code: 'schema.min_length', path: '/name/zh' },
      { code: 'schema.min_items', path: '/urgencies' },
      { code: 'schema.minimum', path: '/evaluation/revisitAttempts' },
    ]);
    expectBilingual(problems);
  });

  it('rejects a document that is not an object', () => {
    expect(only(schemaProblems(null))).toEqual([{ code: 'schema.type', path: '' }]);
    expect(only(schemaProblems([]))).toEqual([{ code: 'schema.type', path: '' }]);
  });
});
