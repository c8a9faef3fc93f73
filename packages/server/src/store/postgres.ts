import { Client, Pool, type ClientBase, type Notification, type PoolConfig, type QueryConfig } from 'pg';
import {
  quoteIdent,
  withSavepoint,
  type QueryOptions,
  type SqlClient,
  type SqlExecutor,
  type SqlResult,
} from './sql.js';

/** How to reach PostgreSQL: everything `pg.Pool` accepts, plus the schema Gridflow's tables live in. */
export interface PostgresClientOptions extends PoolConfig {
  /**
   * Schema put first on every connection's `search_path` (a plain lower-case name). Default: the server's
   * `search_path` (normally `public`). The schema is created by the migrations.
   */
  schema?: string;
  /** Told about errors of idle pooled connections and of the `LISTEN` connection (which reconnects by itself). */
  onError?: (error: Error) => void;
}

const LISTEN_RETRY_MS = 1_000;

/**
 * A {@link SqlClient} over a `pg` connection pool. A transaction is `BEGIN … COMMIT` on one pooled connection,
 * `ROLLBACK` when its function fails. `listen()` uses one extra connection that reconnects (and listens again)
 * when it drops; notifications sent while it is down are lost, so a subscriber should re-read after a gap.
 *
 * @example
 * const sql = createPostgresClient({ connectionString }); // e.g. 'postgres://postgres@127.0.0.1:5432/gridflow'
 * (await sql.query('SELECT 1 + 1 AS two')).rows; // [{ two: 2 }]
 * await sql.close();
 */
export function createPostgresClient(options: string | PostgresClientOptions): SqlClient {
  const { schema, onError, ...config }: PostgresClientOptions =
    typeof options === 'string' ? { connectionString: options } : options;
  if (schema !== undefined) {
    config.options = [config.options, `-c search_path=${quoteIdent(schema).slice(1, -1)}`].filter(Boolean).join(' ');
  }
  const report = (error: Error) => onError?.(error);
  const pool = new Pool(config);
  pool.on('error', report);

  const channels = new Map<string, Set<(payload: string) => void>>();
  let listener: Promise<Client> | undefined;
  let closed = false;

  const connectListener = (): Promise<Client> => {
    if (listener) return listener;
    const client = new Client(config);
    const pending = (async () => {
      client.on('notification', (n: Notification) => {
        for (const fn of channels.get(n.channel) ?? []) fn(n.payload ?? '');
      });
      client.on('error', (error: Error) => {
        report(error);
        dropListener(pending);
      });
      client.on('end', () => dropListener(pending));
      await client.connect();
      for (const channel of channels.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
      return client;
    })();
    listener = pending;
    pending.catch(() => dropListener(pending));
    return pending;
  };

  const dropListener = (which: Promise<Client>) => {
    if (listener !== which) return;
    listener = undefined;
    void which.then((c) => c.end()).catch(() => undefined);
    if (closed || channels.size === 0) return;
    const retry = () => {
      if (closed || listener || channels.size === 0) return;
      connectListener().catch((error: unknown) => {
        if (error instanceof Error) report(error);
        setTimeout(retry, LISTEN_RETRY_MS).unref();
      });
    };
    setTimeout(retry, LISTEN_RETRY_MS).unref();
  };

  return {
    dialect: 'postgres',
    async query<TRow extends object>(
      text: string,
      params: readonly unknown[] = [],
      options: QueryOptions = {},
    ): Promise<SqlResult<TRow>> {
      const result = await pool.query(statement(text, params, options));
      return { rows: result.rows as TRow[] };
    },
    async transaction<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> {
      const conn = await pool.connect();
      const state = { open: true };
      let broken: Error | undefined;
      try {
        await conn.query('BEGIN');
        const result = await fn(connectionExecutor(conn, state, 1));
        await conn.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await conn.query('ROLLBACK');
        } catch (rollbackError) {
          // The connection is in an unknown state: destroy it instead of returning it to the pool.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw error;
      } finally {
        state.open = false;
        conn.release(broken);
      }
    },
    async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
      const quoted = quoteIdent(channel);
      let fns = channels.get(channel);
      if (!fns) {
        fns = new Set();
        channels.set(channel, fns);
        // A new connection listens to every known channel as it connects; one that existed already must be told.
        const existing = listener;
        try {
          const client = await connectListener();
          if (existing) await client.query(`LISTEN ${quoted}`);
        } catch (error) {
          if (channels.get(channel) === fns && fns.size === 0) channels.delete(channel);
          throw error;
        }
      } else {
        await connectListener();
      }
      fns.add(fn);
      const mine = fns;
      return async () => {
        mine.delete(fn);
        if (mine.size > 0 || channels.get(channel) !== mine) return;
        channels.delete(channel);
        const client = await listener?.catch(() => undefined);
        await client?.query(`UNLISTEN ${quoted}`).catch(() => undefined);
      };
    },
    async close(): Promise<void> {
      closed = true;
      const client = await listener?.catch(() => undefined);
      listener = undefined;
      await client?.end().catch(() => undefined);
      await pool.end();
    },
  };
}

function connectionExecutor(conn: ClientBase, state: { open: boolean }, depth: number): SqlExecutor {
  const executor: SqlExecutor = {
    async query<TRow extends object>(
      text: string,
      params: readonly unknown[] = [],
      options: QueryOptions = {},
    ): Promise<SqlResult<TRow>> {
      if (!state.open) throw new Error('Query on a transaction that has already ended');
      const result = await conn.query(statement(text, params, options));
      return { rows: result.rows as TRow[] };
    },
    transaction: (fn) => withSavepoint(executor, depth, () => fn(connectionExecutor(conn, state, depth + 1))),
  };
  return executor;
}

/** A `pg` query config: named (prepared once per connection) when the caller named it. */
function statement(text: string, params: readonly unknown[], options: QueryOptions): QueryConfig {
  return options.name === undefined ? { text, values: [...params] } : { name: options.name, text, values: [...params] };
}
