import type { ErrorObject, ValidateFunction } from 'ajv';
import type { LocalizedText } from '../i18n.js';
import { Severity, fromPointer, type Problem } from '../problems.js';
import validatePolicySchema from './generated/policyValidator.js';
import { checkBounds } from '../runtime/checkBounds.js';
import { PolicyPattern, policySchema } from './schema.js';

/**
 * Runs the policy JSON Schema (draft 2020-12, all errors) and turns its errors into Problems with stable
 * `schema.*` codes, Chinese and English messages and the JSON Pointer of the exact cell.
 */

/**
 * The policy schema's validator: ajv's code for it, generated ahead of time (`scripts/policyValidator.mjs`), so
 * validating needs no compiler, no `new Function` and no cold start. A test keeps it in step with the schema,
 * and the tests check the schema itself against the draft 2020-12 meta-schema.
 */
export function policyValidator(): ValidateFunction {
  return validatePolicySchema as ValidateFunction;
}

const TYPE_WORDS: Record<string, LocalizedText> = {
  string: { zh: '文本', en: 'a string' },
  number: { zh: '数字', en: 'a number' },
  integer: { zh: '整数', en: 'an integer' },
  boolean: { zh: '是/否（true 或 false）', en: 'true or false' },
  object: { zh: '对象', en: 'an object' },
  array: { zh: '列表', en: 'a list' },
  null: { zh: '空值', en: 'null' },
};

const PATTERN_WORDS: Record<string, LocalizedText> = {
  [PolicyPattern.ID]: {
    zh: '编号（小写字母、数字、-、_、.，不超过 64 个字符，如 r-emergency）',
    en: 'an id (lower-case letters, digits, - _ ., at most 64 characters, e.g. r-emergency)',
  },
  [PolicyPattern.CODE]: {
    zh: '代码（小写字母开头，只含小写字母、数字和下划线，如 illegal_construction）',
    en: 'a code (a lower-case letter, then lower-case letters, digits or _, e.g. illegal_construction)',
  },
  [PolicyPattern.DURATION]: {
    zh: 'ISO 8601 时长（如 PT2H 表示 2 小时，P7D 表示 7 天）',
    en: 'an ISO 8601 duration (e.g. PT2H for 2 hours, P7D for 7 days)',
  },
  [PolicyPattern.TIME]: { zh: '时刻 HH:MM（如 09:00）', en: 'a time of day HH:MM (e.g. 09:00)' },
  [PolicyPattern.DATE]: { zh: '日期 YYYY-MM-DD（如 2026-10-01）', en: 'a date YYYY-MM-DD (e.g. 2026-10-01)' },
  [PolicyPattern.DATE_TIME]: {
    zh: '带时区的日期时间（如 2026-01-01T00:00:00+08:00）',
    en: 'a date-time with offset (e.g. 2026-01-01T00:00:00+08:00)',
  },
  [PolicyPattern.COMMAND]: {
    zh: '命令名或模式（如 case.sign、case.*、*）',
    en: 'a command name or pattern (e.g. case.sign, case.*, *)',
  },
};

function valueAt(doc: unknown, pointer: string): unknown {
  let cur: unknown = doc;
  for (const seg of fromPointer(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + '…' : text;
};

const typeOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'array'
      : typeof value === 'number' && Number.isInteger(value)
        ? 'integer'
        : typeof value;

const word = (type: string): LocalizedText => TYPE_WORDS[type] ?? { zh: type, en: type };

const escapeSegment = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Maps one ajv error to a Problem. */
function toProblem(e: ErrorObject, doc: unknown): Problem {
  const params = e.params as Record<string, unknown>;
  const value = valueAt(doc, e.instancePath);
  const p = (code: string, zh: string, en: string, path = e.instancePath): Problem => ({
    code,
    severity: Severity.ERROR,
    message: { zh, en },
    path,
  });
  switch (e.keyword) {
    case 'required': {
      const name = String(params['missingProperty']);
      return p(
        'schema.required',
        `缺少必填项“${name}”`,
        `Required property "${name}" is missing`,
        `${e.instancePath}/${escapeSegment(name)}`,
      );
    }
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      return p(
        'schema.additional_property',
        `不认识的字段“${name}”，请检查拼写或删除`,
        `Unknown property "${name}": check the spelling or remove it`,
        `${e.instancePath}/${escapeSegment(name)}`,
      );
    }
    case 'type': {
      const expected = String(params['type']).split(',');
      const want = { zh: expected.map((t) => word(t).zh).join('或'), en: expected.map((t) => word(t).en).join(' or ') };
      const got = word(typeOf(value));
      return p(
        'schema.type',
        `应为${want.zh}，实际是${got.zh} ${show(value)}`,
        `Expected ${want.en}, got ${got.en} ${show(value)}`,
      );
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).map((v) => String(v));
      return p(
        'schema.enum',
        `取值 ${show(value)} 无效，应为以下之一：${allowed.join('、')}`,
        `${show(value)} is not allowed; use one of: ${allowed.join(', ')}`,
      );
    }
    case 'const':
      return p('schema.const', `取值应为 ${show(params['allowedValue'])}`, `Must be ${show(params['allowedValue'])}`);
    case 'pattern': {
      const words = PATTERN_WORDS[String(params['pattern'])] ?? {
        zh: `格式 ${String(params['pattern'])}`,
        en: `the format ${String(params['pattern'])}`,
      };
      return p('schema.pattern', `${show(value)} 格式不对，应为${words.zh}`, `${show(value)} is not ${words.en}`);
    }
    case 'minimum':
    case 'exclusiveMinimum': {
      const cmp = e.keyword === 'minimum' ? { zh: '不小于', en: 'at least' } : { zh: '大于', en: 'greater than' };
      return p(
        'schema.minimum',
        `${show(value)} 太小，应${cmp.zh} ${String(params['limit'])}`,
        `${show(value)} is too small; it must be ${cmp.en} ${String(params['limit'])}`,
      );
    }
    case 'maximum':
    case 'exclusiveMaximum': {
      const cmp = e.keyword === 'maximum' ? { zh: '不大于', en: 'at most' } : { zh: '小于', en: 'less than' };
      return p(
        'schema.maximum',
        `${show(value)} 太大，应${cmp.zh} ${String(params['limit'])}`,
        `${show(value)} is too large; it must be ${cmp.en} ${String(params['limit'])}`,
      );
    }
    case 'minItems':
      return p(
        'schema.min_items',
        `至少需要 ${String(params['limit'])} 项`,
        `Needs at least ${String(params['limit'])} item(s)`,
      );
    case 'maxItems':
      return p(
        'schema.max_items',
        `最多 ${String(params['limit'])} 项`,
        `At most ${String(params['limit'])} item(s) allowed`,
      );
    case 'minLength':
      return p(
        'schema.min_length',
        `至少需要 ${String(params['limit'])} 个字符`,
        `Needs at least ${String(params['limit'])} character(s)`,
      );
    case 'maxLength':
      return p(
        'schema.max_length',
        `最多 ${String(params['limit'])} 个字符`,
        `At most ${String(params['limit'])} characters allowed`,
      );
    case 'uniqueItems':
      return p(
        'schema.unique_items',
        `第 ${Number(params['j']) + 1} 项与第 ${Number(params['i']) + 1} 项重复`,
        `Items ${Number(params['j']) + 1} and ${Number(params['i']) + 1} are the same`,
      );
    default:
      return p(
        'schema.invalid',
        `不符合政策格式（${e.keyword}）`,
        `Does not match the policy format (${e.keyword}: ${e.message ?? ''})`,
      );
  }
}

/** Problem codes of the policy for the bounds {@link checkBounds} reports. */
const BOUND_CODES: Record<string, string> = {
  'input.maxItems': 'schema.max_items',
  'input.maxLength': 'schema.max_length',
};

/**
 * Validates a document against the policy schema and returns its problems (empty when it conforms). Where a
 * value has the wrong type, only the type problem is reported for that cell.
 *
 * @example
 * schemaProblems({ ...createDefaultPolicy(), version: '2' });
 * // [{ code: 'schema.type', path: '/version', severity: 'error', message: { zh: '应为整数，实际是文本 "2"', en: … } }]
 */
export function schemaProblems(doc: unknown): Problem[] {
  // The size bounds first, in linear time: a document over them gets no costlier check (see checkBounds).
  const over = checkBounds(policySchema, doc);
  if (over) return [{ ...over, code: BOUND_CODES[over.code] ?? 'schema.invalid' }];
  const validate = policyValidator();
  if (validate(doc)) return [];
  const errors = validate.errors ?? [];
  const typeErrorAt = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'type' && typeErrorAt.has(e.instancePath)) continue;
    const problem = toProblem(e, doc);
    const key = `${problem.code} ${problem.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(problem);
  }
  return out;
}
