import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { GridflowError, type CaseStore } from '@gridflow/core';
import { migrate, type MigrationReport } from './migrate.js';
import { openPgliteClient } from './pglite.js';
import { createPostgresClient } from './postgres.js';
import type { SqlClient } from './sql.js';
import { createSqlStore } from './sqlStore.js';

/** Where {@link openStore} keeps cases. */
export interface OpenStoreOptions {
  /** `postgres://…`: use PostgreSQL. Without it, PGlite at `dataDir`. */
  databaseUrl?: string;
  /** PGlite data folder (default `./.gridflow/data`); `memory://` keeps everything in memory. */
  dataDir?: string;
  /** PostgreSQL only: the schema for Gridflow's tables (created when missing). Default: `search_path`, i.e. `public`. */
  schema?: string;
  /** PostgreSQL only: the most connections to hold (default 10). */
  maxConnections?: number;
}

/** An open store: the case store, the SQL client under it (for later server tables), and one `close()` for both. */
export interface OpenedStore {
  /** The case store; its `close()` is the same as {@link OpenedStore.close}. */
  store: CaseStore & { close(): Promise<void> };
  client: SqlClient;
  /** What the migrations did on opening. */
  migrations: MigrationReport;
  /** Closes the database and releases the data folder. */
  close(): Promise<void>;
}

/** The default PGlite data folder, relative to the working directory. */
export const DEFAULT_DATA_DIR = './.gridflow/data';

/** The name of the lock file {@link openStore} keeps in a PGlite data folder while it has it open. */
export const LOCK_FILE = 'gridflow.lock';

/**
 * Opens the durable case store and brings its schema up to date. With `databaseUrl` it uses PostgreSQL (safe
 * for several server processes); otherwise PGlite in `dataDir`, which one process at a time may open: a lock
 * file with the pid guards the folder, and a lock left by a process that has died is taken over.
 *
 * PGlite does not fsync: a commit survives the process crashing but not the machine. Use PostgreSQL in
 * production.
 *
 * @example
 * const { store, close } = await openStore({ dataDir: 'memory://' }); // or { databaseUrl: process.env.DATABASE_URL }
 * (await store.listCases({ tenant: 'demo' })).items; // []
 * await close();
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<OpenedStore> {
  if (options.databaseUrl) {
    const client = createPostgresClient({
      connectionString: options.databaseUrl,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
    });
    return finishOpening(client, () => undefined, options.schema, options.databaseUrl);
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  if (dataDir === 'memory://') return finishOpening(await openPgliteClient(dataDir), () => undefined);
  const folder = resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  const release = lockDataDir(folder);
  let client: SqlClient;
  try {
    client = await openPgliteClient(folder);
  } catch (error) {
    release();
    throw error;
  }
  return finishOpening(client, release);
}

async function finishOpening(
  client: SqlClient,
  release: () => void,
  schema?: string,
  databaseUrl?: string,
): Promise<OpenedStore> {
  let report: MigrationReport;
  try {
    report = await migrate(client, schema === undefined ? {} : { schema });
  } catch (error) {
    await client.close().catch(() => undefined);
    release();
    throw databaseUrl !== undefined && isConnectionError(error) ? unreachable(databaseUrl, error) : error;
  }
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        await client.close();
      } finally {
        release();
      }
    })());
  return { store: { ...createSqlStore(client), close }, client, migrations: report, close };
}

/** Lock files this process holds, by path: a lock naming our own pid that is not here is a leftover (e.g. pid 1 in a container). */
const heldLocks = new Set<string>();

interface LockContent {
  pid: number;
  host: string;
  since: string;
}

/**
 * Takes the lock file of a PGlite data folder, or throws `store.data_dir_locked` naming the folder and the pid
 * holding it. A lock of a process that no longer runs (on this host) is taken over. Returns the release function.
 */
export function lockDataDir(folder: string): () => void {
  const path = join(folder, LOCK_FILE);
  const content = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
  } satisfies LockContent);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, content);
      } finally {
        closeSync(fd);
      }
      heldLocks.add(path);
      return () => {
        heldLocks.delete(path);
        // Remove it only while it is still ours.
        if (readLock(path).raw === content) unlinkQuietly(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const existing = readLock(path);
    if (existing.owner && isAlive(existing.owner, path)) throw dataDirLocked(folder, path, existing.owner.pid);
    // Stale: remove it if it is still the one we read, then try again.
    if (readLock(path).raw === existing.raw) unlinkQuietly(path);
  }
  throw dataDirLocked(folder, path, readLock(path).owner?.pid);
}

function readLock(path: string): { raw: string | undefined; owner: LockContent | undefined } {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return { raw: undefined, owner: undefined };
  }
  try {
    const parsed = JSON.parse(raw) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return { raw, owner: { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? '') } };
    }
  } catch {
    // unreadable: treated as stale
  }
  return { raw, owner: undefined };
}

function isAlive(owner: LockContent, path: string): boolean {
  // A lock from another host (a shared folder) cannot be checked: assume it is held.
  if (owner.host !== hostname()) return true;
  if (owner.pid === process.pid) return heldLocks.has(path);
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function dataDirLocked(folder: string, lockFile: string, pid: number | undefined): GridflowError {
  const who = pid === undefined ? '' : pid === process.pid ? `（本进程 pid ${pid}）` : `（pid ${pid}）`;
  const whoEn = pid === undefined ? '' : pid === process.pid ? ` (this process, pid ${pid})` : ` (pid ${pid})`;
  return new GridflowError(
    'store.data_dir_locked',
    {
      zh: `数据目录 ${folder} 已被另一个 Gridflow 进程${who}打开。请先停止该进程，或换用其他数据目录；如确认没有 Gridflow 在运行，可删除 ${lockFile}。`,
      en: `The data folder ${folder} is already open in another Gridflow process${whoEn}. Stop that process or use another data folder; if no Gridflow is running, delete ${lockFile}.`,
    },
    { details: { dataDir: folder, lockFile, ...(pid === undefined ? {} : { pid }) } },
  );
}

/** True for failures to reach or log in to PostgreSQL (as opposed to errors of the migrations' SQL). */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    // Node's socket errors (ECONNREFUSED, ENOTFOUND…); SQLSTATE classes 08 (connection) and 28 (authorisation);
    // unknown database; server starting up or out of connections.
    return /^E[A-Z]+$/.test(code) || /^(08|28)/.test(code) || ['3D000', '57P03', '53300'].includes(code);
  }
  return error instanceof Error && /Connection terminated|timeout/i.test(error.message);
}

function unreachable(databaseUrl: string, error: unknown): GridflowError {
  const where = redactUrl(databaseUrl);
  const code = (error as { code?: unknown } | null)?.code;
  const reason = (error instanceof Error && error.message) || (typeof code === 'string' ? code : String(error));
  return new GridflowError(
    'store.unavailable',
    {
      zh: `无法连接 PostgreSQL 数据库 ${where}：${reason}`,
      en: `Cannot connect to the PostgreSQL database ${where}: ${reason}`,
    },
    { cause: error, details: { database: where } },
  );
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable database URL)';
  }
}
