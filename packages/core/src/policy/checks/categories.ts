import type { LocalizedText } from '../../i18n.js';
import type { AttributeDef, AttributeType } from '../types.js';
import type { CheckContext } from './context.js';

/**
 * Category attributes: limits that fit the attribute's type and do not contradict each other, choices with
 * options, and one type per attribute code (rules read `case.attributes.<code>` whatever the category).
 */

const TYPE_NAMES: Record<AttributeType, LocalizedText> = {
  text: { zh: '文本', en: 'text' },
  number: { zh: '数字', en: 'number' },
  choice: { zh: '选项', en: 'choice' },
  date: { zh: '日期', en: 'date' },
};

/** The limits each attribute type uses. */
const LIMITS_BY_TYPE: Record<AttributeType, readonly (keyof AttributeDef)[]> = {
  text: ['minLength', 'maxLength'],
  number: ['minimum', 'maximum'],
  choice: ['options'],
  date: ['earliest', 'latest'],
};
const ALL_LIMITS = ['minLength', 'maxLength', 'minimum', 'maximum', 'options', 'earliest', 'latest'] as const;

/** True for a real calendar date `YYYY-MM-DD` (the schema has already checked the shape). */
export function isRealDate(ymd: string): boolean {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

function checkAttribute(ctx: CheckContext, attr: AttributeDef, at: (string | number)[]): void {
  const label = `“${attr.name.zh}”`;
  const labelEn = `"${attr.name.en || attr.code}"`;
  for (const key of ALL_LIMITS) {
    if (attr[key] !== undefined && !LIMITS_BY_TYPE[attr.type].includes(key)) {
      ctx.warn('category.attribute_limit_ignored', [...at, key], {
        zh: `属性${label}是${TYPE_NAMES[attr.type].zh}类型，${key} 对它不起作用`,
        en: `Attribute ${labelEn} is of type ${TYPE_NAMES[attr.type].en}, so ${key} has no effect`,
      });
    }
  }
  const inverted = (low: keyof AttributeDef, high: keyof AttributeDef, lo: unknown, hi: unknown): void => {
    ctx.error('category.attribute_limits_inverted', [...at, high], {
      zh: `属性${label}的 ${high}（${String(hi)}）小于 ${low}（${String(lo)}），任何值都无法通过`,
      en: `Attribute ${labelEn} has ${high} (${String(hi)}) below ${low} (${String(lo)}), so no value can pass`,
    });
  };
  if (
    attr.type === 'text' &&
    attr.minLength !== undefined &&
    attr.maxLength !== undefined &&
    attr.minLength > attr.maxLength
  )
    inverted('minLength', 'maxLength', attr.minLength, attr.maxLength);
  if (attr.type === 'number' && attr.minimum !== undefined && attr.maximum !== undefined && attr.minimum > attr.maximum)
    inverted('minimum', 'maximum', attr.minimum, attr.maximum);
  if (attr.type === 'date') {
    for (const key of ['earliest', 'latest'] as const) {
      const value = attr[key];
      if (value !== undefined && !isRealDate(value)) {
        ctx.error('category.invalid_date', [...at, key], {
          zh: `属性${label}的 ${key}“${value}”不是真实存在的日期`,
          en: `Attribute ${labelEn} has ${key} "${value}", which is not a real date`,
        });
      }
    }
    if (attr.earliest !== undefined && attr.latest !== undefined && attr.earliest > attr.latest)
      inverted('earliest', 'latest', attr.earliest, attr.latest);
  }
  if (attr.type === 'choice' && (attr.options === undefined || attr.options.length === 0)) {
    ctx.error('category.choice_without_options', [...at, 'options'], {
      zh: `选项类型的属性${label}没有任何选项，无法填写`,
      en: `Choice attribute ${labelEn} has no options, so it cannot be filled in`,
    });
  }
}

/** Attribute checks of every category. */
export function checkCategories(ctx: CheckContext): void {
  const firstType = new Map<string, { type: AttributeType; category: string }>();
  ctx.policy.categories.forEach((category, c) => {
    category.attributes.forEach((attr, a) => {
      const at = ['categories', c, 'attributes', a];
      checkAttribute(ctx, attr, at);
      const first = firstType.get(attr.code);
      if (!first) firstType.set(attr.code, { type: attr.type, category: category.code });
      else if (first.type !== attr.type) {
        ctx.error('category.attribute_type_conflict', [...at, 'type'], {
          zh: `属性“${attr.code}”在类别“${first.category}”中是${TYPE_NAMES[first.type].zh}，这里却是${TYPE_NAMES[attr.type].zh}；规则按同一代码读取，类型必须一致`,
          en: `Attribute "${attr.code}" is ${TYPE_NAMES[first.type].en} in category "${first.category}" but ${TYPE_NAMES[attr.type].en} here; rules read it by code, so the types must agree`,
        });
      }
    });
  });
}
