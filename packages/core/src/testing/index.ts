/**
 * Test kits for people extending Gridflow: the store contract every CaseStore must pass, and a recorder that
 * checks a process's declared `rulesRead` against what its machine's guards and actions really read.
 */
export { runStoreContract, sampleCase, type StoreFixture, type TestApi } from './storeContract.js';
export { recordRuleReads, declaredRuleReads, type RuleReads } from './ruleReads.js';
