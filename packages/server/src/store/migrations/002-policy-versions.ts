import type { Migration } from './types.js';

/**
 * Schema version 2: policy versions and their workflow, and one-time deployment flags (e.g. "demo data seeded",
 * claimed by exactly one of several processes starting together). Keys lead with the tenant, like every table.
 */
export const policyVersionsMigration: Migration = {
  version: 2,
  name: 'policy versions and their workflow',
  statements: [
    `CREATE TABLE policy_versions (
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      version integer NOT NULL CHECK (version > 0),
      status text NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'retired')),
      document jsonb NOT NULL,
      author text NOT NULL,
      editors text[] NOT NULL DEFAULT '{}',
      reviewed_by text,
      review_note text,
      reviewed_at bigint,
      approved_at bigint,
      effective_from bigint,
      created_at bigint NOT NULL,
      updated_at bigint NOT NULL,
      published_at bigint,
      PRIMARY KEY (tenant, id, version)
    )`,
    // What runtimes load: the versions cases may be pinned to.
    `CREATE INDEX policy_versions_live ON policy_versions (tenant, id, version) WHERE status IN ('published', 'retired')`,
    `CREATE TABLE deployment_flags (
      tenant text COLLATE "C" NOT NULL,
      key text COLLATE "C" NOT NULL,
      value jsonb NOT NULL,
      set_at bigint NOT NULL,
      PRIMARY KEY (tenant, key)
    )`,
    // Open cases per policy version (the designer shows how many cases a version governs).
    `CREATE INDEX cases_tenant_policy_open ON cases (tenant, policy_id, policy_version) WHERE open`,
  ],
};
