/**
 * Gridflow core: the policy model, JsonLogic rules, governance machines and the runtime.
 * Isomorphic: no DOM and no Node-only APIs.
 */
export * from './i18n.js';
export * from './clock.js';
export * from './problems.js';
export * from './errors.js';
