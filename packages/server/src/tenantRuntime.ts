import type { Runtime } from '@gridflow/core';

/**
 * A view of a shared runtime confined to one tenant: every call that reads or writes cases is made for
 * `tenant`, whatever tenant the caller passes, so a handler cannot reach another tenant's cases by forgetting
 * (or mis-setting) the tenant. `tick()` stays global: it is the deadline worker's, and fires each due case with
 * its own tenant's policy.
 *
 * @example
 * const runtime = scopeRuntime(shared, caller.tenant);
 * await runtime.get(caseId, { actor: caller.actor }); // never another tenant's case
 */
export function scopeRuntime(runtime: Runtime, tenant: string): Runtime {
  return {
    get clock() {
      return runtime.clock;
    },
    get store() {
      return runtime.store;
    },
    get policies() {
      return runtime.policiesFor(tenant);
    },
    policiesFor: (t) => runtime.policiesFor(t),
    register: (process) => runtime.register(process),
    processes: () => runtime.processes({ tenant }),
    describe: (id) => runtime.describe(id, { tenant }),
    submit: (request) => runtime.submit({ ...request, tenant }),
    send: (caseId, command, options) => runtime.send(caseId, command, { ...options, tenant }),
    get: (caseId, options) => runtime.get(caseId, { ...options, tenant }),
    list: (query) => runtime.list({ ...query, tenant }),
    history: (caseId, options) => runtime.history(caseId, { ...options, tenant }),
    availableCommands: (caseId, options) => runtime.availableCommands(caseId, { ...options, tenant }),
    readCommands: (id) => runtime.readCommands(id),
    canRead: (record, actor) => record.tenant === tenant && runtime.canRead(record, actor),
    tick: (options) => runtime.tick(options),
    migrate: (caseIds, toVersion, options) => runtime.migrate(caseIds, toVersion, { ...options, tenant }),
    indicators: (options) => runtime.indicators({ ...options, tenant }),
    suggestDuplicates: (criteria) => runtime.suggestDuplicates({ ...criteria, tenant }),
  };
}
