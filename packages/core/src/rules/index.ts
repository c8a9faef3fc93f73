/**
 * JsonLogic rules: the evaluator (compiled or interpreted), the portable subset and its linter, explanations,
 * and the fact dictionary rules are checked against.
 *
 * @packageDocumentation
 */
export * from './types.js';
export * from './engine.js';
export * from './portability.js';
export * from './explain.js';
export * from './tree/index.js';
