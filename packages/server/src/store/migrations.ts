import { GridflowError } from '@gridflow/core';
import { quoteIdent, type SqlClient, type SqlDialect, type SqlExecutor } from './sql.js';
import { policiesMigration } from '../policies/migration.js';
import { orgMigration } from '../org/migration.js';
import { httpMigration } from '../http/migration.js';
import { liveMigration } from '../live/migration.js';
import { attachmentsMigration } from '../attachments/migration.js';
import { idempotencyKeysMigration } from './migrations/007-idempotency-keys.js';
import { indicatorEventsMigration } from './migrations/008-indicator-events.js';

/**
 * One schema change. Versions are 1, 2, 3… with no gaps; a released migration is never edited, only followed
 * by a new one. Each statement is run on its own (PGlite's extended protocol takes one statement per query).
 */
export interface Migration {
  version: number;
  name: string;
  /** SQL run in order; one given as `{ sql, only }` runs only on that engine. */
  statements: readonly (string | { sql: string; only: SqlDialect })[];
}

/**
 * Gridflow's schema, oldest first. Append new migrations at the end.
 *
 * Every table carries its tenant and every primary key leads with it, so a distributed PostgreSQL (Citus) can
 * shard by tenant and co-locate a case with its history. Ids and states use the "C" collation: byte order, the
 * same as JavaScript's `<` for ids, cheaper to compare, and usable by B-tree indexes for `LIKE 'prefix.%'`.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'cases and history',
    statements: [
      `CREATE TABLE cases (
        tenant text COLLATE "C" NOT NULL,
        id text COLLATE "C" NOT NULL,
        process text NOT NULL,
        process_version integer NOT NULL,
        policy_id text NOT NULL,
        policy_version integer NOT NULL,
        state text COLLATE "C" NOT NULL,
        version integer NOT NULL,
        snapshot jsonb NOT NULL,
        summary jsonb NOT NULL,
        level text,
        units text[] NOT NULL DEFAULT '{}',
        category text,
        reporter_id text,
        handler_id text,
        title text,
        open boolean NOT NULL,
        next_due_at bigint,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        idempotency_key text,
        PRIMARY KEY (tenant, id),
        CONSTRAINT cases_idempotency_key UNIQUE (tenant, idempotency_key)
      )`,
      // The deadline worker: due cases of all tenants, earliest first.
      `CREATE INDEX cases_due ON cases (next_due_at, id, tenant) WHERE next_due_at IS NOT NULL`,
      // Inboxes and lists: by units (overlap), state (prefix), and the sort keys with id for keyset paging.
      `CREATE INDEX cases_units ON cases USING gin (units)`,
      `CREATE INDEX cases_tenant_state ON cases (tenant, state)`,
      // The deadline sort key of sqlStore.ts: no deadline sorts last in ascending order.
      `CREATE INDEX cases_tenant_next_due ON cases (tenant, (COALESCE(next_due_at, 9223372036854775807)), id)`,
      `CREATE INDEX cases_tenant_created ON cases (tenant, created_at, id)`,
      `CREATE TABLE case_history (
        tenant text COLLATE "C" NOT NULL,
        case_id text COLLATE "C" NOT NULL,
        seq integer NOT NULL,
        at bigint NOT NULL,
        actor jsonb NOT NULL,
        command text NOT NULL,
        input jsonb NOT NULL,
        from_state text NOT NULL,
        to_state text NOT NULL,
        policy_id text NOT NULL,
        policy_version integer NOT NULL,
        decisions jsonb NOT NULL,
        PRIMARY KEY (tenant, case_id, seq),
        FOREIGN KEY (tenant, case_id) REFERENCES cases (tenant, id) ON DELETE CASCADE
      )`,
      `CREATE INDEX case_history_tenant_at ON case_history (tenant, at)`,
    ],
  },
  // Later migrations live next to the module that owns their tables.
  policiesMigration,
  orgMigration,
  httpMigration,
  liveMigration,
  attachmentsMigration,
  // New migrations live in ./migrations/NNN-what.ts.
  idempotencyKeysMigration,
  indicatorEventsMigration,
];

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
 * const sql = createPostgresClient({ connectionString, schema: 'gridflow' });
 * await migrate(sql, { schema: 'gridflow' }); // { applied: [1], version: 1 }
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
