import type { FastifySchemaCompiler } from 'fastify';
import { validateJson } from '@gridflow/core/runtime';
import { type Problem } from '@gridflow/core';
import { HttpError } from './errors.js';

/** A JSON Schema (draft 2020-12) as a plain object. */
export type Schema = Record<string, unknown>;

/** How deep a request body may nest; deeper bodies are refused before any schema runs. */
export const MAX_BODY_DEPTH = 32;

/** Which part of a request a problem is in, for error codes. */
type Part = 'body' | 'querystring' | 'params' | 'headers';

const CODES: Record<Part, [code: string, zh: string, en: string]> = {
  body: ['input.invalid', '输入有误', 'Invalid input'],
  querystring: ['query.invalid', '查询参数有误', 'Invalid query parameter'],
  params: ['path.invalid', '路径参数有误', 'Invalid path parameter'],
  headers: ['header.invalid', '请求头有误', 'Invalid request header'],
};

function failure(part: Part, problems: Problem[]): { error: HttpError } {
  const [code, zh, en] = CODES[part];
  const first = problems[0];
  return {
    error: new HttpError(400, code, `${zh}：${first?.message.zh ?? ''}`, `${en}: ${first?.message.en ?? ''}`, {
      path: first?.path ?? '',
      details: { problems },
    }),
  };
}

const problem = (code: string, path: string, zh: string, en: string): Problem => ({
  code,
  severity: 'error',
  message: { zh, en },
  path,
});

/** A lone surrogate: text JavaScript can hold but UTF-8 (and so PostgreSQL) cannot. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const unstorable = (text: string): boolean => text.includes('\u0000') || LONE_SURROGATE.test(text);

const pointer = (segments: readonly (string | number)[]): string =>
  segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/**
 * Checks what no JSON Schema says but the database needs: no text with U+0000 or a lone surrogate (PostgreSQL
 * refuses both in `text` and `jsonb`), and no nesting deeper than {@link MAX_BODY_DEPTH}. Iterative, so a deeply
 * nested body cannot exhaust the stack.
 */
export function checkStorable(value: unknown): Problem | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (unstorable(v)) {
        return problem(
          'input.invalid_characters',
          pointer(path),
          '文字中含有不允许的字符',
          'The text contains characters that are not allowed',
        );
      }
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (path.length >= MAX_BODY_DEPTH) {
      return problem(
        'input.too_deep',
        pointer(path),
        `嵌套层级超过 ${MAX_BODY_DEPTH} 层`,
        `Nested more than ${MAX_BODY_DEPTH} levels deep`,
      );
    }
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    } else {
      for (const [k, item] of Object.entries(v as Record<string, unknown>)) {
        if (unstorable(k)) {
          return problem(
            'input.invalid_characters',
            pointer([...path, k]),
            '字段名中含有不允许的字符',
            'A property name contains characters that are not allowed',
          );
        }
        stack.push({ value: item, path: [...path, k] });
      }
    }
  }
  return null;
}

/**
 * Validates a value against a schema with core's `validateJson` (the validator the runtime uses). A `oneOf` with
 * an OpenAPI `discriminator` is validated like Ajv's discriminator: the branch is chosen by the discriminating
 * property's `const`, and only that branch is checked, so the problems name the actual mistake.
 */
export function validateValue(schema: Schema, value: unknown, basePath = ''): Problem[] {
  const discriminator = schema.discriminator as { propertyName?: unknown } | undefined;
  const branches = schema.oneOf as Schema[] | undefined;
  if (discriminator && typeof discriminator.propertyName === 'string' && Array.isArray(branches)) {
    const name = discriminator.propertyName;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return [problem('input.type', basePath, '应为对象', 'Must be an object')];
    }
    const tag = (value as Record<string, unknown>)[name];
    const branch = branches.find(
      (b) => ((b.properties as Record<string, Schema> | undefined)?.[name]?.const ?? undefined) === tag,
    );
    if (!branch) {
      const allowed = branches.map((b) => String((b.properties as Record<string, Schema>)[name]?.const)).join(', ');
      return tag === undefined
        ? [problem('input.required', `${basePath}/${name}`, `缺少必填项 ${name}`, `Missing required property ${name}`)]
        : [
            problem(
              'input.enum',
              `${basePath}/${name}`,
              `${name} 须为以下之一：${allowed}`,
              `${name} must be one of: ${allowed}`,
            ),
          ];
    }
    return validateJson(branch, value, basePath);
  }
  return validateJson(schema, value, basePath);
}

/** Converts query-string and path values (always text) to the types their schema's properties name. */
function coerce(schema: Schema, data: unknown): unknown {
  if (data === null || typeof data !== 'object') return data ?? {};
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(data as Record<string, unknown>)) {
    const type = properties[key]?.type;
    const one = (v: unknown): unknown => {
      if (typeof v !== 'string') return v;
      if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(v)) return Number(v);
      if (type === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
      return v;
    };
    if (type === 'array') out[key] = (Array.isArray(raw) ? raw : String(raw).split(',')).filter((s) => s !== '');
    else out[key] = Array.isArray(raw) ? raw.map(one) : one(raw);
  }
  return out;
}

/**
 * The validator compiler of the app: every route schema (body, query string, path parameters, headers) is checked
 * by core's 2020-12 validator, the same one the runtime and the browser widgets use. Query strings and path
 * parameters are coerced to their declared types first. A multipart body is left to its handler.
 */
export const validatorCompiler: FastifySchemaCompiler<Schema> = ({ schema, httpPart, contentType }) => {
  const part = (httpPart ?? 'body') as Part;
  if (part === 'body') {
    if (contentType === 'multipart/form-data') return () => true;
    return (data: unknown) => {
      const storable = checkStorable(data);
      if (storable) return failure('body', [storable]);
      const problems = validateValue(schema, data);
      return problems.length > 0 ? failure('body', problems) : true;
    };
  }
  if (part === 'headers') {
    return (data: unknown) => {
      const problems = validateValue(schema, data);
      return problems.length > 0 ? failure('headers', problems) : true;
    };
  }
  return (data: unknown) => {
    const value = coerce(schema, data);
    const storable = checkStorable(value);
    if (storable) return failure(part, [storable]);
    const problems = validateValue(schema, value);
    return problems.length > 0 ? failure(part, problems) : { value };
  };
};
