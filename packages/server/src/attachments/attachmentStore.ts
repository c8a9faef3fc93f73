import { createHash, randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../store/sql.js';
import { blobKey, type AttachmentStorage, type BlobStorage, type BlobStore } from './blobStore.js';
import { bytesMissing, storageNotConfigured } from './errors.js';
import { createFolderBlobStore } from './folderBlobs.js';
import { createS3BlobStore, type S3Settings } from './s3Blobs.js';

/** Photos and files of the problem (`before`), of the fix (`after`), or anything else (`other`). */
export const AttachmentKind = { BEFORE: 'before', AFTER: 'after', OTHER: 'other' } as const;
export type AttachmentKind = (typeof AttachmentKind)[keyof typeof AttachmentKind];

/** An attachment's description (everything but its bytes). */
export interface AttachmentMeta {
  id: string;
  caseId: string;
  kind: AttachmentKind;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  storage: AttachmentStorage;
  uploadedBy: string;
  createdAt: number;
}

/** A new attachment to store. */
export interface NewAttachment {
  tenant: string;
  caseId: string;
  kind: AttachmentKind;
  filename: string;
  contentType: string;
  data: Uint8Array;
  uploadedBy: string;
  at: number;
}

/** Stores and reads case attachments. Permission checks are the caller's business. */
export interface AttachmentStore {
  readonly storage: AttachmentStorage;
  save(attachment: NewAttachment): Promise<AttachmentMeta>;
  list(tenant: string, caseId: string): Promise<AttachmentMeta[]>;
  /** The attachment and its bytes, or null when it does not exist for that case. */
  read(tenant: string, caseId: string, id: string): Promise<{ meta: AttachmentMeta; data: Uint8Array } | null>;
  /** Throws `attachments.unavailable` when new attachments could not be stored now (the readiness probe). */
  check?(): Promise<void>;
}

/**
 * Options of {@link createAttachmentStore}: where new attachments go, and every store the server can read from.
 * A row is read from the storage it records, whatever `storage` says now, when that storage is configured.
 */
export interface AttachmentStoreOptions {
  /** Where new attachments go: `db` (default), `folder` (needs `dir`) or `s3` (needs `s3`). */
  storage?: AttachmentStorage;
  /** The folder of `folder` storage. */
  dir?: string;
  /** The S3-compatible object store of `s3` storage. */
  s3?: S3Settings;
  /** Blob stores of one's own, by storage; they take the place of `dir` and `s3`. */
  blobs?: Partial<Record<BlobStorage, BlobStore>>;
}

interface Row {
  id: string;
  case_id: string;
  kind: AttachmentKind;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  storage: AttachmentStorage;
  uploaded_by: string;
  created_at: number | string;
}

const META = 'id, case_id, kind, filename, content_type, size, sha256, storage, uploaded_by, created_at';

const toMeta = (r: Row): AttachmentMeta => ({
  id: r.id,
  caseId: r.case_id,
  kind: r.kind,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  storage: r.storage,
  uploadedBy: r.uploaded_by,
  createdAt: Number(r.created_at),
});

/**
 * A file name safe to store and to put in a `Content-Disposition` header: the last path segment, without control
 * characters, at most 200 characters; `file` when nothing is left.
 */
export function safeFilename(name: string | undefined): string {
  const last = (name ?? '').split(/[\\/]/).pop() ?? '';
  const clean = [...last]
    .filter((c) => {
      const code = c.codePointAt(0) ?? 0;
      return code >= 0x20 && code !== 0x7f && c !== '"' && !(code >= 0xd800 && code <= 0xdfff);
    })
    .join('')
    .trim();
  return [...clean].slice(0, 200).join('') || 'file';
}

/**
 * Creates the attachment store over Gridflow's database. With `db` storage the bytes go in the row (`bytea`), in
 * the same INSERT. With `folder` or `s3` storage they go to the blob store first, under `<hex tenant>/<id>`, and
 * the row (recording the storage and that key) is inserted after; if the insert fails the bytes are removed again.
 * Store failures are GridflowErrors `attachments.unavailable`; a row whose storage is not configured gives
 * `attachments.storage_not_configured` when it is read.
 *
 * @example
 * const attachments = createAttachmentStore(ctx.sql, { storage: 'folder', dir: '/var/lib/gridflow/attachments' });
 * const meta = await attachments.save({ tenant, caseId, kind: 'before', filename: 'a.jpg', contentType: 'image/jpeg', data, uploadedBy, at });
 */
export function createAttachmentStore(sql: SqlExecutor, options: AttachmentStoreOptions = {}): AttachmentStore {
  const storage = options.storage ?? 'db';
  const blobs: Partial<Record<BlobStorage, BlobStore>> = {
    ...(options.dir ? { folder: createFolderBlobStore(options.dir) } : {}),
    ...(options.s3 ? { s3: createS3BlobStore(options.s3) } : {}),
    ...options.blobs,
  };
  if (storage === 'folder' && !blobs.folder)
    throw new TypeError('Folder storage of attachments needs a folder (attachments.dir)');
  if (storage === 's3' && !blobs.s3)
    throw new TypeError('S3 storage of attachments needs the S3 settings (attachments.s3)');
  const target = storage === 'db' ? undefined : blobs[storage];

  return {
    storage,
    check: async () => {
      // The database storage is checked with the database itself.
      await target?.check();
    },
    async save(a) {
      const id = randomUUID();
      const sha256 = createHash('sha256').update(a.data).digest('hex');
      const key = blobKey(a.tenant, id);
      // Bytes first: a row never points at bytes that are not there.
      if (target) await target.put(key, a.data);
      try {
        const { rows } = await sql.query<Row>(
          `INSERT INTO attachments (tenant, id, case_id, kind, filename, content_type, size, sha256, storage, data, path, uploaded_by, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::bigint) RETURNING ${META}`,
          [
            a.tenant,
            id,
            a.caseId,
            a.kind,
            a.filename,
            a.contentType,
            a.data.byteLength,
            sha256,
            storage,
            target ? null : Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength),
            target ? key : null,
            a.uploadedBy,
            a.at,
          ],
        );
        return toMeta(rows[0]!);
      } catch (error) {
        // The row's failure is the one to report; bytes left behind (the store is down too) are only orphaned.
        if (target) await target.delete(key).catch(() => undefined);
        throw error;
      }
    },
    async list(tenant, caseId) {
      const { rows } = await sql.query<Row>(
        `SELECT ${META} FROM attachments WHERE tenant = $1 AND case_id = $2 ORDER BY created_at, id`,
        [tenant, caseId],
      );
      return rows.map(toMeta);
    },
    async read(tenant, caseId, id) {
      const { rows } = await sql.query<Row & { data: Uint8Array | null; path: string | null }>(
        `SELECT ${META}, data, path FROM attachments WHERE tenant = $1 AND case_id = $2 AND id = $3`,
        [tenant, caseId, id],
      );
      const row = rows[0];
      if (!row) return null;
      const meta = toMeta(row);
      if (row.storage === 'db') return { meta, data: row.data ?? new Uint8Array() };
      const store = blobs[row.storage];
      if (!store) throw storageNotConfigured(row.storage);
      const data = row.path === null ? null : await store.get(row.path);
      if (data === null) throw bytesMissing(row.storage);
      return { meta, data };
    },
  };
}
