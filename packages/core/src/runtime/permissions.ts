import { commandMatches } from '../policy/commands.js';
import type { OrgLevel, Policy, PermissionRow } from '../policy/types.js';
import type { Actor, CaseSummary, ProcessDefinition } from '../processes/contract/types.js';

/**
 * The parties an actor acts for in a process's cases: those whose roles it holds, and the org units it belongs to
 * (`department:housing`).
 *
 * @example
 * partiesOf(propertyCoordinationProcess, { id: 'u-1', roles: ['property_company'], units: ['compound:x-01'] });
 * // ['property_company', 'compound:x-01']
 */
export function partiesOf(def: Pick<ProcessDefinition, 'parties'>, actor: Actor): string[] {
  const byRole = Object.entries(def.parties ?? {})
    .filter(([, party]) => party.roles.some((r) => actor.roles.includes(r)))
    .map(([code]) => code);
  return [...new Set([...byRole, ...actor.units])];
}

/**
 * The first party a command is given as that the actor may not act for: not one of its own parties, and no row
 * among `rows` (those allowing the command) names it (or `*`) in `actFor`. Undefined when it may act for all.
 *
 * @example
 * const company = { id: 'u-p', roles: ['property_company'], units: ['compound:x-01'] };
 * const sign = { type: 'matter.resolution.sign', input: { party: 'owners_committee' } };
 * partyRefused(propertyCoordinationProcess, company, [], sign, { meetings: [], actionItems: [] }); // 'owners_committee'
 */
export function partyRefused(
  def: Pick<ProcessDefinition, 'parties' | 'actingParties'>,
  actor: Actor,
  rows: readonly PermissionRow[],
  command: { type: string; input: Record<string, unknown> },
  context: unknown,
): string | undefined {
  if (!def.actingParties) return undefined;
  const own = partiesOf(def, actor);
  return def
    .actingParties(command, context)
    .find((p) => !own.includes(p) && !rows.some((r) => r.actFor?.includes(p) || r.actFor?.includes('*')));
}

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
 * const actor = { id: 'u-1', roles: ['grid_worker'], units: ['grid:g-01', 'community:c-01'] };
 * allowedBy(policy, actor, 'case.sign', { level: 'grid', units: ['grid:g-01', 'community:c-01'], open: true });
 * // [{ id: 'p-grid_worker-case.sign', role: 'grid_worker', command: 'case.sign', … }]
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
 * readCommandsOf(gridEscalationProcess); // ['case.submit', 'case.triage.file', 'case.triage.cancel', …]
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
 * const summary = { level: 'grid', units: ['grid:g-01', 'community:c-01'], open: true };
 * const readers = readCommandsOf(gridEscalationProcess);
 * canRead(policy, { id: 'u-1', roles: ['grid_worker'], units: ['grid:g-01'] }, summary, readers); // true
 * canRead(policy, { id: 'u-2', roles: ['grid_worker'], units: ['grid:g-09'] }, summary, readers); // false
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
