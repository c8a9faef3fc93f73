import type { Migration } from './types.js';

/**
 * Schema version 3: organisation units and directory users.
 *
 * `org_units` holds the tree (district → street → community → grid → compound → building) and the units beside
 * it (departments, property companies, owners' committees), each with an optional GeoJSON boundary (WGS 84) that
 * `locate` searches. `directory_users` holds the users the server knows itself (the demo users; production users
 * arrive in JWTs). Both lead their primary key with the tenant, like every Gridflow table, so a distributed
 * PostgreSQL can shard them with the tenant's cases.
 */
export const orgUnitsMigration: Migration = {
  version: 3,
  name: 'organisation units and directory users',
  statements: [
    `CREATE TABLE org_units (
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      kind text NOT NULL,
      parent_id text COLLATE "C",
      name jsonb NOT NULL,
      boundary jsonb,
      attributes jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (tenant, id),
      CONSTRAINT org_units_not_own_parent CHECK (parent_id IS NULL OR parent_id <> id)
    )`,
    // Children of a unit (the tree API), and the units of one kind (grids for locate).
    `CREATE INDEX org_units_tenant_parent ON org_units (tenant, parent_id)`,
    `CREATE INDEX org_units_tenant_kind ON org_units (tenant, kind, id)`,
    `CREATE TABLE directory_users (
      tenant text COLLATE "C" NOT NULL,
      id text COLLATE "C" NOT NULL,
      name text NOT NULL,
      roles text[] NOT NULL DEFAULT '{}',
      units text[] NOT NULL DEFAULT '{}',
      PRIMARY KEY (tenant, id)
    )`,
  ],
};
