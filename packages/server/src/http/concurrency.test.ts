import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGridflowServer } from '../server.js';
import { recipes } from './fixtures.js';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';

/**
 * Two clients act on one case at once, over real HTTP connections: exactly one wins, the other gets 409
 * `case.conflict`, and nothing is lost — the winner's change is in the history once, the loser's not at all, and
 * the loser succeeds when it retries with the new version.
 */

const [T] = TENANTS;
const ROUNDS = 15;

describe.each(ENGINES)('concurrency on %s', (engine) => {
  let h: Harness;
  let base: string;
  beforeAll(async () => {
    h = await startHarness(engine);
    base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const post = async (
    as: (typeof actors)[keyof typeof actors],
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await h.token(as)}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it(`two clients give commands on one case at once, ${ROUNDS} times: one wins, the other gets 409, nothing is lost`, async () => {
    let wins = 0;
    let conflicts = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A dispatched case: one grid worker signs for it while a community worker re-dispatches it.
      const fx = await recipes['case.sign']!(h.ctx, T, 'grid_worker');
      const [a, b] = await Promise.all([
        post(actors.gridWorker, `/api/v1/cases/${fx.caseId}/commands`, {
          type: 'case.sign',
          input: { note: `round ${round}` },
          expectedVersion: fx.version,
        }),
        post(actors.secretary, `/api/v1/cases/${fx.caseId}/commands`, {
          type: 'case.remind',
          input: { note: `round ${round}` },
          expectedVersion: fx.version,
        }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, JSON.stringify([a, b])).toEqual([200, 409]);
      wins++;
      conflicts++;
      const loser = a.status === 409 ? a : b;
      expect(loser.body.code).toBe('case.conflict');
      expect(loser.body.message_zh).toBeTruthy();

      const history = await h.ctx.store.history(T, fx.caseId);
      const winnerCommand = a.status === 200 ? 'case.sign' : 'case.remind';
      const loserCommand = a.status === 200 ? 'case.remind' : 'case.sign';
      const since = history.filter((e) => e.seq > fx.version);
      expect(since.map((e) => e.command)).toEqual([winnerCommand]);

      // The loser re-reads and tries again: its change is kept too.
      const current = (await h.ctx.store.getCase(T, fx.caseId))!;
      const retry =
        loserCommand === 'case.sign'
          ? await post(actors.gridWorker, `/api/v1/cases/${fx.caseId}/commands`, {
              type: 'case.sign',
              input: {},
              expectedVersion: current.version,
            })
          : await post(actors.secretary, `/api/v1/cases/${fx.caseId}/commands`, {
              type: 'case.remind',
              input: {},
              expectedVersion: current.version,
            });
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
      const after = await h.ctx.store.history(T, fx.caseId);
      expect(
        after
          .filter((e) => e.seq > fx.version)
          .map((e) => e.command)
          .sort(),
      ).toEqual(['case.remind', 'case.sign']);
      expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
    }
    console.log(`[${engine}] concurrency: ${ROUNDS} rounds, ${wins} wins, ${conflicts} conflicts (409)`);
  });

  it('the same command twice at once with one version: one applies, one 409', async () => {
    const fx = await recipes['case.feedback']!(h.ctx, T, 'grid_worker');
    const body = { type: 'case.feedback', input: { note: '已处理' }, expectedVersion: fx.version };
    const results = await Promise.all([
      post(actors.gridWorker, `/api/v1/cases/${fx.caseId}/commands`, body),
      post(actors.gridWorker2, `/api/v1/cases/${fx.caseId}/commands`, body),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const history = await h.ctx.store.history(T, fx.caseId);
    expect(history.filter((e) => e.command === 'case.feedback')).toHaveLength(1);
  });

  it('submissions with one Idempotency-Key at once create one case; the others are in flight (409) or replay it', async () => {
    const key = `idem-${engine}-${Date.now()}`;
    const body = { process: 'gridEscalation', input: noiseReport({ title: `幂等 ${key}` }) };
    const results = await Promise.all(
      [0, 1, 2].map(() => post(actors.gridWorker, '/api/v1/cases', body, { 'idempotency-key': key })),
    );
    expect(
      results.every((r) => r.status === 200 || r.status === 201 || r.status === 409),
      JSON.stringify(results),
    ).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.code).toBe('idempotency.in_flight');
    const ids = new Set(results.filter((r) => r.status !== 409).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const { rows } = await h.ctx.sql.query<{ n: number | string }>(
      'SELECT count(*) AS n FROM cases WHERE tenant = $1 AND title = $2',
      [T, `幂等 ${key}`],
    );
    expect(Number(rows[0]!.n)).toBe(1);
    // Once the first is done, a retry replays it.
    const retry = await post(actors.gridWorker, '/api/v1/cases', body, { 'idempotency-key': key });
    expect([retry.status, retry.body.id]).toEqual([200, [...ids][0]]);
  });

  if (engine === 'postgres') {
    it('two server processes on one database see each other’s keys in flight: one case per key', async () => {
      // A second server on the same schema, as a second process of a deployment would be.
      const second = await createGridflowServer({
        config: { ...h.ctx.config },
        clock: h.clock,
        seed: false,
        worker: { enabled: false },
        log: () => undefined,
      });
      try {
        const base2 = await second.app.listen({ port: 0, host: '127.0.0.1' });
        const to = async (url: string, key: string, title: string) => {
          const res = await fetch(`${url}/api/v1/cases`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${await h.token(actors.gridWorker)}`,
              'content-type': 'application/json',
              'idempotency-key': key,
            },
            body: JSON.stringify({ process: 'gridEscalation', input: noiseReport({ title }) }),
          });
          return { status: res.status, body: (await res.json()) as Record<string, unknown> };
        };
        for (let round = 0; round < 8; round++) {
          const key = `two-processes-${round}-${Date.now()}`;
          const title = `两进程 ${key}`;
          const results = await Promise.all([to(base, key, title), to(base2, key, title)]);
          const statuses = results.map((r) => r.status).sort();
          expect(
            [
              [200, 201],
              [201, 409],
            ],
            JSON.stringify(results),
          ).toContainEqual(statuses);
          const { rows } = await h.ctx.sql.query<{ n: number | string }>(
            'SELECT count(*) AS n FROM cases WHERE tenant = $1 AND title = $2',
            [T, title],
          );
          expect(Number(rows[0]!.n)).toBe(1);
          // Either process replays it afterwards.
          const [r1, r2] = await Promise.all([to(base, key, title), to(base2, key, title)]);
          expect([r1.status, r2.status]).toEqual([200, 200]);
          expect(r1.body.id).toBe(r2.body.id);
        }
      } finally {
        await second.close();
      }
    });
  }
});
