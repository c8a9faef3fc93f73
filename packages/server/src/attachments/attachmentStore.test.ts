import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridflowError } from '@gridflow/core';
import { migrate } from '../store/migrate.js';
import { migrations } from '../store/migrations/index.js';
import { openPgliteClient } from '../store/pglite.js';
import type { SqlClient } from '../store/sql.js';
import { createAttachmentStore, type AttachmentStore, type NewAttachment } from './attachmentStore.js';
import { blobKey, type AttachmentStorage, type BlobStore } from './blobStore.js';
import { createFolderBlobStore } from './folderBlobs.js';
import { attachmentsInS3Migration } from '../store/migrations/006-attachments-in-s3.js';
import { createS3BlobStore, type S3Settings } from './s3Blobs.js';

/**
 * The attachment store over each storage (database, folder, S3) on PGlite: what it keeps, what it gives back, what
 * happens when the row or the store fails, and rows kept under one configuration read under another.
 */

const BUCKET = 'gridflow-test';

let sql: SqlClient;
let dir: string;
let s3Dir: string;
let s3Server: S3rver;
let s3: S3Settings;

beforeAll(async () => {
  sql = await openPgliteClient('memory://');
  await migrate(sql);
  for (const [tenant, id] of [
    ['t-a', 'c-1'],
    ['t-a', 'c-2'],
    ['t-b', 'c-1'],
  ])
    await sql.query(
      `INSERT INTO cases (tenant, id, process, process_version, policy_id, policy_version, state, version, snapshot,
         summary, open, created_at, updated_at)
       VALUES ($1, $2, 'gridEscalation', 1, 'default', 1, 'triage', 1, '{}', '{}', true, 0, 0)`,
      [tenant, id],
    );
  dir = mkdtempSync(join(tmpdir(), 'gridflow-attachments-'));
  s3Dir = mkdtempSync(join(tmpdir(), 'gridflow-s3-'));
  s3Server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: s3Dir,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = (await s3Server.run()) as AddressInfo;
  s3 = {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: BUCKET,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    prefix: 'gridflow',
    forcePathStyle: true,
  };
});
afterAll(async () => {
  await s3Server?.close();
  await sql?.close();
  for (const d of [dir, s3Dir]) if (d) rmSync(d, { recursive: true, force: true });
});

const upload = (overrides: Partial<NewAttachment> = {}): NewAttachment => ({
  tenant: 't-a',
  caseId: 'c-1',
  kind: 'before',
  filename: 'photo.png',
  contentType: 'image/png',
  data: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(4096)]),
  uploadedBy: 'u-1',
  at: 1_000,
  ...overrides,
});

const rowOf = async (tenant: string, id: string) =>
  (
    await sql.query<{ storage: string; data: Uint8Array | null; path: string | null }>(
      'SELECT storage, data, path FROM attachments WHERE tenant = $1 AND id = $2',
      [tenant, id],
    )
  ).rows[0];

const countRows = async () =>
  Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM attachments')).rows[0]!.n);

/** A GridflowError's code, or the error when it is something else. */
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (e: unknown) => (e instanceof GridflowError ? e.code : e),
  );

describe('schema version 6', () => {
  it('is registered after the attachments table (version 4) and applied', async () => {
    expect(attachmentsInS3Migration.version).toBe(6);
    expect(migrations).toContain(attachmentsInS3Migration);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    const { rows } = await sql.query<{ version: number }>(
      'SELECT version FROM gridflow_migrations WHERE version = $1',
      [attachmentsInS3Migration.version],
    );
    expect(rows).toHaveLength(1);
  });

  it('still refuses unknown storages, a db row without bytes and an s3 or folder row without a key', async () => {
    const insert = (id: string, storage: string, data: Buffer | null, path: string | null) =>
      sql.query(
        `INSERT INTO attachments (tenant, id, case_id, kind, filename, content_type, size, sha256, storage, data, path, uploaded_by, created_at)
         VALUES ('t-a', $1, 'c-1', 'other', 'f', 'image/png', 1, 'x', $2, $3, $4, 'u', 0)`,
        [id, storage, data, path],
      );
    const before = await countRows();
    await expect(insert('x-1', 'ftp', null, 'a/b')).rejects.toThrow(/attachments_storage_check/);
    await expect(insert('x-2', 'db', null, null)).rejects.toThrow(/attachments_bytes_check/);
    await expect(insert('x-3', 's3', Buffer.from('x'), null)).rejects.toThrow(/attachments_bytes_check/);
    await expect(insert('x-4', 'folder', null, null)).rejects.toThrow(/attachments_bytes_check/);
    expect(await countRows()).toBe(before);
  });
});

describe.each(['db', 'folder', 's3'] as const)('the attachment store with %s storage', (storage) => {
  let store: AttachmentStore;
  beforeAll(() => {
    store = createAttachmentStore(sql, { storage, dir, s3 });
  });

  it('keeps an attachment and gives back its description and exactly its bytes', async () => {
    const a = upload({ filename: '现场照片.png', kind: 'after' });
    const meta = await store.save(a);
    expect(meta).toMatchObject({
      caseId: 'c-1',
      kind: 'after',
      filename: '现场照片.png',
      contentType: 'image/png',
      size: a.data.byteLength,
      sha256: createHash('sha256').update(a.data).digest('hex'),
      storage,
      uploadedBy: 'u-1',
      createdAt: 1_000,
    });
    const found = await store.read('t-a', 'c-1', meta.id);
    expect(found!.meta).toEqual(meta);
    expect(Buffer.from(found!.data).equals(a.data)).toBe(true);
    expect((await store.list('t-a', 'c-1')).map((m) => m.id)).toContain(meta.id);
  });

  it('records the storage in the row, with the bytes (db) or the key of the bytes (folder, s3)', async () => {
    const a = upload();
    const meta = await store.save(a);
    const row = await rowOf('t-a', meta.id);
    expect(row!.storage).toBe(storage);
    if (storage === 'db') {
      expect(row!.path).toBeNull();
      expect(Buffer.from(row!.data!).equals(a.data)).toBe(true);
    } else {
      expect(row!.data).toBeNull();
      expect(row!.path).toBe(blobKey('t-a', meta.id));
    }
  });

  it('finds an attachment only under its own tenant and case', async () => {
    const meta = await store.save(upload());
    expect(await store.read('t-b', 'c-1', meta.id)).toBeNull();
    expect(await store.read('t-a', 'c-2', meta.id)).toBeNull();
    expect(await store.list('t-b', 'c-1')).toEqual([]);
  });

  it('keeps no bytes when the row cannot be written (the case does not exist)', async () => {
    const puts: string[] = [];
    const spied = (inner: BlobStore): BlobStore => ({
      storage: inner.storage,
      put: (key, data) => (puts.push(key), inner.put(key, data)),
      get: (key) => inner.get(key),
      delete: (key) => inner.delete(key),
    });
    const folder = createFolderBlobStore(dir);
    const objects = createS3BlobStore(s3);
    const checked = createAttachmentStore(sql, {
      storage,
      blobs: { folder: spied(folder), s3: spied(objects) },
    });
    const before = await countRows();
    await expect(checked.save(upload({ caseId: 'no-such-case' }))).rejects.toThrow();
    expect(await countRows()).toBe(before);
    expect(puts).toHaveLength(storage === 'db' ? 0 : 1);
    for (const key of puts) expect(await (storage === 'folder' ? folder : objects).get(key)).toBeNull();
  });
});

describe('switching storage', () => {
  /** One attachment kept under each storage, by storage. */
  const kept = new Map<AttachmentStorage, { id: string; data: Uint8Array }>();
  beforeAll(async () => {
    for (const storage of ['db', 'folder', 's3'] as const) {
      const a = upload({ caseId: 'c-2' });
      const meta = await createAttachmentStore(sql, { storage, dir, s3 }).save(a);
      kept.set(storage, { id: meta.id, data: a.data });
    }
  });

  it('reads every row from the storage it records, whatever new attachments use now', async () => {
    for (const now of ['db', 'folder', 's3'] as const) {
      const store = createAttachmentStore(sql, { storage: now, dir, s3 });
      for (const [storage, { id, data }] of kept) {
        const found = await store.read('t-a', 'c-2', id);
        expect(found!.meta.storage).toBe(storage);
        expect(Buffer.from(found!.data).equals(data)).toBe(true);
      }
    }
  });

  it('says clearly when a row’s storage is no longer configured, and still lists it', async () => {
    const dbOnly = createAttachmentStore(sql, { storage: 'db' });
    expect(await codeOf(dbOnly.read('t-a', 'c-2', kept.get('s3')!.id))).toBe('attachments.storage_not_configured');
    expect(await codeOf(dbOnly.read('t-a', 'c-2', kept.get('folder')!.id))).toBe('attachments.storage_not_configured');
    expect(Buffer.from((await dbOnly.read('t-a', 'c-2', kept.get('db')!.id))!.data).equals(kept.get('db')!.data)).toBe(
      true,
    );
    expect((await dbOnly.list('t-a', 'c-2')).map((m) => m.storage).sort()).toEqual(['db', 'folder', 's3']);
    const error = await dbOnly.read('t-a', 'c-2', kept.get('s3')!.id).catch((e: GridflowError) => e);
    expect((error as GridflowError).messages).toEqual({
      zh: expect.stringContaining('S3') as string,
      en: expect.stringContaining('not configured') as string,
    });
  });

  it('refuses to be configured for a storage it has nothing for', () => {
    expect(() => createAttachmentStore(sql, { storage: 'folder' })).toThrow(/attachments\.dir/);
    expect(() => createAttachmentStore(sql, { storage: 's3', dir })).toThrow(/attachments\.s3/);
  });

  it('reports bytes gone from their store as attachments.bytes_missing', async () => {
    const store = createAttachmentStore(sql, { storage: 's3', dir, s3 });
    const meta = await store.save(upload({ caseId: 'c-2' }));
    await createS3BlobStore(s3).delete(blobKey('t-a', meta.id));
    expect(await codeOf(store.read('t-a', 'c-2', meta.id))).toBe('attachments.bytes_missing');
  });
});

describe('a store that is down', () => {
  it('stores nothing and says attachments.unavailable (S3 closed)', async () => {
    const dead = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir });
    const { port } = (await dead.run()) as AddressInfo;
    await dead.close();
    const store = createAttachmentStore(sql, { storage: 's3', s3: { ...s3, endpoint: `http://127.0.0.1:${port}` } });
    const before = await countRows();
    expect(await codeOf(store.save(upload()))).toBe('attachments.unavailable');
    expect(await countRows()).toBe(before);
  });

  it('stores nothing and says attachments.unavailable (a folder that cannot be written)', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'gridflow-attachments-'));
    try {
      await createFolderBlobStore(parent).put('file', Buffer.from('x'));
      const store = createAttachmentStore(sql, { storage: 'folder', dir: join(parent, 'file') });
      const before = await countRows();
      expect(await codeOf(store.save(upload()))).toBe('attachments.unavailable');
      expect(await countRows()).toBe(before);
      expect(readdirSync(parent)).toEqual(['file']);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
