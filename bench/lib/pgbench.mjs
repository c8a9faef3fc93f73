// pgbench running the runtime's transaction shape on Gridflow's own tables — lock the case, update its snapshot and
// version, append a history row (which fires the same case_history trigger) — so a suite can set the persisted
// transitions it measures next to what PostgreSQL itself does with the same SQL. Shared by bench/server.mjs and
// bench/http.mjs; bench/run.mjs only runs the files directly in bench/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Inserts the 8 cases pgbench's clients work on (`p0`…`p7` of tenant `pgbench`). */
export async function insertPgbenchCases(sql) {
  await sql.query(
    `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot, summary, open, created_at, updated_at)
     SELECT 'pgbench', 'p' || g, 'bench', 1, 'default', 1, 'open', 0, '{"value": "open", "context": {"touches": 0, "deadlines": []}}', '{"units": [], "open": true}', true, 0, 0
       FROM generate_series(0, 7) AS g`,
  );
}

/**
 * Transactions per second of pgbench with `clients` clients for `seconds`, on `schema` of `databaseUrl`. The
 * statements are prepared once per connection (`-M prepared`), as the SQL store prepares its own.
 */
export function pgbench(databaseUrl, schema, { clients, seconds, command }) {
  const dir = mkdtempSync(join(tmpdir(), 'gridflow-pgbench-'));
  try {
    const script = join(dir, 'transition.sql');
    writeFileSync(
      script,
      `BEGIN;
SELECT snapshot, version FROM cases WHERE tenant = 'pgbench' AND id = 'p' || :client_id FOR UPDATE;
UPDATE cases SET version = version + 1, snapshot = jsonb_set(snapshot, '{context,touches}', to_jsonb(version + 1)), summary = summary, updated_at = updated_at + 1
 WHERE tenant = 'pgbench' AND id = 'p' || :client_id RETURNING version AS v \\gset
INSERT INTO case_history (tenant, case_id, seq, at, actor, command, input, from_state, to_state, policy_id, policy_version, decisions)
 VALUES ('pgbench', 'p' || :client_id, :v, 0, '{"id":"system","roles":["system"]}', '${command}', '{}', 'open', 'open', 'default', 1, '[]');
COMMIT;
`,
    );
    const url = new URL(databaseUrl);
    const args = ['-n', '-M', 'prepared', '-f', script, '-T', String(seconds), '-c', String(clients)];
    args.push('-j', String(Math.min(clients, 4)), '-h', url.hostname || '127.0.0.1', '-p', url.port || '5432');
    args.push(
      '-U',
      decodeURIComponent(url.username || 'postgres'),
      decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    );
    const env = {
      ...process.env,
      PGOPTIONS: `-c search_path=${schema}`,
      ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
    };
    const out = spawnSync('pgbench', args, { encoding: 'utf8', env });
    if (out.error || out.status !== 0) throw new Error(`pgbench failed: ${out.error?.message ?? out.stderr}`);
    const tps = /tps = ([\d.]+)/.exec(out.stdout);
    if (!tps) throw new Error(`pgbench printed no tps:\n${out.stdout}`);
    return Number(tps[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
