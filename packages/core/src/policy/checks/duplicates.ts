import { type LocalizedText, t } from '../../i18n.js';
import { RULE_KEYS } from '../types.js';
import type { CheckContext } from './context.js';

/**
 * Duplicate ids and codes (errors: references and diffs would be ambiguous) and values repeated in lists of
 * references (warnings: harmless but untidy).
 */

interface Collection {
  /** Pointer segments of the array. */
  at: (string | number)[];
  items: readonly { id?: string; code?: string; value?: string }[];
  key: 'id' | 'code' | 'value';
  what: LocalizedText;
}

function checkUnique(ctx: CheckContext, { at, items, key, what }: Collection): void {
  const seen = new Map<string | undefined, number>();
  items.forEach((item, i) => {
    const value = item[key];
    const first = seen.get(value);
    if (first === undefined) {
      seen.set(value, i);
      return;
    }
    const text = String(value);
    ctx.error(key === 'id' ? 'duplicate.id' : 'duplicate.code', [...at, i, key], {
      zh: `${what.zh}“${text}”重复：第 ${first + 1} 项已经使用`,
      en: `${what.en} "${text}" is used twice: item ${first + 1} already has it`,
    });
  });
}

function checkValues(ctx: CheckContext, at: (string | number)[], values: readonly string[], what: LocalizedText): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (seen.has(value)) {
      ctx.warn('duplicate.value', [...at, i], {
        zh: `${what.zh}中“${value}”重复列出`,
        en: `"${value}" is listed twice in ${what.en}`,
      });
    }
    seen.add(value);
  });
}

/** Every collection of the policy whose items must be unique by id or code. */
export function checkDuplicates(ctx: CheckContext): void {
  const p = ctx.policy;
  const collections: Collection[] = [
    { at: ['organisation', 'levels'], items: p.organisation.levels, key: 'code', what: t('层级代码', 'Level code') },
    {
      at: ['organisation', 'departments'],
      items: p.organisation.departments,
      key: 'code',
      what: t('部门代码', 'Department code'),
    },
    { at: ['organisation', 'roles'], items: p.organisation.roles, key: 'code', what: t('角色代码', 'Role code') },
    { at: ['urgencies'], items: p.urgencies, key: 'code', what: t('紧急程度代码', 'Urgency code') },
    { at: ['categories'], items: p.categories, key: 'code', what: t('类别代码', 'Category code') },
    { at: ['routing', 'rows'], items: p.routing.rows, key: 'id', what: t('路由行编号', 'Routing row id') },
    {
      at: ['timeLimits', 'handling'],
      items: p.timeLimits.handling,
      key: 'id',
      what: t('时限单元编号', 'Time-limit cell id'),
    },
    { at: ['timeLimits', 'total'], items: p.timeLimits.total, key: 'id', what: t('总时限编号', 'Total limit id') },
    {
      at: ['coordination', 'matterTypes'],
      items: p.coordination.matterTypes,
      key: 'id',
      what: t('议事类型编号', 'Matter type id'),
    },
    {
      at: ['coordination', 'matterTypes'],
      items: p.coordination.matterTypes,
      key: 'code',
      what: t('议事类型代码', 'Matter type code'),
    },
    { at: ['evaluation', 'scale'], items: p.evaluation.scale, key: 'code', what: t('评价等级代码', 'Rating code') },
    {
      at: ['evaluation', 'controllableReasons'],
      items: p.evaluation.controllableReasons,
      key: 'code',
      what: t('原因代码', 'Reason code'),
    },
    {
      at: ['evaluation', 'indicators'],
      items: p.evaluation.indicators,
      key: 'code',
      what: t('指标代码', 'Indicator code'),
    },
    { at: ['permissions'], items: p.permissions, key: 'id', what: t('权限行编号', 'Permission row id') },
  ];
  p.categories.forEach((category, c) => {
    collections.push({
      at: ['categories', c, 'attributes'],
      items: category.attributes,
      key: 'code',
      what: t('属性代码', 'Attribute code'),
    });
    category.attributes.forEach((attr, a) => {
      if (attr.options)
        collections.push({
          at: ['categories', c, 'attributes', a, 'options'],
          items: attr.options,
          key: 'value',
          what: t('选项值', 'Option value'),
        });
    });
  });
  collections.forEach((col) => checkUnique(ctx, col));

  // Rule ids are unique across the rule set.
  const ruleIds = new Map<string, string>();
  for (const key of RULE_KEYS) {
    const rule = p.rules[key];
    if (rule === undefined) continue;
    const first = ruleIds.get(rule.id);
    if (first !== undefined) {
      ctx.error('duplicate.id', ['rules', key, 'id'], {
        zh: `规则编号“${rule.id}”重复：规则 ${first} 已经使用`,
        en: `Rule id "${rule.id}" is used twice: rule ${first} already has it`,
      });
    } else ruleIds.set(rule.id, key);
  }

  // A custom rule under a built-in rule's name would never be read: `env.rule(key)` finds the built-in one.
  const builtIn = new Set<string>([...RULE_KEYS, ...Object.keys(p.rules).filter((k) => k !== 'custom')]);
  for (const key of Object.keys(p.rules.custom ?? {})) {
    if (!builtIn.has(key)) continue;
    ctx.error('duplicate.rule_key', ['rules', 'custom', key], {
      zh: `自定义规则“${key}”与内置规则同名，流程读到的总是内置规则；请改用其他名称`,
      en: `The custom rule "${key}" has the name of a built-in rule, which processes would always read instead; rename it`,
    });
  }

  checkValues(
    ctx,
    ['coordination', 'requiredParties'],
    p.coordination.requiredParties,
    t('必须参会方', 'the required parties'),
  );
  checkValues(
    ctx,
    ['coordination', 'ownersVote', 'majorMatters'],
    p.coordination.ownersVote.majorMatters,
    t('重大事项', 'the major matters'),
  );
  checkValues(ctx, ['evaluation', 'unsatisfied'], p.evaluation.unsatisfied, t('不满意等级', 'the unsatisfied ratings'));
  checkValues(ctx, ['privacy', 'unmaskedRoles'], p.privacy.unmaskedRoles, t('可查看明文的角色', 'the unmasked roles'));
}
