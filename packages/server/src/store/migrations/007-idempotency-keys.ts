import type { Migration } from './types.js';

/**
 * Schema version 7: idempotency keys of submissions, each owned by its caller (`caller:<id>`) or, for an
 * anonymous report, by the hash of its body (`anonymous:<sha256>`); see `http/idempotency.ts`. A key's row is
 * inserted `pending` before its submission runs, so a second request with the key, in any server process on the
 * database, sees it in flight.
 */
export const idempotencyKeysMigration: Migration = {
  version: 7,
  name: 'idempotency keys per caller',
  statements: [
    `CREATE TABLE idempotency_keys (
      tenant text COLLATE "C" NOT NULL,
      scope text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      request_hash text NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'done')),
      claim text NOT NULL,
      case_id text COLLATE "C",
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      PRIMARY KEY (tenant, scope, key),
      CHECK (status = 'pending' OR case_id IS NOT NULL)
    )`,
  ],
};
