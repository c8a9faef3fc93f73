import { commandMatches } from '../policy/commands.js';
import type { OrgLevel, Policy, PermissionRow } from '../policy/types.js';
import type { Actor, CaseSummary } from '../process/types.js';

/** True when the case lies within the actor's reach for a scope. */
export function inScope(scope: PermissionRow['scope'], actor: Actor, summary: CaseSummary): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'own':
      return summary.reporterId === actor.id || summary.handlerId === actor.id;
    default: {
      const prefix = `${scope}:`;
      return actor.units.some((u) => u.startsWith(prefix) && summary.units.includes(u));
    }
  }
}

/** True when a row's level condition (if any) holds for the case's current level. */
export function atLevel(row: PermissionRow, summary: CaseSummary): boolean {
  return row.levels === undefined || (summary.level !== undefined && row.levels.includes(summary.level as OrgLevel));
}

/**
 * The permission rows that allow an actor to give a command on a case, per the policy's role × command × scope
 * matrix (and the level a row may be limited to). Empty means denied.
 *
 * @example
 * allowedBy(policy, actor, 'case.sign', summary).length > 0
 */
export function allowedBy(policy: Policy, actor: Actor, command: string, summary: CaseSummary): PermissionRow[] {
  return policy.permissions.filter(
    (row) =>
      actor.roles.includes(row.role) &&
      commandMatches(row.command, command) &&
      inScope(row.scope, actor, summary) &&
      atLevel(row, summary),
  );
}

/**
 * True when some row lets the actor read the case: a row granting any case command (not a policy command: a
 * policy editor's `all` scope is over policies, not residents' cases) whose scope covers the case.
 */
export function canRead(policy: Policy, actor: Actor, summary: CaseSummary): boolean {
  return policy.permissions.some(
    (row) => actor.roles.includes(row.role) && !row.command.startsWith('policy.') && inScope(row.scope, actor, summary),
  );
}
