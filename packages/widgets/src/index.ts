/**
 * Gridflow widgets: Lit web components that integrators drop into existing portals.
 * Importing this module defines every `gf-*` element.
 */
export { GfProblemList } from './problem-list/problem-list.js';
export { GfProblemSelectEvent } from './problem-list/gf-problem-select-event.js';
