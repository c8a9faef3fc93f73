import { describe, expect, it } from 'vitest';
import { t, type Locale } from '../i18n.js';
import { createRuleEngine } from './engine.js';
import { explainRule, traceRule, type TraceNode } from './explain.js';
import type { FactDictionary } from './types.js';

const facts: FactDictionary = {
  'case.elapsedHours': { type: 'number', label: t('处理已用时', 'time spent handling'), unit: 'hours' },
  'case.limitHours': { type: 'number', label: t('时限', 'the time limit'), unit: 'hours' },
  'case.overdueWorkingDays': { type: 'number', label: t('超期工作日数', 'working days overdue'), unit: 'working_days' },
  'case.resolved': { type: 'boolean', label: t('已办结', 'resolved') },
  'case.beforeDeadline': { type: 'boolean', label: t('未超过时限', 'before the deadline') },
  'case.extensions': { type: 'number', label: t('已延期次数', 'the number of extensions'), unit: 'count' },
  'limits.maxExtensions': { type: 'number', label: t('延期次数上限', 'the extension limit'), unit: 'count' },
  'case.category': {
    type: 'string',
    label: t('诉求类别', 'the category'),
    values: [
      { value: 'illegal_construction', name: t('违章建筑', 'illegal construction') },
      { value: 'street_vending', name: t('占道经营', 'street vending') },
      { value: 'noise', name: t('噪音扰民', 'noise') },
    ],
  },
  'case.urgency': {
    type: 'string',
    label: t('紧急程度', 'the urgency'),
    values: [
      { value: 'emergency', name: t('紧急', 'emergency') },
      { value: 'general', name: t('一般', 'general') },
    ],
  },
  'actor.id': { type: 'string', label: t('操作人', 'the actor') },
  'case.handlerId': { type: 'string', label: t('承办人', 'the handler') },
  'actor.roles': {
    type: 'string[]',
    label: t('操作人角色', 'the actor’s roles'),
    values: [
      { value: 'dispatcher', name: t('街道调度员', 'street dispatcher') },
      { value: 'grid_worker', name: t('网格员', 'grid worker') },
    ],
  },
  'case.photos': {
    type: 'object[]',
    label: t('现场照片', 'the site photos'),
    item: { sizeKb: { type: 'number', label: t('大小', 'the size') } },
  },
};
const overdue = {
  and: [{ '>': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, { '!': { var: 'case.resolved' } }],
};
const name = t('已超时', 'Overdue');
const say = (logic: unknown, data: unknown, locale: Locale, withName = true): string =>
  explainRule({ logic, data, facts, locale, ...(withName ? { name } : {}) }).sentence;
const both = (logic: unknown, data: unknown, zh: string, en: string, withName = true): void => {
  expect(say(logic, data, 'zh', withName)).toBe(zh);
  expect(say(logic, data, 'en', withName)).toBe(en);
};

describe('traceRule', () => {
  const compiled = createRuleEngine({ codegen: 'on' });
  const data = { case: { elapsedHours: 30, limitHours: 48, resolved: false } };

  it('gives every sub-expression with its value and pointer; the root is the engine’s value', () => {
    const trace = traceRule(overdue, data);
    expect(trace.value).toBe(compiled.evaluate(overdue, data));
    const [gt, not] = trace.args as TraceNode[];
    expect(gt).toMatchObject({ op: '>', path: '/and/0', value: false });
    expect((gt?.args as TraceNode[])[0]).toEqual({
      op: 'var',
      path: '/and/0/>/0',
      args: 'case.elapsedHours',
      value: 30,
    });
    expect(not).toMatchObject({ op: '!', path: '/and/1', skipped: true });
  });

  it('marks the if branches not taken and traces list items', () => {
    const route = { if: [{ '==': [{ var: 'case.urgency' }, 'emergency'] }, 'street', 'grid'] };
    const trace = traceRule(route, { case: { urgency: 'general' } });
    expect((trace.args as TraceNode[]).map((a) => a.skipped ?? false)).toEqual([false, true, false]);
    const some = traceRule({ some: [{ var: 'xs' }, { '>': [{ var: '' }, 2] }] }, { xs: [1, 5, 9] });
    expect(some.items?.map((i) => i.value)).toEqual([false, true]);
  });

  it('records where evaluation failed', () => {
    const trace = traceRule({ or: [{ '/': [1, { var: 'z' }] }, true] }, { z: 0 });
    expect(trace.error).toBe('NaN');
    expect((trace.args as TraceNode[])[0]?.error).toBe('NaN');
    expect((trace.args as TraceNode[])[1]?.skipped).toBe(true);
  });
});

describe('explainRule', () => {
  it('reads the escalation rule as a policy officer would, with values and thresholds', () => {
    both(
      overdue,
      { case: { elapsedHours: 49, limitHours: 48, resolved: false } },
      '已超时：处理已用时 49 小时，超过时限 48 小时，且尚未办结',
      'Overdue: time spent handling 49 hours exceeds the time limit of 48 hours, and not resolved',
    );
    const r = explainRule({
      logic: overdue,
      name,
      data: { case: { elapsedHours: 49, limitHours: 48, resolved: false } },
      facts,
      locale: 'zh',
    });
    expect(r.result).toBe(true);
  });

  it('says which condition failed when the result is false', () => {
    both(
      overdue,
      { case: { elapsedHours: 30, limitHours: 48, resolved: false } },
      '“已超时”不成立：处理已用时 30 小时，未超过时限 48 小时',
      '“Overdue” does not apply: time spent handling 30 hours does not exceed the time limit of 48 hours',
    );
    both(
      overdue,
      { case: { elapsedHours: 50, limitHours: 48, resolved: true } },
      '“已超时”不成立：已办结',
      '“Overdue” does not apply: resolved',
    );
  });

  it('names enumerated values and cites the branch of an or that decided', () => {
    const rule = {
      or: [
        { '==': [{ var: 'case.urgency' }, 'emergency'] },
        { in: [{ var: 'case.category' }, ['illegal_construction', 'street_vending']] },
      ],
    };
    both(
      rule,
      { case: { urgency: 'general', category: 'illegal_construction' } },
      '已超时：诉求类别为违章建筑，属于违章建筑、占道经营',
      'Overdue: the category is illegal construction, one of illegal construction, street vending',
    );
    both(
      rule,
      { case: { urgency: 'emergency', category: 'noise' } },
      '已超时：紧急程度为紧急',
      'Overdue: the urgency is emergency',
    );
    both(
      rule,
      { case: { urgency: 'general', category: 'noise' } },
      '“已超时”不成立：紧急程度为一般，不是紧急，且诉求类别为噪音扰民，不属于违章建筑、占道经营',
      '“Overdue” does not apply: the urgency is general, not emergency, and the category is noise, not one of illegal construction, street vending',
    );
  });

  it('reads a list of one value as an equality', () => {
    const rule = { in: [{ var: 'case.urgency' }, ['emergency']] };
    both(rule, { case: { urgency: 'emergency' } }, '紧急程度为紧急', 'the urgency is emergency', false);
    both(
      rule,
      { case: { urgency: 'general' } },
      '紧急程度为一般，不是紧急',
      'the urgency is general, not emergency',
      false,
    );
  });

  it('explains the between form and which bound was crossed', () => {
    const rule = { '<=': [24, { var: 'case.elapsedHours' }, 48] };
    both(
      rule,
      { case: { elapsedHours: 30 } },
      '处理已用时 30 小时，在 24 小时与 48 小时之间',
      'time spent handling 30 hours is between 24 hours and 48 hours',
      false,
    );
    both(
      rule,
      { case: { elapsedHours: 10 } },
      '处理已用时 10 小时，未达到 24 小时',
      'time spent handling 10 hours is below 24 hours',
      false,
    );
    both(
      rule,
      { case: { elapsedHours: 50 } },
      '处理已用时 50 小时，超过 48 小时',
      'time spent handling 50 hours exceeds 48 hours',
      false,
    );
  });

  it('compares two facts, with counts and a literal on the left', () => {
    const ext = { '<': [{ var: 'case.extensions' }, { var: 'limits.maxExtensions' }] };
    both(
      ext,
      { case: { extensions: 1 }, limits: { maxExtensions: 2 } },
      '已延期次数 1，低于延期次数上限 2',
      'the number of extensions 1 is below the extension limit of 2',
      false,
    );
    both(
      { '<': [5, { var: 'case.overdueWorkingDays' }] },
      { case: { overdueWorkingDays: 7 } },
      '超期工作日数 7 个工作日，超过 5 个工作日',
      'working days overdue 7 working days exceeds 5 working days',
      false,
    );
    both(
      { '!==': [{ var: 'actor.id' }, { var: 'case.handlerId' }] },
      { actor: { id: 'u2' }, case: { handlerId: 'u1' } },
      '操作人（u2）与承办人（u1）不同',
      'the actor (u2) differs from the handler (u1)',
      false,
    );
  });

  it('explains list facts and list operations', () => {
    both(
      { in: ['dispatcher', { var: 'actor.roles' }] },
      { actor: { roles: ['grid_worker'] } },
      '操作人角色（网格员）不包含街道调度员',
      'the actor’s roles (grid worker) does not contain street dispatcher',
      false,
    );
    const big = { some: [{ var: 'case.photos' }, { '>': [{ var: 'sizeKb' }, 500] }] };
    both(
      big,
      { case: { photos: [{ sizeKb: 100 }, { sizeKb: 900 }] } },
      '现场照片中第 2 项大小 900，超过 500（满足）',
      'in the site photos, item 2: the size 900 exceeds 500 (matches)',
      false,
    );
    both(big, { case: { photos: [] } }, '现场照片为空', 'the site photos is empty', false);
    both(
      { all: [{ var: 'case.photos' }, { '>': [{ var: 'sizeKb' }, 50] }] },
      { case: { photos: [{ sizeKb: 100 }, { sizeKb: 20 }] } },
      '现场照片中第 2 项大小 20，未超过 50（不满足）',
      'in the site photos, item 2: the size 20 does not exceed 50 (does not match)',
      false,
    );
    both(
      {
        '>': [
          { reduce: [{ var: 'case.photos' }, { '+': [{ var: 'accumulator' }, { var: 'current.sizeKb' }] }, 0] },
          800,
        ],
      },
      { case: { photos: [{ sizeKb: 100 }, { sizeKb: 900 }] } },
      '现场照片的大小合计 1000，超过 800',
      'the total size of the site photos (1000) exceeds 800',
      false,
    );
  });

  it('cites the branch an if took, and the value it gives', () => {
    const route = {
      if: [
        { '==': [{ var: 'case.category' }, 'illegal_construction'] },
        'urban_management',
        { '==': [{ var: 'case.urgency' }, 'emergency'] },
        'street',
        'grid',
      ],
    };
    const routeName = t('派遣', 'Routing');
    const sentence = (data: unknown, locale: Locale) =>
      explainRule({ logic: route, name: routeName, data, facts, locale }).sentence;
    expect(sentence({ case: { category: 'noise', urgency: 'emergency' } }, 'zh')).toBe(
      '派遣：结果为 street，因为紧急程度为紧急',
    );
    expect(sentence({ case: { category: 'noise', urgency: 'emergency' } }, 'en')).toBe(
      'Routing: street, because the urgency is emergency',
    );
    expect(sentence({ case: { category: 'noise', urgency: 'general' } }, 'zh')).toBe(
      '派遣：结果为 grid，因为以上条件都不满足：诉求类别为噪音扰民，不是违章建筑，且紧急程度为一般，不是紧急',
    );
  });

  it('handles boolean facts whose labels are already negative, and arithmetic', () => {
    both(
      { var: 'case.beforeDeadline' },
      { case: { beforeDeadline: false } },
      '已超过时限',
      'not before the deadline',
      false,
    );
    both(
      { '>': [{ '-': [{ var: 'case.elapsedHours' }, { var: 'case.limitHours' }] }, 24] },
      { case: { elapsedHours: 80, limitHours: 48 } },
      '处理已用时 80 小时减去时限 48 小时（即 32 小时），超过 24 小时',
      'time spent handling 80 hours minus the time limit of 48 hours (= 32 hours) exceeds 24 hours',
      false,
    );
  });

  it('says when a rule cannot be evaluated', () => {
    expect(say({ '/': [1, { var: 'case.extensions' }] }, { case: { extensions: 0 } }, 'zh')).toBe(
      '已超时：无法求值（NaN）',
    );
  });
});
