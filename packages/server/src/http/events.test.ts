import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import type { CaseChange } from '../context.js';
import { buildHttpApp } from './app.js';
import { actors, ENGINES, JWT_SECRET, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';

/** `GET /api/v1/events`: server-sent events of case changes, only of cases the caller may see. */

type Json = Record<string, any>;

/** An open event stream: the events received so far, and a way to wait for one. */
interface Stream {
  status: number;
  headers: IncomingMessage['headers'];
  events: Json[];
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  next(predicate: (event: Json) => boolean, timeoutMs?: number): Promise<Json>;
  close(): void;
}

function connect(base: string, token: string | undefined): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/api/v1/events${token ? `?access_token=${encodeURIComponent(token)}` : ''}`);
    const req = httpRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      const events: Json[] = [];
      const waiters: { predicate: (e: Json) => boolean; resolve: (e: Json) => void }[] = [];
      let buffer = '';
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as Json;
          events.push(event);
          for (const w of [...waiters]) {
            if (!w.predicate(event)) continue;
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(event);
          }
        }
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        next: (predicate, timeoutMs = 5_000) =>
          new Promise((ok, fail) => {
            const found = events.find(predicate);
            if (found) return ok(found);
            const timer = setTimeout(() => fail(new Error('no such event in time')), timeoutMs);
            waiters.push({ predicate, resolve: (e) => (clearTimeout(timer), ok(e)) });
          }),
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(ENGINES)('live case changes on %s', (engine) => {
  let h: Harness;
  let base: string;
  const streams: Stream[] = [];
  beforeAll(async () => {
    h = await startHarness(engine);
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await h?.close();
  });

  const open = async (as: Actor) => {
    const s = await connect(base, await h.token(as));
    streams.push(s);
    return s;
  };

  it('delivers changes of visible cases only', async () => {
    const worker = await open(actors.gridWorker);
    const other = await open(actors.otherGridWorker);
    expect(worker.status).toBe(200);
    expect(worker.headers['content-type']).toContain('text/event-stream');
    const mine = (
      await h.request(actors.gridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: { process: 'gridEscalation', input: noiseReport() },
      })
    ).json() as Json;
    const theirs = (
      await h.request(actors.otherGridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: {
          process: 'gridEscalation',
          input: noiseReport({ units: { grid: 'g-02', community: 'c-02', street: 's-02' } }),
        },
      })
    ).json() as Json;
    const seen = await worker.next((e) => e.change.caseId === mine.id);
    expect(seen).toMatchObject({
      change: { caseId: mine.id, version: 1, state: 'triage', command: 'case.submit' },
      case: { id: mine.id, summary: { units: expect.arrayContaining(['grid:g-01']) } },
    });
    expect(JSON.stringify(seen)).not.toContain('13800001234');
    await other.next((e) => e.change.caseId === theirs.id);
    // A command on the first case reaches its grid worker; the other worker never hears of it.
    await h.request(actors.communityStaff, {
      method: 'POST',
      url: `/api/v1/cases/${mine.id}/commands`,
      payload: { type: 'case.triage.file', expectedVersion: 1 },
    });
    await worker.next((e) => e.change.caseId === mine.id && e.change.version === 2);
    const marker = (
      await h.request(actors.otherGridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: {
          process: 'gridEscalation',
          input: noiseReport({ units: { grid: 'g-02', community: 'c-02', street: 's-02' } }),
        },
      })
    ).json() as Json;
    await other.next((e) => e.change.caseId === marker.id);
    expect(other.events.some((e) => e.change.caseId === mine.id)).toBe(false);
    expect(worker.events.some((e) => e.change.caseId === theirs.id)).toBe(false);
  });

  it('ends a stream when its token expires, saying so', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const token = await new SignJWT({
      tenant: TENANTS[0],
      roles: actors.gridWorker.roles,
      units: actors.gridWorker.units,
    })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-short-lived')
      .setExpirationTime(exp)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const s = await connect(base, token);
    streams.push(s);
    expect(s.status).toBe(200);
    await s.ended;
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    expect(s.events.at(-1)).toEqual({ reason: 'token_expired' });
    expect(h.app.eventStreams().some((e) => e.user === 'u-short-lived')).toBe(false);
  });

  it('lets a caller open a few streams at once, and answers 429 events.too_many_streams beyond', async () => {
    const mine = [];
    for (let i = 0; i < 5; i++) mine.push(await open(actors.secretary));
    expect(mine.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
    const refused = await h.app.inject({
      method: 'GET',
      url: '/api/v1/events',
      headers: { authorization: `Bearer ${await h.token(actors.secretary)}` },
    });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({
      code: 'events.too_many_streams',
      message_zh: expect.any(String),
      message_en: expect.any(String),
    });
    // The same user id in another tenant, and another user, are other callers.
    expect((await open(actors.leader)).status).toBe(200);
    const elsewhere = await connect(base, await h.token(actors.secretary, TENANTS[1]));
    streams.push(elsewhere);
    expect(elsewhere.status).toBe(200);
    // A closed stream frees its place.
    mine[0]!.close();
    while (h.app.eventStreams().filter((e) => e.user === actors.secretary.id && e.tenant === TENANTS[0]).length > 4)
      await sleep(10);
    expect((await open(actors.secretary)).status).toBe(200);
  });

  it('refuses a stream without a valid token', async () => {
    const anonymous = await connect(base, undefined);
    streams.push(anonymous);
    expect(anonymous.status).toBe(401);
    const forged = await connect(base, 'x.y.z');
    streams.push(forged);
    expect(forged.status).toBe(401);
  });
});

/** A reader that opens a stream and then never reads: the server must cut it off, not buffer for it. */
describe.each(ENGINES)('a stream nobody reads on %s', (engine) => {
  const LIMIT = 64 * 1024;
  let h: Harness;
  let app: Awaited<ReturnType<typeof buildHttpApp>>;
  let socket: Socket | undefined;
  const logged: Json[] = [];
  beforeAll(async () => {
    h = await startHarness(engine);
    app = await buildHttpApp(
      {
        ...h.ctx,
        config: { ...h.ctx.config, logLevel: 'warn', events: { maxStreamsPerCaller: 5, maxBufferBytes: LIMIT } },
      },
      { logStream: { write: (line) => logged.push(JSON.parse(line) as Json) } },
    );
  });
  afterAll(async () => {
    socket?.destroy();
    await app?.close();
    await h?.close();
  });

  it('is closed once more than the limit piles up unread, its buffer never far past the limit', async () => {
    const created = await h.request(actors.gridWorker, {
      method: 'POST',
      url: '/api/v1/cases',
      payload: { process: 'gridEscalation', input: noiseReport() },
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as Json).id as string;
    const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
    const token = await h.token(actors.gridWorker);

    // A raw socket: the request, the response head, then no more reading.
    const s = netConnect(Number(address.port), address.hostname);
    socket = s;
    const closed = new Promise<void>((done) => s.on('close', () => done()));
    s.on('error', () => undefined);
    const head = await new Promise<string>((resolve) => {
      let text = '';
      const onData = (chunk: Buffer) => {
        text += chunk.toString('latin1');
        if (!text.includes('\r\n\r\n')) return;
        s.off('data', onData);
        s.pause();
        resolve(text);
      };
      s.on('data', onData);
      s.write(`GET /api/v1/events?access_token=${token} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n`);
    });
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    const mineOpen = () => app.eventStreams().find((e) => e.user === actors.gridWorker.id);
    await expect.poll(() => mineOpen() !== undefined).toBe(true);

    const change: CaseChange = {
      tenant: TENANTS[0],
      caseId: id,
      version: 1,
      state: 'triage',
      command: 'case.submit',
      at: Date.now(),
    };
    let peak = 0;
    let rounds = 0;
    // 20,000 events of about 1 kB (far more than socket buffers hold), then time for them to arrive, until cut off.
    while (mineOpen() !== undefined && rounds < 1_500) {
      if (rounds < 100)
        // Each a little different: PostgreSQL delivers identical notifications of one transaction once.
        await (h.ctx.events as { publishMany(c: CaseChange[]): Promise<void> }).publishMany(
          Array.from({ length: 200 }, (_, i) => ({ ...change, at: change.at + rounds * 1000 + i })),
        );
      rounds++;
      await sleep(rounds < 100 ? 5 : 20);
      peak = Math.max(peak, mineOpen()?.bufferedBytes ?? 0);
    }
    expect(mineOpen()).toBeUndefined();
    // Bounded: never more than the limit and the one event that crossed it (the cut is checked after each write,
    // so what it logs is the most the stream ever held).
    const cut = logged.find((l) => l.msg === 'event stream closed: its reader fell behind');
    expect(cut?.bufferedBytes).toBeGreaterThan(LIMIT);
    expect(cut?.bufferedBytes).toBeLessThanOrEqual(LIMIT + 16 * 1024);
    expect(peak).toBeLessThanOrEqual(LIMIT + 16 * 1024);
    // The server closed the connection: the reader, resuming, reaches its end.
    s.resume();
    await closed;
  });
});
