import { type LocalizedText, t } from '../i18n.js';
import type { FactDef, FactDictionary } from './types.js';

/**
 * The value types the rule linter (`portability.ts`) infers for each sub-expression of a rule: their kinds, the
 * fact a value comes from, the type a fact's definition gives, and how a type is named in a problem message.
 */

export type Kind = 'number' | 'string' | 'date' | 'boolean' | 'null' | 'array' | 'object' | 'any';
export interface Ty {
  k: Kind;
  /** Element type of an array. */
  of?: Ty;
  /** The fact it reads, for messages and enumerated values. */
  fact?: { path: string; def: FactDef };
  /** Facts of each item, for arrays of objects. */
  item?: FactDictionary;
  /** The literal value, when the node is a literal. */
  lit?: { value: unknown };
  /** The types of the elements of a literal array. */
  items?: Ty[];
}
export interface Scope {
  facts: FactDictionary;
  /** In `map`/`filter`/`all`/`some`/`none` over scalars: the type of `{"var": ""}`. */
  element?: Ty;
  /** In `reduce`: the types of `accumulator` and `current`. */
  reduce?: { accumulator: Ty; current: Ty };
  iterator: boolean;
}

/** A value of unknown type: nothing is reported about it. */
export const ANY: Ty = { k: 'any' };

/** The type a value read from a fact has. */
export function factType(path: string, def: FactDef): Ty {
  const fact = { path, def };
  switch (def.type) {
    case 'string[]':
      return { k: 'array', of: { k: 'string', fact }, fact };
    case 'number[]':
      return { k: 'array', of: { k: 'number', fact }, fact };
    case 'object[]':
      return {
        k: 'array',
        of: { k: 'object', ...(def.item ? { item: def.item } : {}) },
        fact,
        ...(def.item ? { item: def.item } : {}),
      };
    default:
      return { k: def.type, fact };
  }
}

/** A type in words, for problem messages. */
export const describe = (ty: Ty): LocalizedText => {
  if (ty.lit) return t(`“${JSON.stringify(ty.lit.value)}”`, JSON.stringify(ty.lit.value));
  const kinds: Record<Kind, LocalizedText> = {
    number: t('数字', 'a number'),
    string: t('文本', 'text'),
    date: t('日期', 'a date'),
    boolean: t('是/否', 'a yes/no value'),
    null: t('空值', 'null'),
    array: t('列表', 'a list'),
    object: t('对象', 'an object'),
    any: t('值', 'a value'),
  };
  const kind = kinds[ty.k];
  return ty.fact ? t(`${ty.fact.def.label.zh}（${kind.zh}）`, `${ty.fact.def.label.en} (${kind.en})`) : kind;
};
/** Two types that compare without conversion (a date is text). */
export const same = (a: Ty, b: Ty): boolean =>
  a.k === b.k || (a.k === 'date' && b.k === 'string') || (a.k === 'string' && b.k === 'date');
/** A date or date-time literal, as date facts hold them. */
export const DATE_RE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;
