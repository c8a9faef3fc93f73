import { GridflowError } from '@gridflow/core';
import { quoteIdent, type SqlClient, type SqlExecutor } from './sql.js';
import { migrations, type Migration } from './migrations/index.js';

/** What {@link migrate} did. */
export interface MigrationReport {
  /** Versions applied by this call, in order (empty when the schema was up to date). */
  applied: number[];
  /** The schema version after the call. */
  version: number;
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Creates this schema first if it is missing (the client's `search_path` should name it). */
  schema?: string;
  /** The migrations to apply; default: Gridflow's {@link migrations}. */
  migrations?: readonly Migration[];
}

/** First key of the advisory lock migrations hold: 'grid' in ASCII. The second is the hashed `search_path`. */
const LOCK_KEY = 0x67726964;

/**
 * Brings the schema up to date. Each pending migration runs once, in its own transaction, which first takes a
 * transaction-scoped advisory lock (per `search_path`), so several server processes starting together apply
 * each migration exactly once: the others wait, then find it applied. Refuses a database whose schema is
 * newer than this code knows (`store.schema_too_new`).
 *
 * @example
 * const sql = await openPgliteClient();
 * await migrate(sql); // { applied: [1, 2, 3, 4, 5, 6, 7, 8], version: 8 }
 * await migrate(sql); // { applied: [], version: 8 }
 */
export async function migrate(client: SqlClient, options: MigrateOptions = {}): Promise<MigrationReport> {
  const list = [...(options.migrations ?? migrations)].sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new TypeError(`Migrations must be numbered 1, 2, 3… without gaps; found ${m.version} at position ${i + 1}`);
  });
  const latest = list.length;
  const applied: number[] = [];
  for (;;) {
    const step = await client.transaction(async (q) => {
      await q.query(`SELECT pg_advisory_xact_lock($1, hashtext(current_setting('search_path')))`, [LOCK_KEY]);
      if (options.schema !== undefined) await ensureSchema(q, options.schema);
      const current = await currentVersion(q);
      if (current > latest) {
        throw new GridflowError('store.schema_too_new', {
          zh: `数据库结构版本为 ${current}，比本程序支持的版本 ${latest} 新：请升级 Gridflow。`,
          en: `The database schema is at version ${current}, newer than the ${latest} this Gridflow knows: upgrade Gridflow.`,
        });
      }
      const next = list[current];
      if (!next) return { version: current, applied: undefined };
      for (const statement of next.statements) {
        if (typeof statement === 'string') await q.query(statement);
        else if (statement.only === client.dialect) await q.query(statement.sql);
      }
      await q.query('INSERT INTO gridflow_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        next.version,
        next.name,
        Date.now(),
      ]);
      return { version: next.version, applied: next.version };
    });
    if (step.applied === undefined) return { applied, version: step.version };
    applied.push(step.applied);
  }
}

async function currentVersion(q: SqlExecutor): Promise<number> {
  await q.query(`CREATE TABLE IF NOT EXISTS gridflow_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at bigint NOT NULL
  )`);
  const { rows } = await q.query<{ version: number | null }>('SELECT max(version) AS version FROM gridflow_migrations');
  return Number(rows[0]?.version ?? 0);
}

/** Creates a schema when missing; checks first, since creating (even `IF NOT EXISTS`) needs a privilege. */
async function ensureSchema(q: SqlExecutor, schema: string): Promise<void> {
  const quoted = quoteIdent(schema);
  const { rows } = await q.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (rows.length === 0) await q.query(`CREATE SCHEMA ${quoted}`);
}
