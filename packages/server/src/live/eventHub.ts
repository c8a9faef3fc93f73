import type { CaseRecord } from '@gridflow/core';
import type { CaseChange, CaseEventHub } from '../context.js';
import type { SqlClient } from '../store/sql.js';

/** The NOTIFY channel case changes travel on between server processes. */
export const CASE_CHANNEL = 'gridflow_cases';

/** How long a notification waits for others to go with it (ms). */
const COALESCE_MS = 3;

/** A {@link CaseEventHub} that can also publish a batch and must be closed. */
export interface EventHub extends CaseEventHub {
  /** Publishes several changes with one round trip (PostgreSQL: one `pg_notify` per change, one statement). */
  publishMany(changes: readonly CaseChange[]): Promise<void>;
  /**
   * Announces what a committed store transaction changed. On PostgreSQL the database has done so already, inside
   * that transaction (the `case_history` trigger of schema version 5), so this sends nothing; on PGlite the
   * changes are delivered in-process.
   */
  publishCommitted(changes: readonly CaseChange[]): Promise<void>;
  /** Stops listening; subscribers hear nothing more. */
  close(): Promise<void>;
}

/** Options of {@link createEventHub}. */
export interface EventHubOptions {
  /** Told when a listener throws or a payload cannot be read. */
  onError?: (error: unknown) => void;
}

type Listener = (change: CaseChange, record?: CaseRecord) => void;

/**
 * Creates the live-update hub. On PostgreSQL a change is sent with `NOTIFY gridflow_cases` and every server
 * process (this one included) hears it through its `LISTEN` connection and hands it to its subscribers of that
 * tenant; so a command given through any process reaches the SSE clients of every process. On PGlite (one
 * process) changes are delivered in-process.
 *
 * Delivery is best effort, like NOTIFY itself: a change published while a process's listening connection is
 * reconnecting is lost there, so clients re-read what they show after a reconnect.
 *
 * @example
 * const hub = await createEventHub(sql);
 * const stop = hub.subscribe('demo', (change) => send(`data: ${JSON.stringify(change)}\n\n`));
 */
export async function createEventHub(sql: SqlClient, options: EventHubOptions = {}): Promise<EventHub> {
  const report = options.onError ?? (() => undefined);
  const byTenant = new Map<string, Set<Listener>>();
  let closed = false;

  const deliver = (change: CaseChange, record?: CaseRecord) => {
    if (closed) return;
    for (const listener of byTenant.get(change.tenant) ?? []) {
      try {
        listener(change, record);
      } catch (error) {
        report(error);
      }
    }
  };

  const distributed = sql.dialect === 'postgres' && sql.listen !== undefined;
  let unlisten: (() => Promise<void>) | undefined;
  if (distributed) {
    // Channels are per database: deployments in other schemas of the same database send on it too.
    const scope = await currentSchema(sql);
    unlisten = await sql.listen!(CASE_CHANNEL, (payload) => {
      const change = parseChange(payload, scope);
      if (change) deliver(change);
      else if (change === null)
        report(new Error(`Unreadable case change on ${CASE_CHANNEL}: ${payload.slice(0, 200)}`));
    });
  }

  const publishMany = async (changes: readonly CaseChange[]): Promise<void> => {
    if (closed || changes.length === 0) return;
    if (!distributed) {
      // After the caller's await, like a notification would be: subscribers never run inside the publisher.
      await Promise.resolve();
      for (const change of changes) deliver(change);
      return;
    }
    queue.push(...changes.map((c) => JSON.stringify(c)));
    // One statement in flight at a time; changes published meanwhile go together in the next one.
    do {
      flushing ??= flush().finally(() => {
        flushing = undefined;
      });
      await flushing;
    } while (queue.length > 0 && !closed);
  };

  const queue: string[] = [];
  let flushing: Promise<void> | undefined;
  const flush = async (): Promise<void> => {
    // Each NOTIFY statement is a transaction that waits for a disk flush: gather what a few more commits publish.
    await new Promise((resolve) => setTimeout(resolve, COALESCE_MS));
    while (queue.length > 0) {
      const batch = queue.splice(0, 500);
      await sql.query(
        `SELECT pg_notify($1, (payload::jsonb || jsonb_build_object('s', current_schema()))::text) FROM unnest($2::text[]) AS payload`,
        [CASE_CHANNEL, batch],
      );
    }
  };

  return {
    publish: (change) => publishMany([change]),
    publishMany,
    publishCommitted: (changes) => (distributed ? Promise.resolve() : publishMany(changes)),
    subscribe(tenant, listener) {
      let set = byTenant.get(tenant);
      if (!set) byTenant.set(tenant, (set = new Set()));
      // A listener subscribed twice still gets each change once per subscription.
      const own: Listener = (change, record) => listener(change, record);
      set.add(own);
      return () => {
        set.delete(own);
        if (set.size === 0 && byTenant.get(tenant) === set) byTenant.delete(tenant);
      };
    },
    async close() {
      await flushing?.catch(report);
      closed = true;
      byTenant.clear();
      await unlisten?.().catch(report);
    },
  };
}

/** The schema a client's tables live in (what notifications are scoped by). */
export async function currentSchema(sql: SqlClient): Promise<string> {
  const { rows } = await sql.query<{ s: string }>('SELECT current_schema() AS s');
  return rows[0]?.s ?? '';
}

/**
 * Reads a change sent by any process: the change, `undefined` when it belongs to another schema than `scope`
 * (when given), or null when it is malformed.
 */
export function parseChange(payload: string, scope?: string): CaseChange | null | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  if (scope !== undefined && c.s !== scope) return undefined;
  if (
    typeof c.tenant !== 'string' ||
    typeof c.caseId !== 'string' ||
    typeof c.version !== 'number' ||
    typeof c.state !== 'string' ||
    typeof c.command !== 'string' ||
    typeof c.at !== 'number'
  ) {
    return null;
  }
  return { tenant: c.tenant, caseId: c.caseId, version: c.version, state: c.state, command: c.command, at: c.at };
}
