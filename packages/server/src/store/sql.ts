/**
 * A tiny driver interface over PostgreSQL (`pg`) and PGlite, so the store, the migrations and later server
 * work speak one dialect of SQL through one API. Values always travel as parameters (`$1`, `$2`, …).
 */

/** The rows a query returned. */
export interface SqlResult<TRow> {
  rows: TRow[];
}

/** Options of one statement. */
export interface QueryOptions {
  /**
   * Prepares the statement once per connection under this name (PostgreSQL parses and plans it once; later runs
   * send only the parameters). For the hot statements of fixed text; one name, one text. PGlite ignores it.
   */
  name?: string;
}

/** What can run queries: a client, or the handle of an open transaction. */
export interface SqlExecutor {
  /**
   * Runs one parameterised statement.
   *
   * @example
   * const { rows } = await sql.query<{ id: string }>('SELECT id FROM cases WHERE tenant = $1', [tenant]);
   */
  query<TRow extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<SqlResult<TRow>>;
  /**
   * Runs `fn` in a transaction: it commits when `fn` resolves and rolls back (rethrowing) when it rejects.
   * Called on a transaction handle it opens a savepoint, so the inner part can fail alone.
   */
  transaction<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
}

/** Which engine a client talks to. */
export type SqlDialect = 'postgres' | 'pglite';

/** A connection (or pool of connections) to one database. */
export interface SqlClient extends SqlExecutor {
  readonly dialect: SqlDialect;
  /**
   * Subscribes to `NOTIFY` on a channel (a plain lower-case name: a-z, 0-9, _); resolves to a function that
   * unsubscribes. Send with `SELECT pg_notify($1, $2)`.
   *
   * @example
   * const stop = await sql.listen?.('gridflow_cases', (payload) => console.log(payload));
   */
  listen?(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>>;
  /** Closes the connections. The client must not be used afterwards. */
  close(): Promise<void>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Quotes a SQL identifier (a schema or channel name) after checking it is a plain lower-case name, for the few
 * places where PostgreSQL accepts no parameter.
 *
 * @example
 * quoteIdent('gridflow_test_1a2b'); // '"gridflow_test_1a2b"'
 */
export function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new TypeError(`Not a plain SQL identifier (a-z, 0-9, _; at most 63 characters): ${JSON.stringify(name)}`);
  }
  return `"${name}"`;
}

/**
 * Runs `fn` inside a savepoint of an open transaction: an error rolls back to the savepoint and propagates.
 * Shared by both drivers to give nested `transaction()` calls the same meaning.
 */
export async function withSavepoint<T>(q: SqlExecutor, depth: number, fn: () => Promise<T>): Promise<T> {
  const name = `gridflow_sp_${depth}`;
  await q.query(`SAVEPOINT ${name}`);
  try {
    const result = await fn();
    await q.query(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (error) {
    await q.query(`ROLLBACK TO SAVEPOINT ${name}`);
    throw error;
  }
}

/** The SQLSTATE of a database error, when the value is one. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const { code } = error;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** SQLSTATE codes the store reacts to. */
export const SqlStates = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
} as const;
