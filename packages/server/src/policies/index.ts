/** Policy versions per tenant: the review workflow and the registry view runtimes read. */
export { policyErrors } from './policyErrors.js';
export {
  createPolicyRepository,
  type PolicyRepositoryOptions,
  type PublishDocumentOptions,
  type SqlPolicyRepository,
} from './policyRepository.js';
export { createPolicyRegistryView, POLICY_CHANNEL, type PolicyRegistryView } from './policyRegistryView.js';
