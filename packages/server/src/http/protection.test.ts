import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { FastifyInstance } from 'fastify';
import { createManualClock } from '@gridflow/core';
import { createServerClock } from '../clock.js';
import type { ServerConfig, ServerContext } from '../context.js';
import { openPgliteClient } from '../store/pglite.js';
import { buildHttpApp } from './app.js';
import { actors, ENGINES, JWT_SECRET, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';
import { commandBodySchema, submitBodySchema } from './schemas.js';

/**
 * What protects the API: tokens, bad input (400, 413, 415, 404, 405), rate limits (429), CORS, security headers,
 * demo-only routes, health probes, and the OpenAPI document generated from the validating schemas.
 */

const [T] = TENANTS;
type Json = Record<string, any>;

describe.each(ENGINES)('protection on %s', (engine) => {
  let h: Harness;
  const extra: FastifyInstance[] = [];
  /** Another app on the same server context with some configuration changed. */
  const appWith = async (config: Partial<ServerConfig>, ctx: Partial<ServerContext> = {}) => {
    const app = await buildHttpApp({ ...h.ctx, ...ctx, config: { ...h.ctx.config, ...config } });
    extra.push(app);
    return app;
  };
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    for (const app of extra) await app.close();
    await h?.close();
  });

  const bearer = async () => ({ authorization: `Bearer ${await h.token(actors.gridWorker)}` });
  const expectError = (res: { statusCode: number; body: string }, status: number, code?: string) => {
    expect(res.statusCode, res.body).toBe(status);
    const body = JSON.parse(res.body) as Json;
    expect(body).toMatchObject({
      code: code ?? expect.any(String),
      message_zh: expect.any(String),
      message_en: expect.any(String),
    });
    expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  };

  describe('tokens', () => {
    const sign = (claims: Json, secret = JWT_SECRET, exp: string | number = '1h') =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(String(claims.sub ?? 'u-x'))
        .setExpirationTime(exp)
        .sign(new TextEncoder().encode(secret));
    const as = async (token: string) =>
      h.app.inject({ method: 'GET', url: '/api/v1/cases', headers: { authorization: `Bearer ${token}` } });

    it('refuses missing, malformed, forged, expired and incomplete tokens with 401', async () => {
      expectError(await h.app.inject({ method: 'GET', url: '/api/v1/cases' }), 401, 'auth.required');
      expectError(
        await h.app.inject({ method: 'GET', url: '/api/v1/cases', headers: { authorization: 'Basic abc' } }),
        401,
        'auth.invalid_token',
      );
      expectError(await as('not.a.jwt'), 401, 'auth.invalid_token');
      expectError(
        await as(await sign({ sub: 'u-x', tenant: T, roles: ['assessor'] }, 'another-secret-another-secret-0000')),
        401,
      );
      expectError(
        await as(
          await sign({ sub: 'u-x', tenant: T, roles: ['assessor'] }, JWT_SECRET, Math.floor(Date.now() / 1000) - 60),
        ),
        401,
      );
      expectError(await as(await sign({ sub: 'u-x', roles: ['assessor'] })), 401);
      expectError(await as(await sign({ sub: 'u-x', tenant: T, roles: 'assessor' })), 401);
      expectError(await as(await sign({ sub: 'u-x', tenant: T, roles: ['assessor'], units: ['nonsense'] })), 401);
      expectError(await as(await sign({ sub: 'system', tenant: T, roles: ['system'] })), 401);
      expect((await as(await sign({ sub: 'u-x', tenant: T, roles: ['assessor'] }))).statusCode).toBe(200);
    });

    it('expire by the real clock: a demo clock moved back never extends a token, one moved on never ends it', async () => {
      const YEAR = 365 * 86_400_000;
      const behind = createServerClock('demo', createManualClock(Date.now() - YEAR));
      const ahead = createServerClock('demo', createManualClock(Date.now()));
      ahead.advance(10 * YEAR);
      const appBehind = await appWith({}, { clock: behind });
      const appAhead = await appWith({}, { clock: ahead });
      const claims = { sub: 'u-x', tenant: T, roles: ['assessor'] };
      const get = (app: FastifyInstance, token: string) =>
        app.inject({ method: 'GET', url: '/api/v1/cases', headers: { authorization: `Bearer ${token}` } });
      const expired = await sign(claims, JWT_SECRET, Math.floor(Date.now() / 1000) - 60);
      const fresh = await sign(claims, JWT_SECRET, Math.floor(Date.now() / 1000) + 3600);
      // By the demo clock a year back, the expired token would still have a year to run.
      expectError(await get(appBehind, expired), 401, 'auth.invalid_token');
      // By the demo clock ten years on, the fresh token would have expired long ago.
      expect((await get(appAhead, fresh)).statusCode).toBe(200);
      expect((await get(appBehind, fresh)).statusCode).toBe(200);

      // A demo token's life is counted from the real time it was signed, whatever the demo clock says.
      await h.ctx.org.upsertUsers([
        { tenant: T, id: 'demo-clock-user', name: '演示时钟', roles: ['assessor'], units: [] },
      ]);
      for (const app of [appBehind, appAhead]) {
        const issued = await app.inject({
          method: 'POST',
          url: '/api/v1/demo/token',
          payload: { userId: 'demo-clock-user' },
        });
        expect(issued.statusCode, issued.body).toBe(200);
        const token = (issued.json() as Json).token as string;
        const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Json;
        const realNow = Date.now() / 1000;
        expect(Math.abs(payload.iat - realNow)).toBeLessThan(60);
        expect(Math.abs(payload.exp - (realNow + 12 * 3600))).toBeLessThan(60);
        expect((await get(app, token)).statusCode).toBe(200);
      }
    });

    it('verifies RS256 and ES256 tokens with keys from a JWKS file', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'gridflow-jwks-'));
      try {
        const rsa = await generateKeyPair('RS256');
        const ec = await generateKeyPair('ES256');
        const jwks = {
          keys: [
            { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256' },
            { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256' },
          ],
        };
        const file = join(dir, 'jwks.json');
        writeFileSync(file, JSON.stringify(jwks));
        const app = await appWith({ jwt: { jwksFile: file, issuer: 'https://portal.example.gov.cn' } });
        const claims = { tenant: T, roles: ['assessor'], units: [] };
        const rs = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
          .setSubject('u-a')
          .setIssuer('https://portal.example.gov.cn')
          .setExpirationTime('1h')
          .sign(rsa.privateKey);
        const es = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', kid: 'ec-1' })
          .setSubject('u-a')
          .setIssuer('https://portal.example.gov.cn')
          .setExpirationTime('1h')
          .sign(ec.privateKey);
        const wrongIssuer = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
          .setSubject('u-a')
          .setIssuer('https://evil.example')
          .setExpirationTime('1h')
          .sign(rsa.privateKey);
        const get = (token: string) =>
          app.inject({ method: 'GET', url: '/api/v1/cases', headers: { authorization: `Bearer ${token}` } });
        expect((await get(rs)).statusCode).toBe(200);
        expect((await get(es)).statusCode).toBe(200);
        expect((await get(wrongIssuer)).statusCode).toBe(401);
        // HS256 tokens are not accepted when only keys are configured.
        expect((await get(await h.token(actors.assessor))).statusCode).toBe(401);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('bad input', () => {
    it('answers invalid JSON and schema violations with 400 and the path', async () => {
      expectError(
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: { ...(await bearer()), 'content-type': 'application/json' },
          payload: '{"process":',
        }),
        400,
        'http.invalid_json',
      );
      expectError(
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: { ...(await bearer()), 'content-type': 'application/json' },
          payload: '',
        }),
        400,
      );
      const res = await h.request(actors.gridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: { process: 'gridEscalation', input: noiseReport({ title: 42 }) },
      });
      expectError(res, 400, 'input.invalid');
      expect(res.json()).toMatchObject({ path: '/input/title' });
      const proto = await h.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...(await bearer()), 'content-type': 'application/json' },
        payload: '{"__proto__":{"x":1},"process":"gridEscalation","input":{}}',
      });
      expect(proto.statusCode).toBe(400);
      const nul = await h.request(actors.gridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: { process: 'gridEscalation', input: noiseReport({ title: 'a\u0000b' }) },
      });
      expectError(nul, 400, 'input.invalid');
      expect(nul.json()).toMatchObject({ path: '/input/title' });
      for (const depth of [100, 5_000, 100_000]) {
        const deep = await h.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: { ...(await bearer()), 'content-type': 'application/json' },
          payload: `{"process":"gridEscalation","input":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
        });
        expect(deep.statusCode, deep.body).toBeGreaterThanOrEqual(400);
        expect(deep.statusCode).toBeLessThan(500);
      }
      const huge = await h.request(actors.gridWorker, {
        method: 'POST',
        url: '/api/v1/cases/x/commands',
        payload: { type: 'case.sign', input: {}, expectedVersion: 1e300 },
      });
      expectError(huge, 400, 'input.invalid');
    });

    it('answers 413 over the body limit, 415 for other content types, 404 and 405', async () => {
      const small = await appWith({ bodyLimitBytes: 2048 });
      const big = await small.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...(await bearer()), 'content-type': 'application/json' },
        payload: JSON.stringify({ process: 'gridEscalation', input: noiseReport({ description: 'x'.repeat(4000) }) }),
      });
      expectError(big, 413, 'http.body_too_large');
      expectError(
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: { ...(await bearer()), 'content-type': 'text/plain' },
          payload: 'hello',
        }),
        415,
      );
      expectError(
        await h.app.inject({
          method: 'POST',
          url: '/api/v1/cases',
          headers: { ...(await bearer()), 'content-type': 'application/xml' },
          payload: '<a/>',
        }),
        415,
      );
      const form = await h.app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...(await bearer()), 'content-type': 'multipart/form-data; boundary=x' },
        payload: '--x--\r\n',
      });
      expectError(form, 415, 'http.unsupported_media_type');
      expectError(
        await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: await bearer() }),
        404,
        'http.not_found',
      );
      const wrong = await h.app.inject({ method: 'DELETE', url: '/api/v1/cases/abc', headers: await bearer() });
      expectError(wrong, 405, 'http.method_not_allowed');
      expect(wrong.headers.allow).toBe('GET, HEAD');
      expect((await h.app.inject({ method: 'PUT', url: '/api/v1/cases' })).headers.allow).toBe('GET, HEAD, POST');
    });

    it('limits attachment sizes (413)', async () => {
      const app = await appWith({ attachments: { ...h.ctx.config.attachments, maxBytes: 100 } });
      const c = (
        await h.request(actors.gridWorker, {
          method: 'POST',
          url: '/api/v1/cases',
          payload: { process: 'gridEscalation', input: noiseReport() },
        })
      ).json() as Json;
      const boundary = 'b0undary';
      const data = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(500)]);
      const payload = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
        ),
        data,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const before = await h.digest();
      const res = await app.inject({
        method: 'POST',
        url: `/api/v1/cases/${c.id}/attachments`,
        headers: { ...(await bearer()), 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload,
      });
      expectError(res, 413, 'attachment.too_large');
      expect(await h.digest()).toBe(before);
    });

    it('rate-limits with 429', async () => {
      const app = await appWith({ rateLimit: { max: 3, windowMs: 60_000 } });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++)
        statuses.push((await app.inject({ method: 'GET', url: '/api/v1/cases', headers: await bearer() })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await app.inject({ method: 'GET', url: '/api/v1/cases', headers: await bearer() });
      expectError(limited, 429, 'http.rate_limited');
      expect(limited.headers['retry-after']).toBeDefined();
      // Probes are never limited.
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    });
  });

  describe('CORS and security headers', () => {
    it('allows only the configured origins', async () => {
      const app = await appWith({ corsOrigins: ['https://portal.example.gov.cn'] });
      const allowed = await app.inject({
        method: 'GET',
        url: '/healthz',
        headers: { origin: 'https://portal.example.gov.cn' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
      const preflight = await app.inject({
        method: 'OPTIONS',
        url: '/api/v1/cases',
        headers: {
          origin: 'https://portal.example.gov.cn',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key',
        },
      });
      expect(preflight.statusCode).toBe(204);
      expect(String(preflight.headers['access-control-allow-headers']).toLowerCase()).toContain('idempotency-key');
      const denied = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
      expect(
        (await h.app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://portal.example.gov.cn' } }))
          .headers['access-control-allow-origin'],
      ).toBeUndefined();
      expect(allowed.headers['content-security-policy']).toContain(
        "frame-ancestors 'self' https://portal.example.gov.cn",
      );
    });

    it('sets security headers with a CSP the portal and the docs work under', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/healthz' });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    });
  });

  describe('docs, probes and demo routes', () => {
    it('publishes OpenAPI 3.1 generated from the schemas that validate the requests', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/openapi.json' })).json() as Json;
      expect(doc.openapi).toBe('3.1.0');
      const processes = (await h.ctx.runtimeFor(T)).processes();
      const commandBody = doc.paths['/api/v1/cases/{id}/commands'].post.requestBody.content['application/json'].schema;
      expect(commandBody).toEqual(JSON.parse(JSON.stringify(commandBodySchema(processes))));
      const submitBody = doc.paths['/api/v1/cases'].post.requestBody.content['application/json'].schema;
      expect(submitBody).toEqual(JSON.parse(JSON.stringify(submitBodySchema(processes))));
      const paths = Object.keys(doc.paths);
      for (const p of [
        '/api/v1/cases/{id}/history',
        '/api/v1/cases/{id}/attachments',
        '/api/v1/evaluations/{id}/rating',
        '/api/v1/matters/{id}/meeting/confirm',
        '/api/v1/matters/{id}/votes',
        '/api/v1/policies/{policyId}/versions/{version}/simulate',
        '/api/v1/indicators/rankings',
        '/api/v1/org/tree',
        '/api/v1/events',
        '/api/v1/demo/token',
        '/healthz',
        '/readyz',
      ]) {
        expect(paths).toContain(p);
      }
      const rating = doc.paths['/api/v1/evaluations/{id}/rating'].post.requestBody.content['application/json'].schema;
      expect(rating.required).toEqual(['rating', 'solved', 'expectedVersion']);
      expect(doc.components.schemas.Policy.properties.routing).toEqual({
        $ref: '#/components/schemas/Policy.routingTable',
      });
      expect(JSON.stringify(doc)).not.toContain('x-gridflow-ref');
      expect(JSON.stringify(doc)).not.toContain('#/$defs/');
    });

    it('serves the reference page at /docs from bundled files (no CDN)', async () => {
      const page = await h.app.inject({ method: 'GET', url: '/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).not.toMatch(/<script[^>]+src="https?:/);
      expect(page.body).not.toMatch(/<link[^>]+href="https?:/);
      const bundle = await h.app.inject({ method: 'GET', url: '/docs/static/swagger-ui-bundle.js' });
      expect(bundle.statusCode).toBe(200);
      expect((await h.app.inject({ method: 'GET', url: '/docs/json' })).json()).toMatchObject({ openapi: '3.1.0' });
    });

    it('answers /healthz and /readyz; /readyz is 503 when the database does not answer', async () => {
      expect((await h.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok' });
      expect((await h.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({
        status: 'ready',
        database: engine,
      });
      const closed = await openPgliteClient();
      await closed.close();
      const app = await appWith({}, { sql: closed });
      expectError(await app.inject({ method: 'GET', url: '/readyz' }), 503, 'server.not_ready');
    });

    it('has demo token and clock routes in demo mode, clearly marked', async () => {
      await h.ctx.org.upsertUsers([
        {
          tenant: T,
          id: 'demo-grid',
          name: '演示网格员',
          roles: ['grid_worker'],
          units: ['grid:g-01', 'community:c-01'],
        },
      ]);
      const users = (await h.app.inject({ method: 'GET', url: '/api/v1/demo/users' })).json() as Json;
      expect(users.items.map((u: Json) => u.id)).toContain('demo-grid');
      const issued = await h.app.inject({
        method: 'POST',
        url: '/api/v1/demo/token',
        payload: { userId: 'demo-grid' },
      });
      expect(issued.statusCode).toBe(200);
      expect(issued.headers['x-gridflow-demo']).toBe('true');
      const token = issued.json() as Json;
      expect(token).toMatchObject({
        demo: true,
        tokenType: 'Bearer',
        user: { id: 'demo-grid', roles: ['grid_worker'] },
        notice_en: expect.stringContaining('DEMO'),
      });
      expect(
        (
          await h.app.inject({
            method: 'GET',
            url: '/api/v1/cases',
            headers: { authorization: `Bearer ${token.token}` },
          })
        ).statusCode,
      ).toBe(200);
      expectError(
        await h.app.inject({ method: 'POST', url: '/api/v1/demo/token', payload: { userId: 'nobody' } }),
        404,
        'user.not_found',
      );

      const c = (
        await h.request(actors.gridWorker, {
          method: 'POST',
          url: '/api/v1/cases',
          payload: { process: 'gridEscalation', input: noiseReport() },
        })
      ).json() as Json;
      await h.request(actors.communityStaff, {
        method: 'POST',
        url: `/api/v1/cases/${c.id}/commands`,
        payload: { type: 'case.triage.file', expectedVersion: 1 },
      });
      const before = (await h.app.inject({ method: 'GET', url: '/api/v1/demo/clock' })).json() as Json;
      const advanced = (
        await h.app.inject({ method: 'POST', url: '/api/v1/demo/clock', payload: { advanceMs: 3 * 86_400_000 } })
      ).json() as Json;
      expect(advanced.now - before.now).toBeGreaterThanOrEqual(3 * 86_400_000);
      expect(advanced.fired).toBeGreaterThan(0);
      expect(
        (await h.app.inject({ method: 'POST', url: '/api/v1/demo/clock', payload: { speed: 60 } })).json(),
      ).toMatchObject({ speed: 60 });
      await h.app.inject({ method: 'POST', url: '/api/v1/demo/clock', payload: { speed: 1 } });
      expectError(await h.app.inject({ method: 'POST', url: '/api/v1/demo/clock', payload: {} }), 400);
      // The case's sign and contact deadlines have fired: overdue filter and history show it.
      const history = (
        await h.request(actors.gridWorker, { method: 'GET', url: `/api/v1/cases/${c.id}/history` })
      ).json() as Json;
      expect(history.items.some((e: Json) => e.command === 'deadline.due')).toBe(true);
    });

    it('has no demo routes in production mode (404)', async () => {
      const app = await appWith({ mode: 'production' });
      expectError(
        await app.inject({ method: 'POST', url: '/api/v1/demo/token', payload: { userId: 'demo-grid' } }),
        404,
        'http.not_found',
      );
      expectError(
        await app.inject({ method: 'POST', url: '/api/v1/demo/clock', payload: { advanceMs: 1000 } }),
        404,
        'http.not_found',
      );
      expect(
        (await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths['/api/v1/demo/token'],
      ).toBeUndefined();
      expect((await app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toBeDefined();
    });
  });
});
