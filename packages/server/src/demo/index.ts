/**
 * The demo tenant: the 宿城区 district with its streets, communities, grids (with map boundaries), departments and
 * compounds, a user for every role, the default policy published, and a few hundred historical cases in every
 * state of the three processes, played through the runtime.
 */
export {
  DEMO_TENANT,
  demoLogins,
  seedDemo,
  type DemoLogin,
  type DemoSeedContext,
  type SeedDemoOptions,
  type SeedDemoReport,
} from './seed.js';
export {
  demoUnits,
  DEMO_COMMUNITIES,
  DEMO_COMPOUNDS,
  DEMO_DEPARTMENTS,
  DEMO_DISTRICT,
  DEMO_GRIDS,
  DEMO_STREETS,
} from './org.js';
export { demoDirectory, demoUsers, type DemoUser } from './users.js';
