import type { Actor } from '../processes/contract/types.js';
import { historyEntry, toRecord } from './caseRecords.js';
import type { PolicyRegistry } from './policyRegistry.js';
import type { ProcessCatalog } from './processCatalog.js';
import { errors } from './runtimeErrors.js';
import type { CaseRecord, StoreTransaction } from './types.js';

/**
 * Moves chosen open cases of a tenant to another version of their policy inside one transaction: each case's
 * process recomputes what depends on the policy (`onPolicyChange`, e.g. deadlines), and the move is recorded in
 * its history as `case.migrate`.
 */
export async function migrateCases(
  tx: StoreTransaction,
  catalog: ProcessCatalog,
  registryFor: (tenant: string) => PolicyRegistry,
  move: { caseIds: string[]; toVersion: number; tenant: string; actor: Actor; at: number },
): Promise<CaseRecord[]> {
  const { caseIds, toVersion, tenant, actor, at } = move;
  const out: CaseRecord[] = [];
  for (const id of caseIds) {
    const record = await tx.getCase(tenant, id, { forUpdate: true });
    if (!record) throw errors.notFound(id);
    if (!record.summary.open) throw errors.closedCase(id);
    const def = catalog.processOf(record.process);
    const target = registryFor(tenant).get(record.policyId, toVersion);
    const oldCompiled = catalog.compile(def, registryFor(tenant).get(record.policyId, record.policyVersion));
    const snap = catalog.restore(def, oldCompiled, record);
    const c = catalog.compile(def, target);
    const context: unknown = def.onPolicyChange
      ? def.onPolicyChange(snap.context, snap.value, c.env, at)
      : snap.context;
    const migrated = c.machine.resolveState({ value: snap.value as never, context: context });
    const next = { ...toRecord(def, record, migrated, at), policyVersion: target.version };
    if (!(await tx.updateCase(next, record.version))) throw errors.conflict(id);
    await tx.appendHistory([
      historyEntry(
        next,
        { type: 'case.migrate', input: { fromVersion: record.policyVersion, toVersion }, actor, at },
        record.state,
        [],
      ),
    ]);
    out.push(next);
  }
  return out;
}
