import type { AnyMachineSnapshot } from 'xstate';
import type { Locale } from '../i18n.js';
import type { Policy } from '../policy/types.js';
import { dueDeadlines, markFired } from '../processes/contract/deadlines.js';
import {
  SYSTEM_ACTOR,
  type Actor,
  type Decision,
  type Effect,
  type ProcessDefinition,
} from '../processes/contract/types.js';
import { effectsOf, historyEntry, pinnedPolicy, toRecord, type AppliedEvent } from './caseRecords.js';
import { explainDecision } from './explainHistory.js';
import { allowedBy } from './permissions.js';
import type { PolicyRegistry } from './policyRegistry.js';
import { ruleErrors, type ProcessCatalog } from './processCatalog.js';
import { errors } from './runtimeErrors.js';
import type { CaseRecord, StoreTransaction, StoredSnapshot } from './types.js';
import { validateJson } from './validateJson.js';

/**
 * The runtime's write path inside a transaction: starting a case, applying one event to a case (with the effects
 * its transition asks for, which may command or start other cases) and firing a case's due deadlines.
 */

/** A case to start: what `submit` asks for, or an effect's new case (with its parent). */
export interface CreateRequest {
  process: string;
  input: Record<string, unknown>;
  actor: Actor;
  tenant: string;
  at: number;
  idempotencyKey?: string;
  parentId?: string;
}

/** See {@link createCaseTransitions}. */
export interface CaseTransitions {
  /** Starts a case: validates its input, checks the submit permission, writes it and its first history entry. */
  create: (tx: StoreTransaction, req: CreateRequest) => Promise<CaseRecord>;
  /** Applies one transition to a case inside a transaction; carries out its effects; returns the new record. */
  apply: (
    tx: StoreTransaction,
    record: CaseRecord,
    event: AppliedEvent,
    policy: Policy,
    depth: number,
    restored?: AnyMachineSnapshot,
  ) => Promise<CaseRecord>;
  /** Fires, one at a time, the deadlines of a case that are due at `now`; 0 when another transaction holds it. */
  fireDue: (tx: StoreTransaction, tenant: string, id: string, now: number) => Promise<number>;
}

/** The command a process's cases are submitted with (and permitted by). */
export const submitCommand = (def: ProcessDefinition): string => def.submitCommand ?? 'case.submit';

/** The write path of one runtime. */
export function createCaseTransitions(options: {
  catalog: ProcessCatalog;
  registryFor: (tenant: string) => PolicyRegistry;
  policyId: string;
  newId: () => string;
}): CaseTransitions {
  const { catalog, registryFor, policyId, newId } = options;

  async function fireDue(tx: StoreTransaction, tenant: string, id: string, now: number): Promise<number> {
    let record = await tx.getCase(tenant, id, { forUpdate: true, skipLocked: true });
    if (!record) return 0;
    const policy = pinnedPolicy(registryFor, record);
    let count = 0;
    // One at a time: a deadline's effect may add or clear others.
    for (let guard = 0; guard < 50; guard++) {
      const [next] = dueDeadlines(record.snapshot.context.deadlines ?? [], now);
      if (!next) break;
      record = await apply(
        tx,
        record,
        { type: 'deadline.due', input: { deadlineId: next.id, kind: next.kind }, actor: SYSTEM_ACTOR, at: now },
        policy,
        0,
      );
      count++;
    }
    return count;
  }

  const apply: CaseTransitions['apply'] = async (tx, record, event, policy, depth, restored) => {
    if (depth > 4) throw errors.effectLoop();
    const def = catalog.processOf(record.process);
    const c = catalog.compile(def, policy);
    const before = restored ?? catalog.restore(def, c, record);
    c.recorder.decisions = [];
    const [after, actions] = ruleErrors(c, () => c.stepper.step(before, event));
    const decisions: Decision[] = c.recorder.decisions;
    c.recorder.decisions = [];
    let context = after.context as StoredSnapshot['context'];
    // xstate's pure transition returns the very same snapshot when no transition was taken.
    const changed = after !== before;
    if (event.type === 'deadline.due') {
      // A deadline takes effect exactly once: mark it fired even when the machine ignored it in this state. Only
      // the deadline that fired is marked: one the handler set anew under the same id (a later `dueAt`) stays
      // pending and fires in its turn.
      const id = String(event.input.deadlineId);
      const fired = (before.context as StoredSnapshot['context']).deadlines?.find(
        (d) => d.id === id && d.firedAt === undefined,
      );
      context = {
        ...context,
        deadlines: fired ? markFired(context.deadlines ?? [], id, event.at, fired.dueAt) : (context.deadlines ?? []),
      };
    } else if (!changed) {
      // The rules that said no, explained with the values they read.
      const said = decisions.filter((d) => !d.result);
      const explain = (locale: Locale) => said.map((d) => explainDecision(d, policy, locale, def.facts));
      throw errors.commandRefused(event.type, decisions, { zh: explain('zh'), en: explain('en') });
    }
    const snap = c.machine.resolveState({ value: after.value as never, context });
    const next = toRecord(def, record, snap, event.at);
    if (!(await tx.updateCase(next, record.version))) throw errors.conflict(record.id);
    await tx.appendHistory([historyEntry(next, event, record.state, decisions)]);
    return runEffects(tx, next, effectsOf(actions), event.at, depth);
  };

  const runEffects = async (
    tx: StoreTransaction,
    record: CaseRecord,
    effects: Effect[],
    at: number,
    depth: number,
  ): Promise<CaseRecord> => {
    let current = record;
    for (const effect of effects) {
      const system: Actor = { ...SYSTEM_ACTOR, name: `effect of ${record.id}` };
      if (effect.kind === 'command') {
        const target = await tx.getCase(record.tenant, effect.caseId, { forUpdate: true });
        if (!target) throw errors.notFound(effect.caseId);
        const targetPolicy = pinnedPolicy(registryFor, target);
        await apply(tx, target, { type: effect.type, input: effect.input, actor: system, at }, targetPolicy, depth + 1);
      } else {
        const created = await create(tx, {
          process: effect.process,
          input: effect.input,
          actor: system,
          tenant: record.tenant,
          at,
          parentId: record.id,
        });
        if (effect.linkEvent) {
          const self = (await tx.getCase(record.tenant, current.id, { forUpdate: true }))!;
          current = await apply(
            tx,
            self,
            { type: effect.linkEvent, input: { caseId: created.id }, actor: system, at },
            pinnedPolicy(registryFor, self),
            depth + 1,
          );
        }
      }
    }
    return current;
  };

  const create = async (tx: StoreTransaction, req: CreateRequest): Promise<CaseRecord> => {
    const def = catalog.processOf(req.process);
    const policy = registryFor(req.tenant).current(policyId, req.at);
    const problems = [...validateJson(def.inputSchema, req.input), ...(def.validateInput?.(req.input, policy) ?? [])];
    if (problems.length) throw errors.invalidInput(problems);
    const c = catalog.compile(def, policy);
    const id = newId();
    c.recorder.decisions = [];
    const input = {
      ...req.input,
      caseId: id,
      at: req.at,
      actor: req.actor,
      submittedAt: req.at,
      submittedBy: { id: req.actor.id, roles: req.actor.roles },
    };
    const [snap, actions] = ruleErrors(c, () => c.stepper.initial(input));
    const decisions = c.recorder.decisions;
    c.recorder.decisions = [];
    const base: CaseRecord = {
      id,
      tenant: req.tenant,
      process: def.id,
      processVersion: def.version,
      policyId: policy.id,
      policyVersion: policy.version,
      state: '',
      version: 0,
      snapshot: { value: null, context: { deadlines: [] } },
      summary: { units: [], open: true },
      nextDueAt: null,
      createdAt: req.at,
      updatedAt: req.at,
      ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
    };
    const record = toRecord(def, base, snap, req.at);
    if (
      req.actor.id !== SYSTEM_ACTOR.id &&
      allowedBy(policy, req.actor, submitCommand(def), record.summary).length === 0
    ) {
      throw errors.forbidden(submitCommand(def));
    }
    await tx.insertCase(record);
    await tx.appendHistory([
      historyEntry(
        record,
        { type: def.createdAs ?? submitCommand(def), input: req.input, actor: req.actor, at: req.at },
        '',
        decisions,
      ),
    ]);
    return runEffects(tx, record, effectsOf(actions), req.at, 0);
  };

  return { create, apply, fireDue };
}
