import type { LocalizedText } from '../i18n.js';

/** The value types a rule fact can have, as the portability linter and the designer see them. */
export const FactType = {
  STRING: 'string',
  NUMBER: 'number',
  BOOLEAN: 'boolean',
  /** `YYYY-MM-DD` or ISO date-time string. */
  DATE: 'date',
  STRING_ARRAY: 'string[]',
  NUMBER_ARRAY: 'number[]',
  OBJECT_ARRAY: 'object[]',
} as const;
export type FactType = (typeof FactType)[keyof typeof FactType];

/** How a number fact is read aloud in an explanation. */
export const FactUnit = {
  HOURS: 'hours',
  DAYS: 'days',
  WORKING_DAYS: 'working_days',
  PERCENT: 'percent',
  COUNT: 'count',
} as const;
export type FactUnit = (typeof FactUnit)[keyof typeof FactUnit];

/** One fact a rule may read with `{"var": path}`. */
export interface FactDef {
  type: FactType;
  /** Words for the fact in an explanation, e.g. `{ zh: '处理已用时', en: 'time spent handling' }`. */
  label: LocalizedText;
  unit?: FactUnit;
  /** For string facts with a closed set of values (categories, levels, urgencies): the allowed values and their names. */
  values?: { value: string; name: LocalizedText }[];
  /** For `object[]` facts: the facts of each item, relative to the item. */
  item?: FactDictionary;
}

/** The facts a rule may read, keyed by their dotted `var` path (e.g. `case.elapsedHours`). */
export type FactDictionary = Record<string, FactDef>;
