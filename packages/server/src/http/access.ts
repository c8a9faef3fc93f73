import { commandMatches, type Scope } from '@gridflow/core/policy';
import { commandsOverlap } from '@gridflow/core/runtime';
import { GridflowError, type Actor, type CaseRecord, type Policy, type Runtime } from '@gridflow/core';
import type { ServerContext } from '../context.js';
import { HttpError, httpErrors } from './errors.js';

/** The policy id cases and permissions are read from (the runtime's default). */
export const POLICY_ID = 'default';

/**
 * The tenant's policy in effect now (the newest published version), or null when the tenant has none. Permission
 * checks outside case commands read its role × command × scope matrix; without a policy, nothing is allowed.
 */
export async function currentPolicy(ctx: ServerContext, tenant: string): Promise<Policy | null> {
  const runtime = await ctx.runtimeFor(tenant);
  try {
    return runtime.policiesFor(tenant).current(POLICY_ID, ctx.clock.now());
  } catch (error) {
    if (error instanceof GridflowError) return null;
    throw error;
  }
}

/** The policy version a case is pinned to (falling back to the current one when that version is unknown). */
export function policyOfCase(runtime: Runtime, record: CaseRecord, fallback: Policy | null): Policy | null {
  try {
    return runtime.policiesFor(record.tenant).get(record.policyId, record.policyVersion);
  } catch {
    return fallback;
  }
}

/**
 * True when the actor may read the case (core's `canRead` over its pinned policy and its process's commands);
 * false when its policy version or process is unknown here.
 */
export function mayRead(runtime: Runtime, record: CaseRecord, actor: Actor): boolean {
  try {
    return runtime.canRead(record, actor);
  } catch (error) {
    if (error instanceof GridflowError) return false;
    throw error;
  }
}

/**
 * True when one of the actor's roles is granted a command anywhere (scope aside): for commands that concern the
 * tenant rather than a case, such as `policy.edit`, `policy.approve` and `policy.publish`.
 */
export function mayAnywhere(policy: Policy | null, actor: Actor, command: string): boolean {
  return (
    policy !== null &&
    policy.permissions.some((row) => actor.roles.includes(row.role) && commandMatches(row.command, command))
  );
}

/** Throws 403 unless the actor may give one of these tenant-wide commands. */
export function requireAnywhere(
  policy: Policy | null,
  actor: Actor,
  commands: readonly string[],
  what: { en: string; zh: string },
): void {
  if (!commands.some((c) => mayAnywhere(policy, actor, c))) throw httpErrors.forbidden(what.en, what.zh);
}

/**
 * The scopes over cases the actor's roles hold in the policy's permission matrix. Rows of policy commands
 * (`policy.*`) do not count: a policy editor's `all` is over policies, not over residents' cases (as core's
 * `canRead` says). With `readers` (a process's read commands, `Runtime.readCommands`), only rows that open that
 * process's cases count.
 */
export function scopesOf(policy: Policy | null, actor: Actor, readers?: readonly string[]): Set<Scope> {
  return new Set(
    (policy?.permissions ?? [])
      .filter(
        (row) =>
          actor.roles.includes(row.role) &&
          !row.command.startsWith('policy.') &&
          (readers === undefined || readers.some((command) => commandsOverlap(row.command, command))),
      )
      .map((row) => row.scope),
  );
}

/** True when the actor holds some row beyond their own matters (i.e. works for a unit, not only as a resident). */
export function isStaff(policy: Policy | null, actor: Actor): boolean {
  return [...scopesOf(policy, actor)].some((s) => s !== 'own');
}

/**
 * What cases of one process an actor may see, as a list query must restrict it — the same rule as core's
 * `canRead`: a case is visible when some row of one of the actor's roles, for a command of the case's process,
 * has it in scope.
 * - `all`: everything in the tenant;
 * - otherwise the cases whose units overlap `units` (the actor's units of the kinds their scopes name), or, with
 *   `own`, whose reporter or handler is the actor;
 * - `none`: nothing.
 */
export type Visibility = { kind: 'all' } | { kind: 'none' } | { kind: 'some'; units: string[]; own: boolean };

/** The visibility of cases for an actor under a policy, over the rows `readers` lets count (default: all rows). */
export function visibilityOf(policy: Policy | null, actor: Actor, readers?: readonly string[]): Visibility {
  const scopes = scopesOf(policy, actor, readers);
  if (scopes.has('all')) return { kind: 'all' };
  const own = scopes.has('own');
  const prefixes = [...scopes].filter((s) => s !== 'own').map((s) => `${s}:`);
  const units = actor.units.filter((u) => prefixes.some((p) => u.startsWith(p)));
  if (!own && units.length === 0) return { kind: 'none' };
  return { kind: 'some', units, own };
}

/**
 * The visibility of each process's cases: a row for one process's commands opens none of another's. Processes the
 * runtime does not run are not listed (their cases are visible to no one).
 *
 * @example
 * const visible = visibilityByProcess(policy, caller.actor, runtime);
 */
export function visibilityByProcess(
  policy: Policy | null,
  actor: Actor,
  runtime: Pick<Runtime, 'processes' | 'readCommands'>,
): Map<string, Visibility> {
  return new Map(runtime.processes().map((p) => [p.id, visibilityOf(policy, actor, runtime.readCommands(p.id))]));
}

/** 401 unless there is a caller. */
export function requireCaller<T>(caller: T | null): T {
  if (caller === null) throw httpErrors.unauthenticated();
  return caller;
}

/** 409 when the tenant has no published policy yet. */
export function requirePolicy(policy: Policy | null): Policy {
  if (policy === null) {
    throw new HttpError(409, 'policy.none_published', '本辖区尚未发布政策', 'This tenant has no published policy yet');
  }
  return policy;
}
