/** Test kits for people extending Gridflow: the store contract every CaseStore must pass. */
export { runStoreContract, sampleCase, type StoreFixture, type TestApi } from './storeContract.js';
