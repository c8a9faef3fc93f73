/**
 * The HTTP API of the Gridflow server: `buildHttpApp(ctx)` and the pieces integrators and tests reach for.
 *
 * @module
 */
export { buildHttpApp, type HttpAppOptions } from './app.js';
export { installErrorHandling, statusFor, HttpError, type ErrorBody } from './errors.js';
export {
  createTokenVerifier,
  callerFromClaims,
  signDemoToken,
  type Caller,
  type GridflowClaims,
  type TokenVerifier,
} from './auth.js';
export { maskPersonal, revealFor, PERSONAL_FIELDS, type PersonalField, type Reveal, type PiiRead } from './privacy.js';
export { visibilityByProcess, visibilityOf, type Visibility } from './access.js';
export { API_VERSION } from './openapi.js';
