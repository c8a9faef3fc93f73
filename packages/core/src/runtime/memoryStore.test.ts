import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { runStoreContract } from '../testing/storeContract.js';
import { createMemoryStore } from './memoryStore.js';

runStoreContract({ describe, it, expect: expect as never, beforeEach, afterAll }, 'memory', {
  create: () => Promise.resolve(createMemoryStore()),
});
