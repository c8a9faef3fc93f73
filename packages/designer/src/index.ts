/**
 * Gridflow designer: the low-code editor where policy staff edit, test, simulate and publish rules.
 * The model (stores, editing operations) is framework-free; elements only render and call it.
 */
export { createDraftStore, type DraftStore } from './model/draft-store.js';
export { StoreController } from './controllers/store-controller.js';
