import type { Policy } from '../policy/types.js';
import { GridflowError } from '../errors.js';

/**
 * The policy versions a runtime knows. Cases are pinned to the version they started under; new cases take the
 * newest published version whose `effectiveFrom` has come.
 */
export interface PolicyRegistry {
  /** Adds (or replaces) a version. */
  add(policy: Policy): void;
  /** One exact version; throws `policy.not_found` when unknown. */
  get(id: string, version: number): Policy;
  /** The version new cases use at `at`: the newest published one already in effect. */
  current(id: string, at: number): Policy;
  /** Every known version of a policy, oldest first. */
  versions(id: string): Policy[];
}

/**
 * Creates an in-memory policy registry.
 *
 * @example
 * const policies = createPolicyRegistry([createDefaultPolicy()]);
 * policies.current('default', clock.now()).version; // 1
 */
export function createPolicyRegistry(initial: Iterable<Policy> = []): PolicyRegistry {
  const byId = new Map<string, Map<number, Policy>>();
  const registry: PolicyRegistry = {
    add(policy) {
      let versions = byId.get(policy.id);
      if (!versions) byId.set(policy.id, (versions = new Map<number, Policy>()));
      versions.set(policy.version, policy);
    },
    get(id, version) {
      const policy = byId.get(id)?.get(version);
      if (!policy) {
        throw new GridflowError('policy.not_found', {
          zh: `找不到政策 ${id} 第 ${version} 版`,
          en: `Policy ${id} version ${version} not found`,
        });
      }
      return policy;
    },
    current(id, at) {
      let best: Policy | undefined;
      for (const p of byId.get(id)?.values() ?? []) {
        if (p.status !== 'published' || Date.parse(p.effectiveFrom) > at) continue;
        if (!best || p.version > best.version) best = p;
      }
      if (!best) {
        throw new GridflowError('policy.none_published', {
          zh: `政策 ${id} 没有已发布且已生效的版本`,
          en: `Policy ${id} has no published version in effect`,
        });
      }
      return best;
    },
    versions(id) {
      return [...(byId.get(id)?.values() ?? [])].sort((a, b) => a.version - b.version);
    },
  };
  for (const p of initial) registry.add(p);
  return registry;
}
