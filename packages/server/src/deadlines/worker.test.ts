import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createManualClock, type Actor } from '@gridflow/core';
import type { CaseChange } from '../context.js';
import { createGridflowServer, type GridflowServer } from '../server.js';
import { redactUrl } from '../store/index.js';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `gridflow_test_${randomBytes(5).toString('hex')}`;
const bj = (local: string): number => Date.parse(`${local}+08:00`);
const HOUR = 3_600_000;

const actor = (id: string, roles: string[], units: string[] = []): Actor => ({ id, roles, units });
const gridWorker = actor('u-grid-1', ['grid_worker'], ['grid:g-01']);
const communityStaff = actor('u-comm', ['community_staff'], ['community:c-01']);
const submission = {
  category: 'noise',
  title: '夜间施工噪声',
  description: '小区旁工地夜间施工',
  source: 'patrol',
  anonymous: false,
  reporter: { id: 'u-resident', name: '张三' },
  units: { grid: 'g-01', community: 'c-01', street: 's-01' },
  attributes: { location: '幸福小区 3 号楼', noise_source: 'construction' },
};

const admin = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
let adminConnected = false;
afterAll(async () => {
  if (!adminConnected) return;
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
  await admin.end();
});

const backends = [
  { name: 'PGlite', config: async () => ({ dataDir: 'memory://' }) },
  {
    name: 'PostgreSQL',
    config: async () => {
      if (!adminConnected) {
        try {
          await admin.connect();
          adminConnected = true;
        } catch (error) {
          throw new Error(
            `PostgreSQL does not answer at ${redactUrl(databaseUrl)} (${String(error)}); these tests are never skipped.`,
            { cause: error },
          );
        }
      }
      return { databaseUrl, databaseSchema: schema };
    },
  },
];

describe.each(backends)('deadline worker on $name', (backend) => {
  it('escalates a case when its deadline passes, with no HTTP request and no browser, and tells live clients', async () => {
    const base = createManualClock(bj('2026-03-02T09:00'));
    let server: GridflowServer | undefined;
    try {
      server = await createGridflowServer({
        config: { ...(await backend.config()), mode: 'demo', port: 0, tickIntervalMs: 60_000 },
        clock: base,
        seed: false,
      });
      const { ctx } = server;
      expect(server.startup.publishedDefaultPolicy).toBe(true);
      const runtime = await ctx.runtimeFor('demo');
      const changes: CaseChange[] = [];
      ctx.events.subscribe('demo', (c) => changes.push(c));

      const submitted = await runtime.submit({ process: 'gridEscalation', input: submission, actor: gridWorker });
      const filed = await runtime.send(
        submitted.id,
        { type: 'case.triage.file' },
        { actor: communityStaff, expectedVersion: 1 },
      );
      expect(filed.nextDueAt).not.toBeNull();
      await expect.poll(() => changes.map((c) => c.version)).toEqual([1, 2]);

      // Nothing is due yet: a look fires nothing.
      expect(await server.worker!.runOnce()).toEqual({ fired: 0, cases: 0 });

      // The demo clock jumps past the signing limit; the worker is woken by the clock (the interval is a minute).
      ctx.clock.advance(2 * HOUR);
      await expect
        .poll(
          async () =>
            (await runtime.history(filed.id, { actor: communityStaff })).some((e) => e.command === 'deadline.due'),
          {
            timeout: 10_000,
          },
        )
        .toBe(true);
      const history = await runtime.history(filed.id, { actor: communityStaff });
      const fired = history.filter((e) => e.command === 'deadline.due');
      expect(fired.length).toBeGreaterThan(0);
      expect(fired.every((e) => e.actor.id === 'system')).toBe(true);
      await expect.poll(() => changes.some((c) => c.command === 'deadline.due')).toBe(true);

      // Looking again fires nothing twice.
      const again = await server.worker!.runOnce();
      expect(again.fired).toBe(0);
      expect((await runtime.history(filed.id, { actor: communityStaff })).length).toBe(history.length);
      expect(server.worker!.totals.errors).toBe(0);
    } finally {
      await server?.close();
    }
  });
});
