/**
 * The largest requests the OpenAPI document allows, one per operation (one per branch of a discriminated body):
 * every array filled to its `maxItems`, every string to its `maxLength`, every open object to its `maxProperties`,
 * within a byte budget (the body limit). Strings are made to match their pattern where a simple shape does (codes,
 * `kind:id` units, dates, durations, uuids), and are unique, so `uniqueItems` and pattern checks see their worst
 * case. For the liveness test and the event-loop benchmark; not a test file itself.
 */

type Json = Record<string, unknown>;

/** One request: the operation (`POST /api/v1/cases/{id}/commands`), its branch, and what to send. */
export interface LargeRequest {
  operation: string;
  branch?: string;
  method: string;
  url: string;
  body?: unknown;
  bytes: number;
}

/** Options of {@link largestRequests}. */
export interface LargestOptions {
  /** Largest JSON body in bytes (a little under the server's body limit). */
  budgetBytes: number;
  /** The value of a path parameter (a real case id, say), or `undefined` for a generated one. */
  pathValue?: (name: string, path: string) => string | undefined;
  /** Operations to leave out, as `METHOD /path`. */
  skip?: (operation: string) => boolean;
}

const firstType = (s: Json): string | undefined => {
  const t = s.type;
  if (Array.isArray(t)) return (t as string[]).find((x) => x !== 'null') ?? 'null';
  return typeof t === 'string' ? t : undefined;
};

/** Candidate texts of length at most `n`, tried in order against a pattern. */
function candidates(n: number, tag: string): string[] {
  const fill = (prefix: string, ch = 'a') => prefix + ch.repeat(Math.max(0, n - prefix.length - tag.length)) + tag;
  const hex = tag
    .replace(/[^0-9a-f]/g, '0')
    .padStart(12, '0')
    .slice(-12);
  return [
    fill('a'),
    fill('grid:a'),
    fill('1', '1').replace(/[^0-9]/g, '1'),
    '2026-03-02',
    '2026-03-02T09:00:00+08:00',
    'P1D',
    'PT2H',
    '09:00',
    `00000000-0000-4000-8000-${hex}`,
    fill('A', 'A').toUpperCase(),
  ].map((c) => c.slice(0, n));
}

/** Generates the largest value of a schema within a byte budget. */
function generator(doc: Json, budgetBytes: number) {
  const components = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, Json>;
  let left = budgetBytes;
  let counter = 0;
  const patterns = new Map<string, RegExp | null>();
  const regex = (source: string) => {
    if (!patterns.has(source)) {
      try {
        patterns.set(source, new RegExp(source, 'u'));
      } catch {
        patterns.set(source, null);
      }
    }
    return patterns.get(source) ?? null;
  };
  const deref = (s: unknown, depth = 0): Json => {
    const node = (s ?? {}) as Json;
    if (typeof node.$ref === 'string' && depth < 20)
      return deref(components[node.$ref.split('/').pop() ?? ''], depth + 1);
    return node;
  };
  const spend = (value: unknown) => {
    left -= JSON.stringify(value).length + 1;
    return value;
  };
  const text = (s: Json): string => {
    const n = Math.max(0, Math.min(typeof s.maxLength === 'number' ? s.maxLength : 64, left));
    const tag = (counter++).toString(36);
    const re = typeof s.pattern === 'string' ? regex(s.pattern) : null;
    if (!re) return candidates(n, tag)[0] ?? '';
    return candidates(n, tag).find((c) => c.length >= (Number(s.minLength) || 0) && re.test(c)) ?? 'a'.repeat(n);
  };
  const gen = (raw: unknown, depth = 0): unknown => {
    const s = deref(raw);
    if (depth > 24) return null;
    if (s.const !== undefined) return spend(s.const);
    if (Array.isArray(s.enum)) return spend(s.enum[s.enum.length - 1]);
    const branches = (s.oneOf ?? s.anyOf ?? s.allOf) as unknown[] | undefined;
    if (Array.isArray(branches) && branches.length > 0 && s.type === undefined) return gen(branches[0], depth + 1);
    switch (firstType(s)) {
      case 'string':
        return spend(text(s));
      case 'integer':
      case 'number':
        return spend(typeof s.maximum === 'number' ? s.maximum : typeof s.minimum === 'number' ? s.minimum : 1);
      case 'boolean':
        return spend(true);
      case 'null':
        return spend(null);
      case 'array': {
        const out: unknown[] = [];
        const max = typeof s.maxItems === 'number' ? s.maxItems : 0;
        const prefix = (s.prefixItems ?? []) as unknown[];
        for (let i = 0; i < max && left > 0; i++) out.push(gen(prefix[i] ?? s.items, depth + 1));
        return out;
      }
      case 'object':
      case undefined: {
        if (s.properties === undefined && s.additionalProperties === undefined && firstType(s) === undefined)
          return spend({});
        const out: Json = {};
        const properties = (s.properties ?? {}) as Record<string, unknown>;
        for (const [key, sub] of Object.entries(properties)) {
          if (left <= 0) break;
          out[key] = gen(sub, depth + 1);
        }
        const extra = s.additionalProperties;
        const max = typeof s.maxProperties === 'number' ? s.maxProperties : 0;
        if (extra && typeof extra === 'object') {
          const names = deref(s.propertyNames ?? {});
          const pool = Array.isArray(names.enum) ? (names.enum as string[]) : undefined;
          for (let i = 0; Object.keys(out).length < max && left > 0 && i < max; i++) {
            const key = pool ? pool[i] : text({ ...names, maxLength: Math.min(Number(names.maxLength) || 64, 64) });
            if (key === undefined) break;
            out[key] = gen(extra, depth + 1);
          }
        }
        return out;
      }
      default:
        return spend(null);
    }
  };
  return {
    value(schema: unknown, budget = budgetBytes): unknown {
      left = budget;
      return gen(schema);
    },
  };
}

const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

/**
 * The largest request of every operation of an OpenAPI document (JSON bodies; multipart ones are left out).
 *
 * @example
 * const requests = largestRequests(await (await fetch('/openapi.json')).json(), { budgetBytes: 900_000 });
 */
export function largestRequests(doc: Json, options: LargestOptions): LargeRequest[] {
  const gen = generator(doc, options.budgetBytes);
  const params = generator(doc, 4_000);
  const out: LargeRequest[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (!op) continue;
      const operation = `${method.toUpperCase()} ${path}`;
      if (options.skip?.(operation)) continue;
      // An event stream answers for as long as it is open: not a request with an answer to wait for.
      if (JSON.stringify(op).includes('text/event-stream')) continue;
      const content = ((op.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>;
      if (Object.keys(content).length > 0 && !content['application/json']) continue;
      let url = path;
      const query: string[] = [];
      for (const p of (op.parameters ?? []) as Json[]) {
        const name = String(p.name);
        if (p.in === 'path') {
          const given = options.pathValue?.(name, path);
          const value = given ?? String(params.value(p.schema));
          url = url.replace(`{${name}}`, encodeURIComponent(value));
        } else if (p.in === 'query') {
          if (name === 'access_token') continue;
          const value = params.value(p.schema);
          const shown = Array.isArray(value) ? value.join(',') : String(value);
          query.push(`${encodeURIComponent(name)}=${encodeURIComponent(shown)}`);
        }
      }
      if (query.length > 0) url += `?${query.join('&')}`;
      const schema = content['application/json']?.schema as Json | undefined;
      if (!schema) {
        out.push({ operation, method: method.toUpperCase(), url, bytes: 0 });
        continue;
      }
      // A discriminated body: the largest body of every branch (every command, every process).
      const branches = Array.isArray(schema.oneOf) && schema.discriminator ? (schema.oneOf as Json[]) : [schema];
      for (const branch of branches) {
        // The budget is spent approximately: shrink it until the body fits.
        let body = gen.value(branch);
        for (let budget = options.budgetBytes; JSON.stringify(body).length > options.budgetBytes;) {
          budget = Math.floor(budget * 0.9);
          body = gen.value(branch, budget);
        }
        out.push({
          operation,
          ...(branches.length > 1 ? { branch: typeof branch.title === 'string' ? branch.title : '' } : {}),
          method: method.toUpperCase(),
          url,
          body,
          bytes: JSON.stringify(body).length,
        });
      }
    }
  }
  return out;
}
