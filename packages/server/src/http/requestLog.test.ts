import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig, ServerContext } from '../context.js';
import { buildHttpApp } from './app.js';
import { actors, ENGINES, startHarness, type Harness } from './harness.js';
import { redactAccessToken, REDACTED } from './requestLog.js';

/** The request log: Fastify's pino logger, tokens redacted, 5xx faults logged with the id their answer carries. */

type Json = Record<string, any>;

describe('redactAccessToken', () => {
  it('replaces the value of every access_token parameter, whatever its spelling, and keeps the rest', () => {
    expect(redactAccessToken('/api/v1/events?access_token=abc.def.ghi&x=1')).toBe(
      `/api/v1/events?access_token=${REDACTED}&x=1`,
    );
    expect(redactAccessToken('/a?x=1&ACCESS_TOKEN=s3cret&access%5Ftoken=s3cret2&access_token')).toBe(
      `/a?x=1&ACCESS_TOKEN=${REDACTED}&access%5Ftoken=${REDACTED}&access_token=${REDACTED}`,
    );
    expect(redactAccessToken('/a?token=kept')).toBe('/a?token=kept');
    expect(redactAccessToken('/a')).toBe('/a');
  });
});

describe.each(ENGINES)('request log on %s', (engine) => {
  let h: Harness;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await h?.close();
  });

  /** An app on the harness's context logging into an array. */
  const logged = async (config: Partial<ServerConfig> = {}, ctx: Partial<ServerContext> = {}) => {
    const lines: Json[] = [];
    const app = await buildHttpApp(
      { ...h.ctx, ...ctx, config: { ...h.ctx.config, logLevel: 'info', ...config } },
      { logStream: { write: (line) => lines.push(JSON.parse(line) as Json) } },
    );
    apps.push(app);
    return { app, lines };
  };

  it('logs each request and its answer with the request id, never the bearer token or an access_token', async () => {
    const { app, lines } = await logged();
    const token = await h.token(actors.gridWorker);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/cases',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(200);
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const mine = lines.filter((l) => l.reqId === id);
    expect(mine.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(mine[0]).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/api/v1/cases', headers: { authorization: REDACTED } },
    });
    expect(mine[1]).toMatchObject({ res: { statusCode: 200 } });

    const query = await app.inject({
      method: 'GET',
      url: `/api/v1/org/tree?access_token=${encodeURIComponent(token)}`,
    });
    expect(query.statusCode).toBe(401);
    const queried = lines.filter((l) => l.reqId === query.headers['x-request-id']);
    expect(queried[0]?.req.url).toBe(`/api/v1/org/tree?access_token=${REDACTED}`);

    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain(token.split('.')[2]!);
  });

  it('takes a plain incoming X-Request-ID and refuses one that could forge a log line or a header', async () => {
    const { app, lines } = await logged();
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'proxy-7f3a.1:2' } });
    expect(kept.headers['x-request-id']).toBe('proxy-7f3a.1:2');
    expect(lines.some((l) => l.reqId === 'proxy-7f3a.1:2')).toBe(true);
    for (const forged of ['a b', 'x'.repeat(129), 'id"}\\n{"level":60', 'ünïcode']) {
      const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': forged } });
      expect(res.headers['x-request-id']).not.toBe(forged);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('logs a server fault with its cause and the request id the 500 answer carries', async () => {
    const broken = { ...h.ctx.org, tree: () => Promise.reject(new Error('org table on fire')) };
    const { app, lines } = await logged({}, { org: broken });
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/org/tree',
      headers: { authorization: `Bearer ${await h.token(actors.gridWorker)}` },
    });
    expect(res.statusCode).toBe(500);
    const body = res.json() as Json;
    expect(body).toMatchObject({ code: 'server.internal', requestId: expect.any(String) });
    expect(res.body).not.toContain('on fire');
    expect(res.headers['x-request-id']).toBe(body.requestId);
    const fault = lines.find((l) => l.level === 50);
    expect(fault).toMatchObject({ reqId: body.requestId, err: { message: 'org table on fire' } });
    // A 4xx answer carries no request id in its body.
    const denied = await app.inject({ method: 'GET', url: '/api/v1/org/tree' });
    expect(denied.statusCode).toBe(401);
    expect((denied.json() as Json).requestId).toBeUndefined();
  });

  it('without a request log, passes the fault to onServerFault naming the request id', async () => {
    const reported: string[] = [];
    const broken = { ...h.ctx.org, tree: () => Promise.reject(new Error('org table on fire')) };
    const app = await buildHttpApp({ ...h.ctx, org: broken }, { onServerFault: (message) => reported.push(message) });
    apps.push(app);
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/org/tree',
      headers: { authorization: `Bearer ${await h.token(actors.gridWorker)}`, 'x-request-id': 'trace-42' },
    });
    expect(res.statusCode).toBe(500);
    expect((res.json() as Json).requestId).toBe('trace-42');
    expect(reported).toEqual(['unhandled server error (request trace-42)']);
  });
});
