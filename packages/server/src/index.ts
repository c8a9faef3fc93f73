/**
 * Gridflow server: the durable service integrators deploy. Cases live in PGlite (embedded, the default) or
 * PostgreSQL; deadlines fire from the database in every server process; live updates cross processes; policies
 * go through review before they govern new cases.
 *
 * The API is what a host needs: the server and its options, the configuration (from the environment), the types
 * of what a started server holds (`server.ctx`), and opening and migrating a store. Errors are core's
 * `GridflowError`, told apart by `code` (`config.*`, `store.*`, …). The `gridflow` command is the package's bin.
 *
 * @example
 * import { createGridflowServer, loadConfig } from '@gridflow/server';
 * const server = await createGridflowServer({ config: loadConfig() });
 * console.log(await server.listen());
 *
 * @packageDocumentation
 */
export { createGridflowServer, type GridflowServer, type GridflowServerOptions } from './server.js';
export {
  assertStartable,
  CONFIG_VARIABLES,
  defaultConfig,
  loadConfig,
  type ConfigProblem,
  type ConfigVariable,
} from './config.js';
export {
  OrgUnitKind,
  type CaseChange,
  type CaseEventHub,
  type DirectoryUser,
  type OrgRepository,
  type OrgUnit,
  type PolicyRepository,
  type ServerClock,
  type ServerConfig,
  type ServerContext,
  type StoredPolicy,
} from './context.js';
export type { AttachmentStorage, S3Settings } from './attachments/index.js';
export type { DeadlineWorker, TickTotals } from './deadlines/index.js';
export {
  createPgliteClient,
  createPostgresClient,
  createSqlStore,
  DEFAULT_DATA_DIR,
  migrate,
  migrations,
  openPgliteClient,
  openStore,
  type MigrateOptions,
  type Migration,
  type MigrationReport,
  type OpenedStore,
  type OpenStoreOptions,
  type PostgresClientOptions,
  type SqlClient,
  type SqlDialect,
  type SqlExecutor,
  type SqlResult,
} from './store/index.js';
