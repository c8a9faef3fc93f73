/**
 * Where the bytes of attachments live when they are not in the database: a folder, or an S3-compatible object
 * store. The attachment rows stay in the database either way; a row records its storage and the key of its bytes,
 * so rows written under an earlier configuration stay readable after the operator switches storage.
 *
 * The database storage is not a blob store: it keeps the bytes in the row itself (`bytea`), written by the same
 * INSERT, so a row and its bytes exist together or not at all.
 */

/** The storages that keep bytes outside the attachment row. */
export type BlobStorage = 'folder' | 's3';

/** Where attachment bytes live: in the database (`bytea`, the default), in a folder, or in an S3-compatible store. */
export type AttachmentStorage = 'db' | BlobStorage;

/**
 * Bytes by key. A key is relative and made of `/`-separated segments of letters, digits, `.`, `_` and `-` (no
 * empty, `.` or `..` segment): {@link blobKey} makes them. Every failure of the store itself is a GridflowError
 * `attachments.unavailable`.
 *
 * @example
 * const blobs = createFolderBlobStore('/var/lib/gridflow/attachments');
 * await blobs.put(blobKey('district-a', id), bytes);
 * await blobs.get(blobKey('district-a', id)); // the bytes
 */
export interface BlobStore {
  /** The storage name recorded in the rows whose bytes this store keeps. */
  readonly storage: BlobStorage;
  /** Keeps bytes under a key, replacing any; resolves when they are stored (never partly visible). */
  put(key: string, data: Uint8Array): Promise<void>;
  /** The bytes under a key, or null when the store has none. */
  get(key: string): Promise<Uint8Array | null>;
  /** Removes the bytes under a key; nothing happens when there are none. */
  delete(key: string): Promise<void>;
  /**
   * Resolves when the store answers and is usable (a folder that can be written, a bucket that can be read with
   * the configured credentials), else throws `attachments.unavailable`. For readiness probes: writes nothing.
   */
  check(): Promise<void>;
}

/** The key a readiness check reads: never written, so a usable store answers "no such key". */
export const PROBE_KEY = 'gridflow-readiness-probe';

/**
 * The key of an attachment's bytes: `<tenant as hex>/<id>`. Hex-encoding the tenant keeps any tenant name from
 * climbing out of its place (`../`) or colliding with another's.
 *
 * @example
 * blobKey('t-a', '0b6f…'); // '742d61/0b6f…'
 */
export function blobKey(tenant: string, id: string): string {
  const key = `${Buffer.from(tenant, 'utf8').toString('hex')}/${id}`;
  assertBlobKey(key);
  return key;
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Throws a TypeError for a key that is not a relative path of safe segments. */
export function assertBlobKey(key: string): void {
  const segments = key.split('/');
  if (key.length === 0 || key.length > 1024 || segments.some((s) => s === '.' || s === '..' || !SEGMENT.test(s)))
    throw new TypeError(`Not a valid attachment key: ${JSON.stringify(key.slice(0, 100))}`);
}
