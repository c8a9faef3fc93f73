import { Validator, type OutputUnit } from '@cfworker/json-schema';
import type { JsonSchema } from '../processes/contract/types.js';
import type { Problem } from '../problems.js';
import { checkBounds } from './checkBounds.js';

const cache = new WeakMap<JsonSchema, Validator>();

/** Keywords that only say "something below failed"; the leaf errors under them say what. */
const wrappers = new Set([
  'properties',
  'items',
  'prefixItems',
  'allOf',
  'anyOf',
  'oneOf',
  'additionalProperties',
  '$ref',
  'unevaluatedProperties',
  'contains',
  'dependentSchemas',
  'if',
  'then',
  'else',
]);

function toPointer(instanceLocation: string): string {
  return instanceLocation.replace(/^#/, '');
}

function message(unit: OutputUnit, property: string | undefined): { zh: string; en: string } {
  switch (unit.keyword) {
    case 'required':
      return { zh: `缺少必填项 ${property ?? ''}`, en: `Missing required property ${property ?? ''}` };
    case 'false':
      return { zh: '不允许的字段', en: 'Property not allowed' };
    case 'type':
      return { zh: `类型不对：${unit.error}`, en: `Wrong type: ${unit.error}` };
    case 'enum':
    case 'const':
      return { zh: '取值不在允许的范围内', en: 'Value is not one of the allowed values' };
    case 'minLength':
      return { zh: '文字太短', en: `Too short: ${unit.error}` };
    case 'maxLength':
      return { zh: '文字太长', en: `Too long: ${unit.error}` };
    case 'minimum':
    case 'exclusiveMinimum':
      return { zh: '数值太小', en: `Too small: ${unit.error}` };
    case 'maximum':
    case 'exclusiveMaximum':
      return { zh: '数值太大', en: `Too large: ${unit.error}` };
    case 'pattern':
    case 'format':
      return { zh: '格式不正确', en: `Wrong format: ${unit.error}` };
    case 'minItems':
      return { zh: '项目太少', en: `Too few items: ${unit.error}` };
    case 'maxItems':
      return { zh: '项目太多', en: `Too many items: ${unit.error}` };
    default:
      return { zh: `不符合要求（${unit.keyword}）`, en: unit.error };
  }
}

/**
 * Validates a value against a JSON Schema (draft 2020-12) with an interpreting validator — no code generation,
 * so it runs the same under a strict Content-Security-Policy in a page and on the server.
 * Returns the leaf problems, each with the JSON Pointer of the offending value. The size bounds (`maxItems`,
 * `maxLength`, `maxProperties`) are checked first, in linear time ({@link checkBounds}); a value over them gets that
 * one problem and no costlier check (`uniqueItems`, patterns, every item's validation) runs.
 *
 * @example
 * validateJson({ type: 'object', required: ['title'] }, {}); // [{ code: 'input.required', path: '/title', … }]
 */
export function validateJson(schema: JsonSchema, value: unknown, basePath = ''): Problem[] {
  let validator = cache.get(schema);
  if (!validator) {
    validator = new Validator(schema, '2020-12', false);
    cache.set(schema, validator);
  }
  const over = checkBounds(schema, value);
  if (over) return [{ ...over, path: basePath + over.path }];
  const result = validator.validate(value);
  if (result.valid) return [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const unit of result.errors) {
    if (wrappers.has(unit.keyword)) continue;
    const property = unit.keyword === 'required' ? /"([^"]+)"/.exec(unit.error)?.[1] : undefined;
    const path =
      basePath +
      toPointer(unit.instanceLocation) +
      (property ? `/${property.replace(/~/g, '~0').replace(/\//g, '~1')}` : '');
    const code = `input.${unit.keyword === 'false' ? 'additional_property' : unit.keyword}`;
    if (seen.has(code + path)) continue;
    seen.add(code + path);
    problems.push({ code, severity: 'error', message: message(unit, property), path });
  }
  return problems;
}
