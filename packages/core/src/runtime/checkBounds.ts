import type { JsonSchema } from '../processes/contract/types.js';
import type { Problem } from '../problems.js';

/** Options of {@link checkBounds}. */
export interface CheckBoundsOptions {
  /**
   * Resolves a schema the checker cannot follow by itself (a placeholder of the caller's, say); returns the schema
   * to check against instead, or `undefined` to take the schema as it is.
   */
  resolve?: (schema: Record<string, unknown>) => JsonSchema | undefined;
}

/** How deep the checker follows a value; deeper values are a problem of their own. */
const MAX_DEPTH = 256;

const pointer = (segments: readonly (string | number)[]): string =>
  segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

const problem = (code: string, path: readonly (string | number)[], zh: string, en: string): Problem => ({
  code,
  severity: 'error',
  message: { zh, en },
  path: pointer(path),
});

/** Code points of a text (what JSON Schema's `maxLength` counts), counted only when the UTF-16 length is over. */
function codePoints(text: string, limit: number): number {
  if (text.length <= limit) return text.length;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Checks only the size bounds a schema states — `maxItems`, `maxLength`, `maxProperties` — in one pass that costs
 * time linear in the value, before anything costlier runs (`uniqueItems` is quadratic, patterns and every item's
 * full validation multiply with the size). Follows `properties`, `patternProperties`, `additionalProperties`,
 * `items`, `prefixItems`, local `$ref`s, `allOf`, and `anyOf`/`oneOf` (a value is over the bounds when it is over
 * those of every branch). Returns the first value over its bound, or `null`.
 *
 * @example
 * checkBounds({ type: 'array', maxItems: 2, uniqueItems: true }, [1, 2, 3]); // { code: 'input.maxItems', path: '' … }
 */
export function checkBounds(schema: JsonSchema, value: unknown, options: CheckBoundsOptions = {}): Problem | null {
  const patterns = new Map<string, RegExp | null>();
  const compiled = (source: string): RegExp | null => {
    let re = patterns.get(source);
    if (re === undefined) {
      try {
        re = new RegExp(source, 'u');
      } catch {
        re = null;
      }
      patterns.set(source, re);
    }
    return re;
  };

  const visit = (
    node: unknown,
    v: unknown,
    path: (string | number)[],
    defs: readonly Record<string, unknown>[],
    depth: number,
  ): Problem | null => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return null;
    let s = node as Record<string, unknown>;
    const resolved = options.resolve?.(s);
    if (resolved) s = resolved;
    if (depth > MAX_DEPTH)
      return problem('input.too_deep', path, `嵌套层级超过 ${MAX_DEPTH} 层`, `Nested more than ${MAX_DEPTH} levels`);
    const scope = s.$defs && typeof s.$defs === 'object' ? [s.$defs as Record<string, unknown>, ...defs] : defs;
    const next = (sub: unknown, child: unknown, at: (string | number)[]) => visit(sub, child, at, scope, depth + 1);

    if (typeof s.$ref === 'string' && s.$ref.startsWith('#/$defs/')) {
      const name = s.$ref.slice('#/$defs/'.length).replace(/~1/g, '/').replace(/~0/g, '~');
      const target = scope.find((d) => name in d)?.[name];
      const found = target === undefined ? null : visit(target, v, path, scope, depth + 1);
      if (found) return found;
    }
    if (Array.isArray(s.allOf)) {
      for (const sub of s.allOf) {
        const found = next(sub, v, path);
        if (found) return found;
      }
    }
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = s[key];
      if (!Array.isArray(branches) || branches.length === 0) continue;
      let first: Problem | null = null;
      let fits = false;
      for (const sub of branches) {
        const found = next(sub, v, path);
        if (!found) {
          fits = true;
          break;
        }
        first ??= found;
      }
      if (!fits && first) return first;
    }

    if (typeof v === 'string') {
      if (typeof s.maxLength === 'number' && codePoints(v, s.maxLength) > s.maxLength)
        return problem(
          'input.maxLength',
          path,
          `文字太长（最多 ${s.maxLength} 字）`,
          `Too long: at most ${s.maxLength} characters`,
        );
      return null;
    }
    if (Array.isArray(v)) {
      if (typeof s.maxItems === 'number' && v.length > s.maxItems)
        return problem(
          'input.maxItems',
          path,
          `项目太多（最多 ${s.maxItems} 项）`,
          `Too many items: at most ${s.maxItems}`,
        );
      const prefix: unknown[] = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      for (let i = 0; i < v.length; i++) {
        const sub: unknown = i < prefix.length ? prefix[i] : s.items;
        if (sub === undefined) continue;
        const found = next(sub, v[i], [...path, i]);
        if (found) return found;
      }
      return null;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      if (typeof s.maxProperties === 'number' && entries.length > s.maxProperties)
        return problem(
          'input.maxProperties',
          path,
          `字段太多（最多 ${s.maxProperties} 个）`,
          `Too many properties: at most ${s.maxProperties}`,
        );
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      const patternProperties = Object.entries((s.patternProperties ?? {}) as Record<string, unknown>);
      for (const [key, child] of entries) {
        let matched = false;
        if (Object.hasOwn(properties, key)) {
          matched = true;
          const found = next(properties[key], child, [...path, key]);
          if (found) return found;
        }
        for (const [source, sub] of patternProperties) {
          if (!compiled(source)?.test(key)) continue;
          matched = true;
          const found = next(sub, child, [...path, key]);
          if (found) return found;
        }
        if (!matched && s.additionalProperties !== undefined) {
          const found = next(s.additionalProperties, child, [...path, key]);
          if (found) return found;
        }
      }
    }
    return null;
  };
  return visit(schema, value, [], [], 0);
}
