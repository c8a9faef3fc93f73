import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import { actors, ENGINES, noiseReport, startHarness, type Harness } from './harness.js';

/** `GET /api/v1/events`: server-sent events of case changes, only of cases the caller may see. */

type Json = Record<string, any>;

/** An open event stream: the events received so far, and a way to wait for one. */
interface Stream {
  status: number;
  headers: IncomingMessage['headers'];
  events: Json[];
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

  it('refuses a stream without a valid token', async () => {
    const anonymous = await connect(base, undefined);
    streams.push(anonymous);
    expect(anonymous.status).toBe(401);
    const forged = await connect(base, 'x.y.z');
    streams.push(forged);
    expect(forged.status).toBe(401);
  });
});
