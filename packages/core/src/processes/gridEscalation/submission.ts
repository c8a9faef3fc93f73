import type { AttributeDef, Policy } from '../../policy/types.js';
import { toPointer, type Problem } from '../../problems.js';
import type { JsonSchema } from '../contract/types.js';

/**
 * What a grid escalation case is submitted with: the JSON Schema of a submission and the checks of its
 * category's attributes against the policy.
 *
 * @module
 */

/** An id as submissions and commands give it. */
export const idString = { type: 'string', minLength: 1, maxLength: 100 } as const;

/**
 * JSON Schema (2020-12) of a submission. The category's attributes are checked by
 * {@link validateGridEscalationInput}.
 *
 * @example
 * new Ajv2020().compile(gridEscalationInputSchema)(submission); // true
 */
export const gridEscalationInputSchema: JsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://gridflow.dev/schemas/processes/gridEscalation/input.json',
  title: 'Grid escalation submission / 网格事项上报',
  type: 'object',
  required: ['category', 'title', 'description', 'source', 'anonymous', 'reporter', 'units'],
  additionalProperties: false,
  properties: {
    category: { ...idString, description: 'Category code (诉求类别) of the policy.' },
    urgency: { ...idString, description: 'Urgency code; defaults to the category’s default urgency.' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', minLength: 1, maxLength: 5000 },
    source: { enum: ['patrol', 'walk_in', 'hotline', 'platform', 'app'] },
    anonymous: { type: 'boolean' },
    reporter: {
      type: 'object',
      description: 'Personal data: masked for roles not in privacy.unmaskedRoles.',
      additionalProperties: false,
      properties: {
        id: idString,
        name: { type: 'string', maxLength: 100 },
        phone: { type: 'string', maxLength: 30, pattern: '^[0-9+\\- ()]*$' },
        idNumber: { type: 'string', maxLength: 30 },
        address: { type: 'string', maxLength: 300 },
      },
    },
    location: {
      type: 'object',
      required: ['lng', 'lat'],
      additionalProperties: false,
      properties: {
        lng: { type: 'number', minimum: -180, maximum: 180 },
        lat: { type: 'number', minimum: -90, maximum: 90 },
      },
    },
    units: {
      type: 'object',
      required: ['grid', 'community', 'street'],
      additionalProperties: false,
      properties: { grid: idString, community: idString, street: idString, compound: idString, building: idString },
    },
    attributes: {
      type: 'object',
      description: 'Values of the category’s attributes, by attribute code.',
      maxProperties: 100,
      additionalProperties: { type: ['string', 'number'], maxLength: 4000 },
    },
    escalatedFrom: { ...idString, description: 'The case this one was raised from (e.g. a three-party matter).' },
  },
};

const problem = (code: string, path: (string | number)[], zh: string, en: string): Problem => ({
  code,
  severity: 'error',
  message: { zh, en },
  path: toPointer(path),
});

const show = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));
/** A plain object (not null, not an array). */
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

function isRealDate(value: string): boolean {
  const m = YMD.exec(value);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Checks one attribute value against its definition. */
function checkAttribute(def: AttributeDef, value: unknown): Problem[] {
  const path = ['attributes', def.code];
  const name = def.name;
  const empty = value === undefined || value === null || value === '';
  if (empty) {
    return def.required
      ? [problem('input.attribute_required', path, `请填写“${name.zh}”`, `“${name.en}” is required`)]
      : [];
  }
  const typeProblem = (zhType: string, enType: string): Problem[] => [
    problem('input.attribute_type', path, `“${name.zh}”应为${zhType}`, `“${name.en}” must be ${enType}`),
  ];
  switch (def.type) {
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return typeProblem('数字', 'a number');
      if (def.minimum !== undefined && value < def.minimum) {
        return [
          problem(
            'input.attribute_too_small',
            path,
            `“${name.zh}”不能小于 ${def.minimum}`,
            `“${name.en}” must be at least ${def.minimum}`,
          ),
        ];
      }
      if (def.maximum !== undefined && value > def.maximum) {
        return [
          problem(
            'input.attribute_too_large',
            path,
            `“${name.zh}”不能大于 ${def.maximum}`,
            `“${name.en}” must be at most ${def.maximum}`,
          ),
        ];
      }
      return [];
    }
    case 'choice': {
      if (typeof value !== 'string') return typeProblem('选项', 'one of the options');
      const options = def.options ?? [];
      if (!options.some((o) => o.value === value)) {
        const list = options.map((o) => o.value).join(', ');
        return [
          problem(
            'input.attribute_option',
            path,
            `“${name.zh}”须为以下之一：${list}`,
            `“${name.en}” must be one of: ${list}`,
          ),
        ];
      }
      return [];
    }
    case 'date': {
      if (typeof value !== 'string' || !isRealDate(value))
        return typeProblem('日期（YYYY-MM-DD）', 'a date (YYYY-MM-DD)');
      if (def.earliest !== undefined && value < def.earliest) {
        return [
          problem(
            'input.attribute_too_early',
            path,
            `“${name.zh}”不能早于 ${def.earliest}`,
            `“${name.en}” must not be before ${def.earliest}`,
          ),
        ];
      }
      if (def.latest !== undefined && value > def.latest) {
        return [
          problem(
            'input.attribute_too_late',
            path,
            `“${name.zh}”不能晚于 ${def.latest}`,
            `“${name.en}” must not be after ${def.latest}`,
          ),
        ];
      }
      return [];
    }
    default: {
      if (typeof value !== 'string') return typeProblem('文字', 'text');
      const length = [...value].length;
      if (def.minLength !== undefined && length < def.minLength) {
        return [
          problem(
            'input.attribute_too_short',
            path,
            `“${name.zh}”至少 ${def.minLength} 个字`,
            `“${name.en}” needs at least ${def.minLength} characters`,
          ),
        ];
      }
      if (def.maxLength !== undefined && length > def.maxLength) {
        return [
          problem(
            'input.attribute_too_long',
            path,
            `“${name.zh}”最多 ${def.maxLength} 个字`,
            `“${name.en}” allows at most ${def.maxLength} characters`,
          ),
        ];
      }
      return [];
    }
  }
}

/**
 * Checks a submission against the policy (after its JSON Schema): the category and urgency exist, anonymity is
 * allowed for the category, and the category's attributes are present and valid (`input.attribute_required`,
 * `input.attribute_type`, `input.attribute_too_short|too_long`, `input.attribute_too_small|too_large`,
 * `input.attribute_option`, `input.attribute_too_early|too_late`, `input.attribute_unknown`). Paths are JSON
 * Pointers into the input, e.g. `/attributes/area_m2`.
 *
 * @example
 * validateGridEscalationInput({ ...input, attributes: { area_m2: -1 } }, policy);
 * // [{ code: 'input.attribute_too_small', path: '/attributes/area_m2', … }]
 */
export function validateGridEscalationInput(input: unknown, policy: Policy): Problem[] {
  if (!isRecord(input)) return [problem('input.invalid', [], '上报内容应为对象', 'The submission must be an object')];
  const out: Problem[] = [];
  const category = policy.categories.find((c) => c.code === input.category);
  if (category === undefined) {
    out.push(
      problem(
        'input.category_unknown',
        ['category'],
        `政策中没有类别“${show(input.category)}”`,
        `The policy has no category “${show(input.category)}”`,
      ),
    );
  }
  if (input.urgency !== undefined && !policy.urgencies.some((u) => u.code === input.urgency)) {
    out.push(
      problem(
        'input.urgency_unknown',
        ['urgency'],
        `政策中没有紧急程度“${show(input.urgency)}”`,
        `The policy has no urgency “${show(input.urgency)}”`,
      ),
    );
  }
  if (category === undefined) return out;
  if (input.anonymous === true && !category.allowAnonymous) {
    out.push(
      problem(
        'input.anonymous_not_allowed',
        ['anonymous'],
        `“${category.name.zh}”类事项不接受匿名反映`,
        `“${category.name.en}” matters cannot be reported anonymously`,
      ),
    );
  }
  const attributes = input.attributes === undefined ? {} : input.attributes;
  if (!isRecord(attributes)) {
    out.push(problem('input.attribute_type', ['attributes'], '附加信息应为对象', 'The attributes must be an object'));
    return out;
  }
  for (const def of category.attributes) out.push(...checkAttribute(def, attributes[def.code]));
  const known = new Set(category.attributes.map((a) => a.code));
  for (const code of Object.keys(attributes)) {
    if (!known.has(code)) {
      out.push(
        problem(
          'input.attribute_unknown',
          ['attributes', code],
          `“${category.name.zh}”类事项没有属性 ${code}`,
          `“${category.name.en}” has no attribute ${code}`,
        ),
      );
    }
  }
  return out;
}
