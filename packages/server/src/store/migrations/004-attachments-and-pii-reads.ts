import type { Migration } from './types.js';

/**
 * Schema version 4: attachments of cases and the audit of personal-data reads (written by the http module).
 *
 * Keys lead with the tenant, like every Gridflow table, so a distributed PostgreSQL can shard by tenant and keep
 * a case, its history, its attachments and its audit rows together.
 */
export const attachmentsAndPiiReadsMigration: Migration = {
  version: 4,
  name: 'attachments and personal-data read audit',
  statements: [
    `CREATE TABLE attachments (
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      case_id text COLLATE "C" NOT NULL,
      kind text NOT NULL CHECK (kind IN ('before', 'after', 'other')),
      filename text NOT NULL,
      content_type text NOT NULL,
      size integer NOT NULL CHECK (size >= 0),
      sha256 text NOT NULL,
      storage text NOT NULL CHECK (storage IN ('db', 'folder')),
      data bytea,
      path text,
      uploaded_by text NOT NULL,
      created_at bigint NOT NULL,
      PRIMARY KEY (tenant, id),
      FOREIGN KEY (tenant, case_id) REFERENCES cases (tenant, id) ON DELETE CASCADE,
      CHECK ((storage = 'db' AND data IS NOT NULL) OR (storage = 'folder' AND path IS NOT NULL))
    )`,
    `CREATE INDEX attachments_case ON attachments (tenant, case_id, created_at, id)`,
    `CREATE TABLE pii_reads (
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      case_id text COLLATE "C" NOT NULL,
      actor_id text NOT NULL,
      at bigint NOT NULL,
      fields text[] NOT NULL,
      PRIMARY KEY (tenant, id)
    )`,
    `CREATE INDEX pii_reads_case ON pii_reads (tenant, case_id, at)`,
    `CREATE INDEX pii_reads_actor ON pii_reads (tenant, actor_id, at)`,
  ],
};
