/**
 * The durable case store: a small SQL driver interface over PostgreSQL and PGlite, versioned migrations, the
 * SQL `CaseStore` and `openStore()` that puts them together.
 */
export {
  quoteIdent,
  sqlState,
  SqlStates,
  type SqlClient,
  type SqlDialect,
  type SqlExecutor,
  type SqlResult,
} from './sql.js';
export { createPgliteClient, openPgliteClient } from './pglite.js';
export { createPostgresClient, type PostgresClientOptions } from './postgres.js';
export { migrate, type MigrateOptions, type MigrationReport } from './migrate.js';
export { migrations, type Migration } from './migrations/index.js';
export { createSqlStore } from './sqlStore.js';
export {
  DEFAULT_DATA_DIR,
  LOCK_FILE,
  lockDataDir,
  openStore,
  redactUrl,
  type OpenedStore,
  type OpenStoreOptions,
} from './openStore.js';
