import { describe, expect, it } from 'vitest';
import { t } from '../i18n.js';
import { lintRule, PORTABLE_OPERATORS } from './portability.js';
import type { FactDictionary } from './types.js';

const facts: FactDictionary = {
  'case.elapsedHours': { type: 'number', label: t('处理已用时', 'time spent handling'), unit: 'hours' },
  'case.limitHours': { type: 'number', label: t('时限', 'the time limit'), unit: 'hours' },
  'case.resolved': { type: 'boolean', label: t('已办结', 'resolved') },
  'case.category': {
    type: 'string',
    label: t('诉求类别', 'the category'),
    values: [
      { value: 'illegal_construction', name: t('违章建筑', 'illegal construction') },
      { value: 'noise', name: t('噪音扰民', 'noise') },
    ],
  },
  'case.handlerId': { type: 'string', label: t('承办人', 'the handler') },
  'case.dueDate': { type: 'date', label: t('截止日期', 'the due date') },
  'actor.roles': {
    type: 'string[]',
    label: t('操作人角色', 'the actor’s roles'),
    values: [{ value: 'dispatcher', name: t('调度员', 'dispatcher') }],
  },
  'case.photos': {
    type: 'object[]',
    label: t('照片', 'the photos'),
    item: { size: { type: 'number', label: t('大小', 'the size') } },
  },
};
const lint = (logic: unknown) => lintRule(logic, facts, '/rules/escalate/logic');
const codes = (logic: unknown) => lint(logic).map((p) => `${p.code} ${p.path}`);

describe('lintRule', () => {
  it('accepts typical portable governance rules', () => {
    const rules: unknown[] = [
      { and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }] },
      { in: [{ var: 'case.category' }, ['illegal_construction', 'noise']] },
      { in: ['dispatcher', { var: 'actor.roles' }] },
      { '<=': [24, { var: 'case.elapsedHours' }, 48] },
      { '<': [{ var: 'case.dueDate' }, '2026-12-31'] },
      { some: [{ var: 'case.photos' }, { '>': [{ var: 'size' }, 100] }] },
      {
        '>': [
          { reduce: [{ var: 'case.photos' }, { '+': [{ var: 'accumulator' }, { var: 'current.size' }] }, 0] },
          1000,
        ],
      },
      { if: [{ '===': [{ var: 'case.category' }, 'noise'] }, 'community', 'grid'] },
      { '!': { missing: ['case.handlerId'] } },
      { '/': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] },
    ];
    for (const rule of rules) expect(lint(rule), JSON.stringify(rule)).toEqual([]);
  });

  it('points at the exact sub-expression, under the base path', () => {
    const problems = lint({ and: [true, { '>': [{ var: 'case.elapsedHours' }, '48'] }] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      code: 'rule.type_mismatch',
      severity: 'error',
      path: '/rules/escalate/logic/and/1/>/1',
    });
    expect(problems[0]?.message.zh).toContain('处理已用时');
    expect(problems[0]?.message.en).toContain('time spent handling');
  });

  it('flags a value an enumerated fact does not have', () => {
    expect(codes({ '==': [{ var: 'case.category' }, 'illegal_constructio'] })).toEqual([
      'rule.type_mismatch /rules/escalate/logic/==/1',
    ]);
    expect(codes({ in: [{ var: 'case.category' }, ['noise', 'parking']] })).toEqual([
      'rule.type_mismatch /rules/escalate/logic/in/1/1',
    ]);
    expect(codes({ in: ['mayor', { var: 'actor.roles' }] })).toEqual(['rule.type_mismatch /rules/escalate/logic/in/0']);
    expect(lint({ '==': [{ var: 'case.category' }, 'parking'] })[0]?.message.zh).toContain('违章建筑');
  });

  it('flags operators outside the subset and unknown ones', () => {
    expect(codes({ '??': [{ var: 'case.handlerId' }, 'x'] })).toEqual(['rule.not_portable /rules/escalate/logic']);
    for (const op of ['val', 'exists', 'throw', 'try', 'length', 'get', 'keys', 'not', 'every'])
      expect(lint({ [op]: ['a'] })[0]?.code, op).toBe('rule.not_portable');
    expect(codes({ log: 1 })).toEqual(['rule.unknown_operator /rules/escalate/logic']);
    expect(codes({ equal: [1, 1] })).toEqual(['rule.unknown_operator /rules/escalate/logic']);
    expect(codes({ '==': [1, { a: 1, b: 2 }] })).toEqual(['rule.not_portable /rules/escalate/logic/==/1']);
  });

  it('flags unknown facts, also inside list operations where var reads the item', () => {
    expect(codes({ '>': [{ var: 'case.elapsed' }, 1] })).toEqual(['rule.unknown_fact /rules/escalate/logic/>/0']);
    const inner = lint({ some: [{ var: 'case.photos' }, { '>': [{ var: 'case.elapsedHours' }, 1] }] });
    expect(inner[0]?.code).toBe('rule.unknown_fact');
    expect(inner[0]?.message.en).toContain('current item');
    expect(codes({ missing: ['case.nothing'] })).toEqual(['rule.unknown_fact /rules/escalate/logic/missing/0']);
  });

  it('flags the argument forms and types on which json-logic-js disagrees', () => {
    expect(codes({ '==': [{ var: 'case.elapsedHours' }, 'abc'] })[0]).toMatch(/^rule.type_mismatch/);
    expect(codes({ '+': [{ var: 'case.handlerId' }, 1] })).toEqual(['rule.type_mismatch /rules/escalate/logic/+/0']);
    expect(codes({ '==': [{ var: 'case.elapsedHours' }, null] })).toEqual([
      'rule.not_portable /rules/escalate/logic/==/1',
    ]);
    expect(codes({ '/': [{ var: 'case.elapsedHours' }, 0] })).toEqual(['rule.not_portable /rules/escalate/logic/~1/1']);
    expect(codes({ '>': [3, 2, 1] })).toEqual(['rule.arity /rules/escalate/logic']);
    expect(codes({ '-': [3, 2, 1] })).toEqual(['rule.arity /rules/escalate/logic']);
    expect(codes({ and: true })).toEqual(['rule.arity /rules/escalate/logic']);
    expect(codes({ reduce: [{ var: 'case.photos' }, { var: 'accumulator' }] })).toEqual([
      'rule.arity /rules/escalate/logic',
    ]);
    expect(codes({ cat: { var: 'actor.roles' } })).toEqual(['rule.not_portable /rules/escalate/logic/cat']);
    expect(codes({ '<': [{ var: 'case.dueDate' }, 'tomorrow'] })).toEqual([
      'rule.type_mismatch /rules/escalate/logic/</1',
    ]);
    expect(codes({ some: [{ var: 'case.handlerId' }, true] })).toEqual([
      'rule.type_mismatch /rules/escalate/logic/some/0',
    ]);
  });

  it('flags var paths that engines read differently', () => {
    expect(lint({ var: 'case.photos.0.size' })[0]).toMatchObject({ code: 'rule.not_portable', severity: 'warning' });
    expect(lint({ var: 'case\\.x' })[0]?.code).toBe('rule.not_portable');
    expect(lint({ var: { cat: ['case.', 'resolved'] } })[0]?.code).toBe('rule.not_portable');
    expect(lint({ var: '' })[0]?.code).toBe('rule.not_portable');
    expect(codes({ var: ['case.elapsedHours', 'none'] })).toEqual(['rule.type_mismatch /rules/escalate/logic/var/1']);
  });

  it('lists the operators of the subset', () => {
    expect(PORTABLE_OPERATORS).toContain('reduce');
    expect(PORTABLE_OPERATORS).not.toContain('log');
    expect(PORTABLE_OPERATORS).not.toContain('??');
  });
});
