import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerConfig } from '../context.js';
import { buildHttpApp } from './app.js';
import { actors, ENGINES, startHarness, type Harness } from './harness.js';

/**
 * Behind a reverse proxy: the client address is the forwarded one only from a trusted proxy, and the rate limit
 * counts per verified caller, or per client address without a valid token.
 */

type Json = Record<string, any>;

describe.each(ENGINES)('client address and rate limits on %s', (engine) => {
  let h: Harness;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    h = await startHarness(engine);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await h?.close();
  });

  /** An app allowing 3 requests per key and minute, logging into an array. */
  const appWith = async (config: Partial<ServerConfig> = {}) => {
    const lines: Json[] = [];
    const app = await buildHttpApp(
      {
        ...h.ctx,
        config: { ...h.ctx.config, rateLimit: { max: 3, windowMs: 60_000 }, logLevel: 'info', ...config },
      },
      { logStream: { write: (line) => lines.push(JSON.parse(line) as Json) } },
    );
    apps.push(app);
    /** GET /api/v1/cases from a socket address, with X-Forwarded-For and a token when given. */
    const get = async (from: string, forwarded?: string, token?: string) => {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/cases',
        remoteAddress: from,
        headers: {
          ...(forwarded === undefined ? {} : { 'x-forwarded-for': forwarded }),
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
      });
      const logged = lines.find((l) => l.reqId === res.headers['x-request-id'] && l.req);
      return { status: res.statusCode, address: logged?.req.remoteAddress as string | undefined };
    };
    return { app, get };
  };

  it('without a trusted proxy, ignores X-Forwarded-For: forged addresses share the socket address’s budget', async () => {
    const { get } = await appWith();
    const seen = [];
    for (const forged of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4']) seen.push(await get('10.0.0.1', forged));
    expect(seen.map((s) => s.status)).toEqual([401, 401, 401, 429]);
    expect(seen.every((s) => s.address === '10.0.0.1')).toBe(true);
    // Another address has a budget of its own.
    expect((await get('10.0.0.2', '1.1.1.1')).status).toBe(401);
  });

  it('with a trusted proxy, counts per forwarded address; X-Forwarded-For from anyone else is ignored', async () => {
    const { get } = await appWith({ trustProxy: ['10.0.0.0/24'] });
    for (let i = 0; i < 3; i++) expect((await get('10.0.0.1', '203.0.113.7')).status).toBe(401);
    expect(await get('10.0.0.1', '203.0.113.7')).toEqual({ status: 429, address: '203.0.113.7' });
    // Another citizen behind the same proxy is not limited with the first.
    expect(await get('10.0.0.1', '203.0.113.8')).toEqual({ status: 401, address: '203.0.113.8' });
    // A client reaching the server directly cannot claim an address.
    expect(await get('192.0.2.50', '203.0.113.9')).toEqual({ status: 401, address: '192.0.2.50' });
  });

  it('with a hop count, takes the address the nearest proxy saw, not what the client wrote before it', async () => {
    const { get } = await appWith({ trustProxy: 1 });
    const seen = [];
    for (const forged of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '4.4.4.4'])
      seen.push(await get('10.0.0.1', `${forged}, 198.51.100.4`));
    expect(seen.map((s) => s.status)).toEqual([401, 401, 401, 429]);
    expect(seen.every((s) => s.address === '198.51.100.4')).toBe(true);
  });

  it('gives two verified callers from one address separate budgets, and limits bad tokens by address', async () => {
    const { get } = await appWith();
    const worker = await h.token(actors.gridWorker);
    const staff = await h.token(actors.communityStaff);
    const statuses = async (token: string, n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await get('10.0.0.1', undefined, token)).status);
      return out;
    };
    expect(await statuses(worker, 4)).toEqual([200, 200, 200, 429]);
    expect(await statuses(staff, 4)).toEqual([200, 200, 200, 429]);
    // The same user in another tenant is another caller.
    expect((await get('10.0.0.1', undefined, await h.token(actors.gridWorker, 't-b'))).status).toBe(200);
    // Forged tokens are refused after being counted by address: a flood of them is limited too.
    expect(await statuses('x.y.z', 4)).toEqual([401, 401, 401, 429]);
    expect((await get('10.0.0.1')).status).toBe(429);
    // The verified callers' budgets were not spent by the forgeries of their address, nor the other way round.
    expect((await get('10.0.0.1', undefined, await h.token(actors.secretary))).status).toBe(200);
  });
});
