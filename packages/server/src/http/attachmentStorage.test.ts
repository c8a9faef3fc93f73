import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@gridflow/core';
import { blobKey, createS3BlobStore } from '../attachments/index.js';
import { loadConfig } from '../config.js';
import type { ServerConfig } from '../context.js';
import { buildHttpApp } from './app.js';
import { actors, ENGINES, noiseReport, startHarness, TENANTS, type Harness } from './harness.js';

/**
 * Attachments kept in a folder or an S3-compatible object store, chosen by configuration (the environment
 * variables `gridflow serve` reads): uploaded and downloaded through the API, served only to those who may see the
 * case, still readable after the operator switches storage, and nothing recorded when the store is down.
 */

const [T, OTHER_TENANT] = TENANTS;
const BUCKET = 'gridflow-test';
type Json = Record<string, any>;

/** A small PNG: the signature, then bytes of every value. */
const PNG = Buffer.concat([
  Buffer.from('89504e470d0a1a0a', 'hex'),
  Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256)),
]);

function multipart(kind: string, file: { filename: string; type: string; data: Buffer }) {
  const boundary = `----gridflow${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\n${kind}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`,
    ),
    file.data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** An S3 API server on a free port of 127.0.0.1, with the test bucket. */
async function startS3(directory: string): Promise<{ server: S3rver; endpoint: string }> {
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = (await server.run()) as AddressInfo;
  return { server, endpoint: `http://127.0.0.1:${port}` };
}

/** The environment of an operator choosing S3 (s3rver accepts the access key `S3RVER`). */
const s3Env = (endpoint: string, storage = 's3') => ({
  GRIDFLOW_ATTACHMENT_STORAGE: storage,
  GRIDFLOW_S3_ENDPOINT: endpoint,
  GRIDFLOW_S3_BUCKET: BUCKET,
  GRIDFLOW_S3_ACCESS_KEY_ID: 'S3RVER',
  GRIDFLOW_S3_SECRET_ACCESS_KEY: 'S3RVER',
  GRIDFLOW_S3_PREFIX: 'gridflow/',
});

describe.each(ENGINES)('attachment storage chosen by configuration on %s', (engine) => {
  const temp: string[] = [];
  const tempDir = (name: string) => {
    const dir = mkdtempSync(join(tmpdir(), `gridflow-${name}-`));
    temp.push(dir);
    return dir;
  };
  let s3: { server: S3rver; endpoint: string };
  let folder: string;
  beforeAll(async () => {
    s3 = await startS3(tempDir('s3'));
    folder = tempDir('attachments');
  });
  afterAll(async () => {
    await s3?.server.close();
    for (const dir of temp) rmSync(dir, { recursive: true, force: true });
  });

  /** The attachment configuration `gridflow serve` would build from these variables. */
  const attachmentsFrom = (env: Record<string, string>): ServerConfig['attachments'] =>
    loadConfig({ GRIDFLOW_ATTACHMENTS_DIR: folder, ...env }).attachments;

  describe.each(['folder', 's3'] as const)('%s', (storage) => {
    let h: Harness;
    beforeAll(async () => {
      const env = storage === 's3' ? s3Env(s3.endpoint) : { GRIDFLOW_ATTACHMENT_STORAGE: 'folder' };
      h = await startHarness(engine, { config: { attachments: attachmentsFrom(env) } });
    });
    afterAll(async () => {
      await h?.close();
    });

    const newCase = async (): Promise<string> => {
      const res = await h.request(actors.gridWorker, {
        method: 'POST',
        url: '/api/v1/cases',
        payload: { process: 'gridEscalation', input: noiseReport() },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as Json).id as string;
    };
    const get = (as: Actor, url: string, tenant?: string) =>
      h.request(as, { method: 'GET', url, ...(tenant ? { tenant } : {}) });

    it('uploads through the API, keeps the bytes in the configured store and serves them back byte for byte', async () => {
      const caseId = await newCase();
      const up = await h.request(actors.gridWorker, {
        method: 'POST',
        url: `/api/v1/cases/${caseId}/attachments`,
        ...multipart('before', { filename: '整改前.png', type: 'image/png', data: PNG }),
      });
      expect(up.statusCode, up.body).toBe(201);
      const meta = up.json() as Json;
      expect(meta).toMatchObject({ caseId, kind: 'before', filename: '整改前.png', size: PNG.length });
      expect(meta).not.toHaveProperty('storage');

      const { rows } = await h.ctx.sql.query<{ storage: string; data: unknown; path: string }>(
        'SELECT storage, data, path FROM attachments WHERE tenant = $1 AND id = $2',
        [T, meta.id],
      );
      expect(rows[0]).toEqual({ storage, data: null, path: blobKey(T, meta.id as string) });
      const kept =
        storage === 'folder'
          ? readFileSync(join(folder, rows[0]!.path))
          : await createS3BlobStore({ ...h.ctx.config.attachments.s3!, prefix: '' }).get(`gridflow/${rows[0]!.path}`);
      expect(Buffer.from(kept!).equals(PNG)).toBe(true);

      const url = `/api/v1/cases/${caseId}/attachments/${meta.id}`;
      for (const reader of [actors.gridWorker, actors.communityStaff, actors.resident]) {
        const file = await get(reader, url);
        expect(file.statusCode, file.body).toBe(200);
        expect(file.headers['content-type']).toBe('image/png');
        expect(file.rawPayload.equals(PNG)).toBe(true);
      }
      const list = await get(actors.communityStaff, `/api/v1/cases/${caseId}/attachments`);
      expect((list.json() as Json).items).toEqual([expect.objectContaining({ id: meta.id })]);
    });

    it('is ready when the store is usable, and says so', async () => {
      const ready = await h.app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode, ready.body).toBe(200);
      expect(ready.json()).toEqual({ status: 'ready', database: engine, attachments: storage });
    });

    it('serves nothing to those who may not see the case', async () => {
      const caseId = await newCase();
      const form = multipart('before', { filename: 'after.png', type: 'image/png', data: PNG });
      const up = await h.request(actors.gridWorker, {
        method: 'POST',
        url: `/api/v1/cases/${caseId}/attachments`,
        ...form,
      });
      expect(up.statusCode, up.body).toBe(201);
      const url = `/api/v1/cases/${caseId}/attachments/${(up.json() as Json).id}`;
      for (const [as, tenant] of [
        [actors.otherGridWorker, undefined],
        [actors.otherResident, undefined],
        [actors.gridWorker, OTHER_TENANT],
      ] as const) {
        const file = await get(as, url, tenant);
        expect([403, 404]).toContain(file.statusCode);
        expect(file.rawPayload.includes(PNG.subarray(0, 64))).toBe(false);
        expect([403, 404]).toContain((await get(as, `/api/v1/cases/${caseId}/attachments`, tenant)).statusCode);
      }
      const before = await h.digest();
      const refused = await h.request(actors.otherGridWorker, {
        method: 'POST',
        url: `/api/v1/cases/${caseId}/attachments`,
        ...form,
      });
      expect([403, 404]).toContain(refused.statusCode);
      expect(await h.digest()).toBe(before);
      expect((await h.app.inject({ method: 'GET', url })).statusCode).toBe(401);
    });

    it('still serves what it stored after the operator switches to the database', async () => {
      const caseId = await newCase();
      const up = await h.request(actors.gridWorker, {
        method: 'POST',
        url: `/api/v1/cases/${caseId}/attachments`,
        ...multipart('other', { filename: 'plan.png', type: 'image/png', data: PNG }),
      });
      const url = `/api/v1/cases/${caseId}/attachments/${(up.json() as Json).id}`;
      const env = storage === 's3' ? s3Env(s3.endpoint, 'db') : {};
      const switched = await buildHttpApp({ ...h.ctx, config: { ...h.ctx.config, attachments: attachmentsFrom(env) } });
      try {
        const token = await h.token(actors.gridWorker);
        const file = await switched.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
        expect(file.statusCode, file.body).toBe(200);
        expect(file.rawPayload.equals(PNG)).toBe(true);
        // New uploads now go to the database.
        const again = await switched.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseId}/attachments`,
          ...(() => {
            const form = multipart('other', { filename: 'db.png', type: 'image/png', data: PNG });
            return { payload: form.payload, headers: { ...form.headers, authorization: `Bearer ${token}` } };
          })(),
        });
        expect(again.statusCode, again.body).toBe(201);
        const { rows } = await h.ctx.sql.query<{ storage: string }>(
          'SELECT storage FROM attachments WHERE tenant = $1 AND id = $2',
          [T, (again.json() as Json).id],
        );
        expect(rows[0]!.storage).toBe('db');
      } finally {
        await switched.close();
      }
    });

    if (storage === 's3') {
      it('answers clearly when a row’s storage is no longer configured', async () => {
        const caseId = await newCase();
        const up = await h.request(actors.gridWorker, {
          method: 'POST',
          url: `/api/v1/cases/${caseId}/attachments`,
          ...multipart('other', { filename: 'x.png', type: 'image/png', data: PNG }),
        });
        const bare = await buildHttpApp({
          ...h.ctx,
          config: { ...h.ctx.config, attachments: attachmentsFrom({ GRIDFLOW_ATTACHMENT_STORAGE: 'db' }) },
        });
        try {
          const res = await bare.inject({
            method: 'GET',
            url: `/api/v1/cases/${caseId}/attachments/${(up.json() as Json).id}`,
            headers: { authorization: `Bearer ${await h.token(actors.gridWorker)}` },
          });
          expect(res.statusCode).toBe(500);
          expect(res.json()).toEqual({
            code: 'attachments.storage_not_configured',
            message_zh: expect.stringContaining('S3') as string,
            message_en: expect.stringContaining('not configured') as string,
            requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
          });
        } finally {
          await bare.close();
        }
      });

      it('records nothing and answers 503 attachments.unavailable when the object store is down', async () => {
        const down = await startS3(tempDir('s3-down'));
        const app = await buildHttpApp({
          ...h.ctx,
          config: { ...h.ctx.config, attachments: attachmentsFrom(s3Env(down.endpoint)) },
        });
        try {
          expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
            status: 'ready',
            database: engine,
            attachments: 's3',
          });
          await down.server.close();
          const ready = await app.inject({ method: 'GET', url: '/readyz' });
          expect(ready.statusCode).toBe(503);
          expect(ready.json()).toMatchObject({
            code: 'attachments.unavailable',
            message_en: expect.stringContaining('s3'),
          });
          const caseId = await newCase();
          const form = multipart('before', { filename: 'a.png', type: 'image/png', data: PNG });
          const res = await app.inject({
            method: 'POST',
            url: `/api/v1/cases/${caseId}/attachments`,
            payload: form.payload,
            headers: { ...form.headers, authorization: `Bearer ${await h.token(actors.gridWorker)}` },
          });
          expect(res.statusCode).toBe(503);
          expect(res.json()).toEqual({
            code: 'attachments.unavailable',
            message_zh: '附件存储（S3 兼容对象存储）暂时不可用，请稍后重试',
            message_en: 'The attachment storage (S3-compatible object store) is unavailable right now; try again later',
            requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) as string,
          });
          expect(res.body).not.toMatch(/\n\s+at |node_modules|\.ts:\d+|127\.0\.0\.1|S3RVER/);
          const { rows } = await h.ctx.sql.query('SELECT id FROM attachments WHERE tenant = $1 AND case_id = $2', [
            T,
            caseId,
          ]);
          expect(rows).toEqual([]);
        } finally {
          await app.close();
        }
      });
    }
  });
});
