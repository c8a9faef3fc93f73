import type { Migration } from './types.js';

/**
 * Schema version 1: cases and their history.
 *
 * Every table carries its tenant and every primary key leads with it, so a distributed PostgreSQL (Citus) can
 * shard by tenant and co-locate a case with its history. Ids and states use the "C" collation: byte order, the
 * same as JavaScript's `<` for ids, cheaper to compare, and usable by B-tree indexes for `LIKE 'prefix.%'`.
 */
export const casesAndHistoryMigration: Migration = {
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
};
