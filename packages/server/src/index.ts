/** Gridflow server: the HTTP API and the CLI. */
export { buildApp, type AppOptions } from './http/app.js';
export { installErrorHandling, statusFor, type ErrorBody } from './http/errors.js';
export { main } from './cli/main.js';
