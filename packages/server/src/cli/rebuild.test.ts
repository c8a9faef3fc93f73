import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import { loadConfig } from '../config.js';
import { noiseReport } from '../http/harness.js';
import { unitCounts } from '../indicators/index.js';
import { createGridflowServer } from '../server.js';
import { openStore } from '../store/index.js';
import { main, type CliIo } from './main.js';

/*
 * `gridflow indicators rebuild`: a database whose projection was lost (or predates it) gets the figures back from
 * history, the same as they were kept — on a PGlite data folder and on PostgreSQL.
 */

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = mkdtempSync(join(tmpdir(), 'gridflow-rebuild-'));
const schema = `gridflow_cli_${randomBytes(5).toString('hex')}`;
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

const gridWorker: Actor = { id: 'u-grid-1', roles: ['grid_worker'], units: ['grid:g-01'] };
const communityStaff: Actor = { id: 'u-comm', roles: ['community_staff'], units: ['community:c-01'] };

function io(env: Record<string, string>) {
  const lines: string[] = [];
  const value: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env };
  return { io: value, text: () => lines.join('\n') };
}

const engines = {
  pglite: { GRIDFLOW_DATA_DIR: join(dir, 'data') },
  postgres: { DATABASE_URL, GRIDFLOW_DB_SCHEMA: schema },
} satisfies Record<string, Record<string, string>>;

describe.each(Object.entries(engines))('gridflow indicators rebuild on %s', (_engine, env) => {
  it('rebuilds the projection from history with the figures it had', async () => {
    const config = loadConfig({ ...env, GRIDFLOW_DEMO_TENANT: 'district-a' });
    const server = await createGridflowServer({
      config,
      seed: false,
      worker: { enabled: false },
      log: () => undefined,
    });
    const from = server.ctx.clock.now() - 86_400_000;
    const to = server.ctx.clock.now() + 86_400_000;
    let kept;
    try {
      const runtime = await server.ctx.runtimeFor('district-a');
      for (let i = 0; i < 3; i++) {
        const c = await runtime.submit({ process: 'gridEscalation', input: noiseReport(), actor: gridWorker });
        if (i < 2) await runtime.send(c.id, { type: 'case.triage.file', input: {} }, { actor: communityStaff });
      }
      kept = await unitCounts(server.ctx.sql, 'district-a', from, to, 'grid:g-01');
      expect(kept).toMatchObject({ filed: 2, dispatched: 2 });
    } finally {
      await server.close();
    }

    const lose = async () => {
      const opened = await openStore(
        config.databaseUrl ? { databaseUrl: DATABASE_URL, schema } : { dataDir: config.dataDir },
      );
      try {
        await opened.client.query('DELETE FROM indicator_events');
        expect(await unitCounts(opened.client, 'district-a', from, to, 'grid:g-01')).toMatchObject({ filed: 0 });
      } finally {
        await opened.close();
      }
    };
    await lose();

    const run = io(env);
    expect(await main(['indicators', 'rebuild', '--tenant', 'district-a', '--lang', 'en'], run.io)).toBe(0);
    expect(run.text()).toMatch(/Rebuilt the indicator projection from history: 1 tenant\(s\), 3 cases/);

    const opened = await openStore(
      config.databaseUrl ? { databaseUrl: DATABASE_URL, schema } : { dataDir: config.dataDir },
    );
    try {
      expect(await unitCounts(opened.client, 'district-a', from, to, 'grid:g-01')).toEqual(kept);
    } finally {
      await opened.close();
    }

    // Without --tenant, every tenant; `indicators` alone is a usage mistake.
    const all = io(env);
    expect(await main(['indicators', 'rebuild'], all.io)).toBe(0);
    expect(all.text()).toMatch(/3 件案件/);
    expect(await main(['indicators'], io(env).io)).toBe(2);
  }, 120_000);
});
