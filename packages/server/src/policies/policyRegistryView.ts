import { createPolicyRegistry, type Policy, type PolicyRegistry } from '@gridflow/core';
import type { SqlClient } from '../store/sql.js';

/** How often a watching view reads its tenants' versions again, whatever it heard (ms). */
const REFRESH_MS = 60_000;

/** The NOTIFY channel on which a process says "policy versions of this tenant changed". */
export const POLICY_CHANNEL = 'gridflow_policies';

/**
 * What runtimes read: per tenant, a {@link PolicyRegistry} of the versions cases may be pinned to (published and
 * retired), loaded from `policy_versions` and reloaded when a version is published or retired — by this process
 * directly, by others through `NOTIFY gridflow_policies` (PostgreSQL) — when a case names a version the view does
 * not know yet, and every minute as a safety net.
 */
export interface PolicyRegistryView {
  /**
   * The tenant's registry as loaded so far (synchronous, for the runtime). A tenant not loaded yet gets an
   * empty registry (whose `get` throws `policy.not_found`) and a load starts in the background.
   */
  registry(tenant: string): PolicyRegistry;
  /** Loads the tenant's registry if it is not loaded yet. */
  load(tenant: string): Promise<PolicyRegistry>;
  /** Reads the tenant's versions again (after a change). */
  reload(tenant: string): Promise<PolicyRegistry>;
  /** Starts listening for changes made by other processes (PostgreSQL); idempotent. */
  watch(): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  id: string;
  version: number;
  status: Policy['status'];
  document: Policy;
  updated_at: number | string;
}

interface Loaded {
  registry: PolicyRegistry;
  /** Policy objects by `id@version`, with the row's `updated_at`: unchanged versions keep their object (and the runtime its compiled machines). */
  objects: Map<string, { updatedAt: number; policy: Policy }>;
}

/**
 * Creates the registry view over a SQL client. `onError` hears about failed background loads.
 *
 * @example
 * const view = createPolicyRegistryView(sql);
 * await view.watch();
 * const runtime = createRuntime({ store, clock, processes, policies: (tenant) => view.registry(tenant) });
 */
export function createPolicyRegistryView(
  sql: SqlClient,
  onError: (error: unknown) => void = () => undefined,
): PolicyRegistryView {
  const loaded = new Map<string, Loaded>();
  /** The running (or last) load per tenant; loads of one tenant run one after another, so the newest wins. */
  const pending = new Map<string, Promise<PolicyRegistry>>();
  let unlisten: (() => Promise<void>) | undefined;
  let refresher: ReturnType<typeof setInterval> | undefined;
  let watching: Promise<void> | undefined;
  let closed = false;

  const read = async (tenant: string): Promise<PolicyRegistry> => {
    const { rows } = await sql.query<Row>(
      `SELECT id, version, status, document, updated_at FROM policy_versions
        WHERE tenant = $1 AND status IN ('published', 'retired') ORDER BY id, version`,
      [tenant],
    );
    const previous = loaded.get(tenant)?.objects;
    const objects = new Map<string, { updatedAt: number; policy: Policy }>();
    for (const row of rows) {
      const key = `${row.id}@${row.version}`;
      const updatedAt = Number(row.updated_at);
      const kept = previous?.get(key);
      const policy =
        kept && kept.updatedAt === updatedAt && kept.policy.status === row.status
          ? kept.policy
          : { ...row.document, id: row.id, version: row.version, status: row.status };
      objects.set(key, { updatedAt, policy });
    }
    const registry = createPolicyRegistry([...objects.values()].map((o) => o.policy));
    loaded.set(tenant, { registry, objects });
    return registry;
  };

  const reload = (tenant: string): Promise<PolicyRegistry> => {
    const before = pending.get(tenant) ?? Promise.resolve(undefined);
    const next = before.catch(() => undefined).then(() => read(tenant));
    pending.set(tenant, next);
    void next
      .finally(() => {
        if (pending.get(tenant) === next) pending.delete(tenant);
      })
      .catch(() => undefined);
    return next;
  };

  const view: PolicyRegistryView = {
    registry(tenant) {
      const found = loaded.get(tenant);
      if (!found) {
        if (!pending.has(tenant) && !closed) reload(tenant).catch(onError);
        return createPolicyRegistry();
      }
      const inner = found.registry;
      // A version this process has not heard of (published elsewhere a moment ago): read them again for next time.
      return {
        ...inner,
        get(id, version) {
          try {
            return inner.get(id, version);
          } catch (error) {
            if (!pending.has(tenant) && !closed) reload(tenant).catch(onError);
            throw error;
          }
        },
      };
    },
    async load(tenant) {
      return loaded.get(tenant)?.registry ?? pending.get(tenant) ?? reload(tenant);
    },
    reload,
    watch() {
      if (sql.dialect !== 'postgres' || !sql.listen) return Promise.resolve();
      const listen = sql.listen.bind(sql);
      watching ??= (async () => {
        // Channels are per database: only changes to this schema's policies count.
        const { rows } = await sql.query<{ s: string }>('SELECT current_schema() AS s');
        const scope = rows[0]?.s;
        // A safety net for notifications missed while the listening connection reconnected.
        refresher = setInterval(() => {
          for (const tenant of loaded.keys()) if (!pending.has(tenant) && !closed) reload(tenant).catch(onError);
        }, REFRESH_MS);
        refresher.unref?.();
        unlisten = await listen(POLICY_CHANNEL, (payload) => {
          let message: { tenant?: unknown; s?: unknown };
          try {
            message = JSON.parse(payload) as { tenant?: unknown; s?: unknown };
          } catch {
            return;
          }
          const tenant = message.tenant;
          if (message.s !== scope || typeof tenant !== 'string' || closed || !loaded.has(tenant)) return;
          reload(tenant).catch(onError);
        });
      })();
      return watching;
    },
    async close() {
      closed = true;
      clearInterval(refresher);
      await watching?.catch(() => undefined);
      await unlisten?.().catch(() => undefined);
      await Promise.allSettled([...pending.values()]);
    },
  };
  return view;
}
