/** Live updates: case changes from every server process to SSE clients (PostgreSQL LISTEN/NOTIFY or in-process). */
export {
  CASE_CHANNEL,
  createEventHub,
  currentSchema,
  parseChange,
  type EventHub,
  type EventHubOptions,
} from './eventHub.js';
export { changesOf, observeStore } from './observeStore.js';
