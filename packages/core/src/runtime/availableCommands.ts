import { getNextTransitions, type AnyMachineSnapshot } from 'xstate';
import type { Policy } from '../policy/types.js';
import type { Actor, ProcessDefinition } from '../processes/contract/types.js';
import { offeredParties } from './offeredParties.js';
import { allowedBy } from './permissions.js';
import { availabilityOf, createCommandProber, type AvailableCommand } from './probeCommand.js';
import type { Compiled } from './processCatalog.js';
import type { CaseRecord, StoredSnapshot } from './types.js';

/**
 * The commands a caller is offered on a case now: those the machine accepts in its state and a permission row
 * grants the caller, each probed (without its input and without writing) for whether it would go through, and
 * narrowed to the parties the caller acts for.
 */
export function availableCommands(
  def: ProcessDefinition,
  c: Compiled,
  record: CaseRecord,
  snapshot: AnyMachineSnapshot,
  policy: Policy,
  actor: Actor,
  at: number,
): AvailableCommand[] {
  const types = new Set<string>(getNextTransitions(snapshot).map((t): string => t.eventType as string));
  const offered = def.commands.filter(
    (cmd) => !cmd.internal && types.has(cmd.type) && allowedBy(policy, actor, cmd.type, record.summary).length > 0,
  );
  if (offered.length === 0) return [];
  const prober = (c.prober ??= createCommandProber(c.machine, c.recorder));
  const stored: StoredSnapshot = {
    value: snapshot.value as unknown,
    context: snapshot.context as StoredSnapshot['context'],
  };
  return offered.map((cmd): AvailableCommand => {
    const probe = prober.probe(stored, { type: cmd.type, actor, at });
    const offer = availabilityOf(probe, cmd, policy);
    if (!offer.available) return { ...cmd, ...offer };
    const rows = allowedBy(policy, actor, cmd.type, record.summary);
    return { ...cmd, ...offer, ...offeredParties(def, actor, rows, cmd, snapshot.context, policy) };
  });
}
