import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SqlExecutor } from '../store/sql.js';

/** Photos and files of the problem (`before`), of the fix (`after`), or anything else (`other`). */
export const AttachmentKind = { BEFORE: 'before', AFTER: 'after', OTHER: 'other' } as const;
export type AttachmentKind = (typeof AttachmentKind)[keyof typeof AttachmentKind];

/** Where attachment bytes live: in the database (`bytea`, the default) or in a folder. */
export type AttachmentStorage = 'db' | 'folder';

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
}

/** Options of {@link createAttachmentStore}. */
export interface AttachmentStoreOptions {
  /** Default `db`. */
  storage?: AttachmentStorage;
  /** The folder for `folder` storage. */
  dir?: string;
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
 * Creates the attachment store over Gridflow's database. With `folder` storage the bytes are written to
 * `<dir>/<hex tenant>/<id>` (written to a temporary name, then renamed) before the row is inserted, and removed
 * again if the insert fails; the row keeps the relative path. Tenants are hex-encoded in paths, so no tenant name
 * can climb out of the folder.
 *
 * @example
 * const attachments = createAttachmentStore(ctx.sql, { storage: 'db' });
 * const meta = await attachments.save({ tenant, caseId, kind: 'before', filename: 'a.jpg', contentType: 'image/jpeg', data, uploadedBy, at });
 */
export function createAttachmentStore(sql: SqlExecutor, options: AttachmentStoreOptions = {}): AttachmentStore {
  const storage = options.storage ?? 'db';
  if (storage === 'folder' && !options.dir)
    throw new TypeError('Folder storage of attachments needs a folder (attachments.dir)');
  const root = resolve(options.dir ?? '.');
  const fileOf = (relative: string) => join(root, relative);

  return {
    storage,
    async save(a) {
      const id = randomUUID();
      const sha256 = createHash('sha256').update(a.data).digest('hex');
      const relative = join(Buffer.from(a.tenant, 'utf8').toString('hex'), id);
      if (storage === 'folder') {
        await mkdir(join(root, Buffer.from(a.tenant, 'utf8').toString('hex')), { recursive: true });
        const temp = `${fileOf(relative)}.part`;
        await writeFile(temp, a.data, { flag: 'wx' });
        await rename(temp, fileOf(relative));
      }
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
            storage === 'db' ? Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength) : null,
            storage === 'folder' ? relative : null,
            a.uploadedBy,
            a.at,
          ],
        );
        return toMeta(rows[0]!);
      } catch (error) {
        if (storage === 'folder') await rm(fileOf(relative), { force: true });
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
      return { meta, data: await readFile(fileOf(row.path ?? '')) };
    },
  };
}
