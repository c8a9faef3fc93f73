import { commandMatches } from '../policy/commands.js';
import type { OrgLevel, Policy, PermissionRow } from '../policy/types.js';
import type { Actor, CaseSummary, ProcessDefinition } from '../process/types.js';

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

/** True when two command patterns (or names) have a command in common: `case.*` and `case.sign`, `*` and anything. */
export function commandsOverlap(a: string, b: string): boolean {
  return commandMatches(a, b) || commandMatches(b, a);
}

/**
 * The command patterns whose permission rows open a process's cases for reading: its submit command, its own
 * commands, and what it names in `readableWith`. A row for another process's commands opens none of its cases.
 *
 * @example
 * readCommandsOf(peoplesMediationProcess); // ['mediation.submit', 'mediation.investigated', …]
 */
export function readCommandsOf(
  def: Pick<ProcessDefinition, 'submitCommand' | 'commands' | 'readableWith'>,
): readonly string[] {
  return [
    ...new Set([
      def.submitCommand ?? 'case.submit',
      ...def.commands.filter((c) => !c.internal).map((c) => c.type),
      ...(def.readableWith ?? []),
    ]),
  ];
}

/**
 * True when some row lets the actor read the case: a row whose scope covers the case and whose command is one of
 * the case's process (`readers`, see {@link readCommandsOf}) — a row granting `contract.sign` in a compound opens
 * the compound's contracts, not the grid cases that also lie there. Rows of policy commands never open a case
 * (a policy editor's `all` is over policies, not residents' cases), not even `*` ones.
 *
 * @example
 * canRead(policy, actor, record.summary, readCommandsOf(gridEscalationProcess))
 */
export function canRead(policy: Policy, actor: Actor, summary: CaseSummary, readers: readonly string[]): boolean {
  return policy.permissions.some(
    (row) =>
      actor.roles.includes(row.role) &&
      !row.command.startsWith('policy.') &&
      readers.some((command) => commandsOverlap(row.command, command)) &&
      inScope(row.scope, actor, summary),
  );
}
