/**
 * Gridflow server: the durable service integrators deploy. Cases live in PGlite (embedded, the default) or
 * PostgreSQL; deadlines fire from the database in every server process; live updates cross processes; policies
 * go through review before they govern new cases.
 *
 * @example
 * import { createGridflowServer, loadConfig } from '@gridflow/server';
 * const server = await createGridflowServer({ config: loadConfig() });
 * console.log(await server.listen());
 *
 * @packageDocumentation
 */
export {
  createGridflowServer,
  seedOnce,
  DEMO_SEEDED_FLAG,
  type GridflowServer,
  type GridflowServerOptions,
} from './server.js';
export {
  assertStartable,
  CONFIG_VARIABLES,
  defaultConfig,
  loadConfig,
  type ConfigProblem,
  type ConfigVariable,
} from './config.js';
export { createServerClock, MAX_CLOCK_SPEED, type ServerClockOptions } from './clock.js';
export { scopeRuntime } from './tenantRuntime.js';
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
export * from './store/index.js';
export * from './policies/index.js';
export * from './live/index.js';
export * from './deadlines/index.js';
export { createOrgRepository, type OrgRepositoryOptions } from './org/index.js';
export { buildHttpApp, type HttpAppOptions } from './http/index.js';
export {
  createAttachmentStore,
  createFolderBlobStore,
  createS3BlobStore,
  type AttachmentStorage,
  type AttachmentStore,
  type AttachmentStoreOptions,
  type BlobStore,
  type S3Settings,
} from './attachments/index.js';
export { seedDemo, type SeedDemoOptions, type SeedDemoReport } from './demo/index.js';
export { main } from './cli/main.js';
export { createTenant, tenantExists, type CreatedTenant, type NewTenant, type TenantDeps } from './tenants.js';
export * from './indicators/index.js';
