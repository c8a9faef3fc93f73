import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { withSavepoint, type SqlClient, type SqlExecutor, type SqlResult } from './sql.js';

/**
 * Wraps a PGlite instance as a {@link SqlClient}. PGlite is one connection: its own `transaction()` holds a mutex,
 * so transactions run one after another and a query outside them waits for the running one to finish.
 * `close()` closes the instance.
 *
 * Inside a transaction, use its handle: a query on the client itself from within the transaction's function
 * would wait for the transaction forever, so it throws instead.
 *
 * PGlite does not fsync: commits survive a process crash but not an operating-system crash or power loss.
 * It is the embedded default; use PostgreSQL in production.
 *
 * @example
 * import { PGlite } from '@electric-sql/pglite';
 * const sql = createPgliteClient(await PGlite.create());
 * (await sql.query('SELECT 1 + 1 AS two')).rows; // [{ two: 2 }]
 */
export function createPgliteClient(db: PGlite): SqlClient {
  const inTransaction = new AsyncLocalStorage<true>();
  const refuseNested = () => {
    if (inTransaction.getStore()) {
      throw new Error(
        'PGlite has one connection: inside a transaction, query through the transaction handle, not the client (this would wait forever)',
      );
    }
  };
  return {
    dialect: 'pglite',
    async query<TRow extends object>(text: string, params: readonly unknown[] = []): Promise<SqlResult<TRow>> {
      refuseNested();
      const result = await db.query<TRow>(text, [...params]);
      return { rows: result.rows };
    },
    async transaction<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T> {
      refuseNested();
      return db.transaction((tx) => inTransaction.run(true, () => fn(transactionExecutor(tx, 1))));
    },
    async listen(channel: string, fn: (payload: string) => void): Promise<() => Promise<void>> {
      const unlisten = await db.listen(channel, fn);
      return () => unlisten();
    },
    close: () => db.close(),
  };
}

function transactionExecutor(tx: Transaction, depth: number): SqlExecutor {
  const executor: SqlExecutor = {
    async query<TRow extends object>(text: string, params: readonly unknown[] = []): Promise<SqlResult<TRow>> {
      const result = await tx.query<TRow>(text, [...params]);
      return { rows: result.rows };
    },
    transaction: (fn) => withSavepoint(executor, depth, () => fn(transactionExecutor(tx, depth + 1))),
  };
  return executor;
}

/**
 * Opens PGlite on a data folder (created when missing; initialising a new one takes several seconds, reopening
 * a fraction of a second) or in memory when `dataDir` is omitted or `memory://`. This does not lock the folder:
 * `openStore` does.
 *
 * @example
 * const sql = await openPgliteClient('memory://'); // or a data folder, e.g. './.gridflow/data'
 * (await migrate(sql)).version; // 8
 */
export async function openPgliteClient(dataDir?: string): Promise<SqlClient> {
  const db =
    dataDir === undefined || dataDir === 'memory://' ? await PGlite.create() : await PGlite.create({ dataDir });
  return createPgliteClient(db);
}
