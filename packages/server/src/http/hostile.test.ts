import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultPolicy, type Actor } from '@gridflow/core';
import { FIXTURE_UNITS, gridInTriage, recipes } from './fixtures.js';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';
import { largestRequests } from './largestBodies.js';

/**
 * Hostile sizes: every array, string and open object of every request schema is bounded (so a new route without
 * bounds fails here), a body far over the bounds is refused with 400 before any check costlier than linear runs,
 * and the largest body every operation allows is answered with 2xx/4xx while another client's `/healthz` keeps
 * answering within a second. (The event-loop delay per operation is measured in bench/hostile.mjs, not here.)
 */

type Json = Record<string, any>;
const [T] = TENANTS;

/** Every schema node of the request schemas (parameters and JSON bodies) that states no size bound. */
export function unbounded(doc: Json): string[] {
  const components = (doc.components?.schemas ?? {}) as Record<string, Json>;
  const out: string[] = [];
  const walk = (s: unknown, at: string, seen: ReadonlySet<string>): void => {
    if (!s || typeof s !== 'object') return;
    if (Array.isArray(s)) return s.forEach((x, i) => walk(x, `${at}/${i}`, seen));
    const node = s as Json;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.split('/').pop()!;
      if (!seen.has(name)) walk(components[name], `${at}->${name}`, new Set([...seen, name]));
      return;
    }
    const types: unknown[] = Array.isArray(node.type) ? node.type : [node.type];
    const fixed = node.enum !== undefined || node.const !== undefined;
    if (types.includes('array') && node.maxItems === undefined) out.push(`${at}: array without maxItems`);
    if (types.includes('string') && !fixed && node.maxLength === undefined) out.push(`${at}: string without maxLength`);
    if ((types.includes('object') || node.properties) && node.additionalProperties !== false) {
      if (node.maxProperties === undefined) out.push(`${at}: open object without maxProperties`);
    }
    for (const key of ['properties', 'patternProperties', '$defs'])
      for (const [name, sub] of Object.entries((node[key] ?? {}) as Json)) walk(sub, `${at}/${name}`, seen);
    for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames'])
      if (node[key] && typeof node[key] === 'object') walk(node[key], `${at}/${key}`, seen);
    for (const key of ['oneOf', 'anyOf', 'allOf', 'prefixItems']) if (node[key]) walk(node[key], `${at}/${key}`, seen);
  };
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
      const operation = `${method.toUpperCase()} ${path}`;
      for (const p of (op.parameters ?? []) as Json[]) walk(p.schema, `${operation} ${p.in}:${p.name}`, new Set());
      for (const [type, content] of Object.entries((op.requestBody?.content ?? {}) as Record<string, Json>))
        walk(content.schema, `${operation} body(${type})`, new Set());
    }
  }
  return out;
}

/** A caller with every role of the default policy in every fixture unit: the requests reach the handlers. */
const everyone: Actor = {
  id: 'u-hostile',
  name: '压力测试',
  roles: createDefaultPolicy()
    .organisation.roles.map((r) => r.code)
    .filter((r) => r !== 'system'),
  units: [...FIXTURE_UNITS, 'grid:g-02', 'community:c-02', 'street:s-02', 'compound:x-02'],
};

describe.each(ENGINES)('hostile sizes on %s', (engine) => {
  let h: Harness;
  let doc: Json;
  beforeAll(async () => {
    h = await startHarness(engine);
    doc = JSON.parse((await h.app.inject({ method: 'GET', url: '/openapi.json' })).body) as Json;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('bounds every array, string and open object of every request schema', () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThan(30);
    expect(unbounded(doc)).toEqual([]);
    // The walk sees what it checks: an unbounded schema is reported.
    const probe = {
      paths: {
        '/x': {
          post: {
            parameters: [{ in: 'query', name: 'q', schema: { type: 'string' } }],
            requestBody: {
              content: {
                'application/json': {
                  schema: { type: 'object', additionalProperties: false, properties: { a: { type: 'array' } } },
                },
              },
            },
          },
        },
      },
    };
    expect(unbounded(probe)).toEqual([
      'POST /x query:q: string without maxLength',
      'POST /x body(application/json)/a: array without maxItems',
    ]);
  });

  it('refuses 100,000-element arrays with 400 at once, with or without a token', async () => {
    const evaluation = await recipes['evaluation.rate']!(h.ctx, T, 'resident');
    const matter = await recipes['matter.meeting.hold']!(h.ctx, T, 'community_secretary');
    const many = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));
    const bodies: [url: string, body: Json][] = [
      ['/api/v1/policies/default/migrations', { caseIds: many(100_000, (i) => `c${i.toString(36)}`), toVersion: 1 }],
      [
        '/api/v1/evaluations',
        {
          subjectCaseId: 'c-1',
          subjectProcess: 'gridEscalation',
          evaluatorKind: 'resident',
          evaluatorId: 'u-resident',
          unit: 'grid:g-01',
          subjectUnits: many(100_000, (i) => `g:${i.toString(36)}`),
        },
      ],
      [
        `/api/v1/cases/${matter.caseId}/commands`,
        {
          type: 'matter.meeting.schedule',
          input: { meetingAt: 1, invited: many(100_000, (i) => `d:${i.toString(36)}`) },
          expectedVersion: 1,
        },
      ],
      [
        `/api/v1/cases/${evaluation.caseId}/commands`,
        {
          type: 'evaluation.rate',
          input: { rating: 'satisfied', solved: true, comment: 'x'.repeat(900_000) },
          expectedVersion: 1,
        },
      ],
      ['/api/v1/policies/default/versions/1/simulate', { input: {}, steps: many(100_000, () => ({})) }],
    ];
    for (const [url, body] of bodies) {
      for (const as of [null, everyone]) {
        const started = performance.now();
        const res = await h.request(as, { method: 'POST', url, payload: body });
        const elapsed = performance.now() - started;
        // Under the body limit (1 MB), so the request reaches the validator.
        expect(res.statusCode, url).not.toBe(413);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
        const error = JSON.parse(res.body) as Json;
        expect(error).toMatchObject({ code: expect.any(String), message_zh: expect.any(String) });
        if (as) {
          expect(error.details?.problems?.[0]?.code, `${url}: ${res.body.slice(0, 300)}`).toMatch(
            /^input\.max(Items|Length)$/,
          );
          expect(res.body.length, 'one problem, not one per item').toBeLessThan(2_000);
        }
        // Generous: a quadratic check over 100,000 items took 40–80 s; the bounds check takes milliseconds.
        expect(elapsed, url).toBeLessThan(5_000);
      }
    }
  });

  it('refuses dot-segment ids (`.`, `..`) in every string path parameter with 400, as the schema’s pattern states', async () => {
    const caseId = (await gridInTriage(h.ctx, T)).id;
    if (!h.app.server.address()) await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const authorization = `Bearer ${await h.token(everyone)}`;
    /** A real client's request, the path sent as written (fetch and inject resolve dot segments first). */
    const send = (method: string, path: string, body?: string, type = 'application/json') =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent: false,
            headers: { authorization, 'content-type': type },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const valid: Record<string, string> = { id: caseId, policyId: 'default', version: '1', itemId: 'work-order' };
    const tried: string[] = [];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'delete', 'patch'].includes(method)) continue;
        for (const param of ((op as Json).parameters ?? []) as Json[]) {
          if (param.in !== 'path' || param.schema?.type !== 'string') continue;
          // The schema states the pattern that refuses dots alone (the OpenAPI document is what integrators read).
          const pattern = new RegExp(param.schema.pattern as string, 'u');
          expect(pattern.test('..'), `${method} ${path} ${param.name}: ${param.schema.pattern}`).toBe(false);
          expect(pattern.test('.'), `${method} ${path} ${param.name}`).toBe(false);
          for (const dots of ['.', '..', '%2E%2E']) {
            const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
              name === param.name ? dots : (valid[name] ?? 'a1b2c3d4-0000-4000-8000-000000000000'),
            );
            const multipart = Object.keys((op as Json).requestBody?.content ?? {}).includes('multipart/form-data');
            const res = multipart
              ? await send('POST', url, '--XX--\r\n', 'multipart/form-data; boundary=XX')
              : await send(method.toUpperCase(), url, method === 'get' ? undefined : '{}');
            expect(res.status, `${method} ${url}: ${res.body.slice(0, 200)}`).toBe(400);
            expect(JSON.parse(res.body)).toMatchObject({
              code: 'path.invalid',
              path: `/${param.name}`,
              message_zh: expect.any(String),
              message_en: expect.any(String),
            });
            tried.push(`${method} ${path} ${param.name}`);
          }
        }
      }
    }
    // Case, matter, evaluation, action item and policy ids are all among them.
    for (const expected of ['get /api/v1/cases/{id} id', 'post /api/v1/matters/{id}/actions/{itemId}/done itemId'])
      expect(tried).toContain(expected);
    expect(tried.some((t) => t.endsWith(' policyId'))).toBe(true);
    expect(new Set(tried).size).toBeGreaterThan(40);
    // A plain id with dots inside is still an id (404, not 400); the same id over 200 characters is still 414.
    expect((await send('GET', '/api/v1/cases/a..b')).status).toBe(404);
    expect((await send('GET', `/api/v1/cases/${'.'.repeat(300)}`)).status).toBe(414);
  });

  it('answers what the framework and the parsers refuse in Gridflow’s error shape, never 500', async () => {
    const address = h.app.server.address() as AddressInfo | null;
    if (!address) await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    /** One raw HTTP exchange: what a client sends that fetch would refuse to send. */
    const raw = (text: string) =>
      new Promise<{ status: number; body: Json }>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        let out = '';
        socket.on('data', (d) => (out += String(d)));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head = '', ...rest] = out.split('\r\n\r\n');
          try {
            resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(rest.join('\r\n\r\n')) as Json });
          } catch {
            reject(new Error(`not a JSON answer: ${out.slice(0, 300)}`));
          }
        });
        socket.end(text);
      });
    const token = await h.token(actors.resident);
    const get = (path: string, extra = '') =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n${extra}Connection: close\r\n\r\n`;
    const shaped = async (text: string, status: number, code: string) => {
      const res = await raw(text);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body).toMatchObject({ code, message_zh: expect.any(String), message_en: expect.any(String) });
    };
    await shaped(get('/api/v1/cases', `X-Big: ${'a'.repeat(20_000)}\r\n`), 431, 'http.headers_too_large');
    await shaped(get('/api/v1/cases', 'Bad Header\r\n'), 400, 'http.bad_request');
    await shaped(get(`/api/v1/cases/${'a'.repeat(300)}`), 414, 'http.uri_too_long');
    await shaped(get('/api/v1/cases/%E0%A4%A'), 400, 'http.bad_url');

    // 401s name what is wrong with the token in words, not the JWT library's codes.
    for (const bad of ['abc.def.ghi', `${token.slice(0, -4)}AAAA`]) {
      const res = await h.app.inject({
        method: 'GET',
        url: '/api/v1/cases',
        headers: { authorization: `Bearer ${bad}` },
      });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toMatch(/ERR_J|JWS|JWT_|JOSE/);
    }

    // Multipart bodies without a boundary, or cut short: 400, not 500.
    const submitted = await h.request(actors.resident, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: { process: 'gridEscalation', input: noiseReport() },
    });
    const id = (JSON.parse(submitted.body) as Json).id as string;
    const upload = (type: string, payload: string) =>
      h.request(actors.resident, {
        method: 'POST',
        url: `/api/v1/cases/${id}/attachments`,
        headers: { 'content-type': type },
        payload,
      });
    const cut = `--XX\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n\x1a\n0000`;
    for (const res of [
      await upload('multipart/form-data', '0123456789'),
      await upload('multipart/form-data; boundary=XX', cut),
    ]) {
      expect(res.statusCode, res.body).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'attachment.malformed', message_zh: expect.any(String) });
    }
  });

  it('answers the largest body of every operation with 2xx/4xx while /healthz keeps answering', async () => {
    const caseIds: Record<string, string> = {
      cases: (await gridInTriage(h.ctx, T)).id,
      evaluations: (await recipes['evaluation.rate']!(h.ctx, T, 'resident')).caseId,
      matters: (await recipes['matter.meeting.hold']!(h.ctx, T, 'community_secretary')).caseId,
    };
    const requests = largestRequests(doc, {
      budgetBytes: Math.floor(h.ctx.config.bodyLimitBytes * 0.95),
      pathValue: (name, path) => {
        if (name === 'id') return caseIds[path.split('/')[3] ?? ''] ?? caseIds.cases;
        if (name === 'policyId') return 'default';
        if (name === 'version') return '1';
        return undefined;
      },
      // Moving the demo clock by the largest step would age every token out; its bounds are checked above.
      skip: (operation) => operation === 'POST /api/v1/demo/clock',
    });
    expect(requests.length).toBeGreaterThan(60);
    expect(Math.max(...requests.map((r) => r.bytes))).toBeGreaterThan(h.ctx.config.bodyLimitBytes / 2);

    if (!h.app.server.address()) await h.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = h.app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const token = await h.token(everyone);

    // Warm up the client and the server (the first request of a process compiles a good deal).
    await (await fetch(`${base}/healthz`)).text();
    let done = false;
    const pauses: number[] = [];
    const poll = (async () => {
      while (!done) {
        const started = performance.now();
        const res = await fetch(`${base}/healthz`);
        await res.arrayBuffer();
        pauses.push(performance.now() - started);
        expect(res.status).toBe(200);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const statuses: { operation: string; status: number; body: string }[] = [];
    const queue = [...requests];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const operation = `${r.operation} ${r.branch ?? ''}`;
        try {
          const res = await fetch(`${base}${r.url}`, {
            method: r.method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(r.body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
          });
          statuses.push({ operation, status: res.status, body: await res.text() });
        } catch (error) {
          statuses.push({ operation, status: 0, body: String(error) });
        }
      }
    };
    try {
      await Promise.all([worker(), worker(), worker(), worker()]);
    } finally {
      done = true;
      await poll;
    }

    const faults = statuses.filter((s) => s.status >= 500 || s.status < 200);
    expect(faults.map((f) => `${f.operation} ${f.status} ${f.body.slice(0, 200)}`)).toEqual([]);
    expect(statuses).toHaveLength(requests.length);
    expect(pauses.length).toBeGreaterThan(5);
    expect(Math.max(...pauses)).toBeLessThan(1_000);
  }, 300_000);
});
