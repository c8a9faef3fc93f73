import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GridflowError } from '@gridflow/core';
import { blobKey, type BlobStore } from './blobStore.js';
import { createFolderBlobStore } from './folderBlobs.js';
import { createS3BlobStore, s3ObjectUrl, type S3Settings } from './s3Blobs.js';

/** The contract every blob store keeps (folder, S3), and what is particular to each. */

const BUCKET = 'gridflow-test';
const SECRET = 'very-secret-key-0123456789abcdefghij';

/** s3rver accepts the access key `S3RVER` (it does not check SigV4 signatures, only who signs). */
const s3Settings = (endpoint: string, extra: Partial<S3Settings> = {}): S3Settings => ({
  endpoint,
  bucket: BUCKET,
  region: 'us-east-1',
  accessKeyId: 'S3RVER',
  secretAccessKey: SECRET,
  forcePathStyle: true,
  ...extra,
});

/** Every byte value, then random bytes: nothing is taken for text. */
const binary = (n: number) => Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(n)]);

/** Files under a folder, relative. */
const filesUnder = (dir: string): string[] =>
  (
    readdirSync(dir, { recursive: true, withFileTypes: true }) as {
      isFile(): boolean;
      parentPath: string;
      name: string;
    }[]
  )
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

/** A failure of a store: `attachments.unavailable`, whose messages and cause never show the secret. */
async function expectUnavailable(promise: Promise<unknown>, cause: RegExp): Promise<GridflowError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GridflowError);
  const g = error as GridflowError;
  expect(g.code).toBe('attachments.unavailable');
  expect(g.messages.zh).toMatch(/附件存储.*暂时不可用/);
  expect(g.messages.en).toMatch(/attachment storage .* unavailable/);
  expect(String((g.cause as Error).message)).toMatch(cause);
  for (const text of [inspect(g, { depth: 10 }), JSON.stringify(g.toJSON()), String(g.stack)])
    expect(text).not.toContain(SECRET);
  return g;
}

describe.each(['folder', 's3'] as const)('the blob store contract: %s', (kind) => {
  let store: BlobStore;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridflow-blobs-'));
    if (kind === 'folder') {
      store = createFolderBlobStore(dir);
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: dir,
        configureBuckets: [{ name: BUCKET }],
      });
      const { port } = (await server.run()) as AddressInfo;
      store = createS3BlobStore(s3Settings(`http://127.0.0.1:${port}`));
      cleanup = async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      };
    }
  });
  afterAll(() => cleanup?.());

  it('says which storage it is', () => {
    expect(store.storage).toBe(kind);
  });

  it('gives back exactly the bytes it was given, small and large', async () => {
    for (const data of [Buffer.from([0]), binary(0), binary(1024 * 1024)]) {
      const key = blobKey('t-a', randomUUID());
      await store.put(key, data);
      const back = await store.get(key);
      expect(back).toBeInstanceOf(Uint8Array);
      expect(Buffer.from(back!).equals(data)).toBe(true);
    }
  });

  it('answers null for a key it has no bytes for', async () => {
    expect(await store.get(blobKey('t-a', randomUUID()))).toBeNull();
  });

  it('replaces the bytes of a key that is written again', async () => {
    const key = blobKey('t-a', randomUUID());
    await store.put(key, Buffer.from('first version'));
    await store.put(key, Buffer.from('second'));
    expect(Buffer.from((await store.get(key))!).toString()).toBe('second');
  });

  it('deletes, and deleting what is not there is fine', async () => {
    const key = blobKey('t-a', randomUUID());
    await store.put(key, binary(10));
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('keeps the same id of different tenants apart, whatever the tenant is called', async () => {
    const id = randomUUID();
    const tenants = ['t-a', 't-b', '../../etc', '街道/社区', 'T-A'];
    for (const tenant of tenants) await store.put(blobKey(tenant, id), Buffer.from(tenant));
    for (const tenant of tenants) expect(Buffer.from((await store.get(blobKey(tenant, id)))!).toString()).toBe(tenant);
  });

  it('refuses keys that are not relative paths of safe segments', async () => {
    for (const key of ['', '../x', '/abs', 'a//b', 'a/./b', 'a/../../b', 'a\\b', 'a b', 'a/b/']) {
      await expect(store.put(key, Buffer.from('x'))).rejects.toThrow(TypeError);
      await expect(store.get(key)).rejects.toThrow(TypeError);
    }
  });
});

describe('folder blob store', () => {
  it('keeps the bytes of a key at <dir>/<key>, with no temporary file left, and never outside the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridflow-blobs-'));
    try {
      const store = createFolderBlobStore(dir);
      const id = randomUUID();
      await store.put(blobKey('../../etc', id), Buffer.from('hello'));
      const hex = Buffer.from('../../etc').toString('hex');
      expect(filesUnder(dir)).toEqual([join(hex, id)]);
      expect(readFileSync(join(dir, hex, id), 'utf8')).toBe('hello');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a folder it cannot write to as attachments.unavailable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridflow-blobs-'));
    try {
      // A file where the folder should be: every write fails, whoever runs the tests.
      const file = join(dir, 'not-a-folder');
      await createFolderBlobStore(dir).put('not-a-folder', Buffer.from('x'));
      const store = createFolderBlobStore(file);
      await expectUnavailable(store.put(blobKey('t-a', randomUUID()), Buffer.from('x')), /ENOTDIR|EEXIST/);
      await expectUnavailable(store.check(), /ENOTDIR|EEXIST/);
      await expect(createFolderBlobStore(join(dir, 'fresh')).check()).resolves.toBeUndefined();
      expect(filesUnder(dir)).toEqual(['not-a-folder']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('S3 blob store', () => {
  let dir: string;
  let server: S3rver;
  let endpoint: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gridflow-s3-'));
    server = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: BUCKET }],
    });
    endpoint = `http://127.0.0.1:${((await server.run()) as AddressInfo).port}`;
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds path-style and virtual-hosted URLs, keeping a path of the endpoint and the key prefix', () => {
    const base = { bucket: 'files', forcePathStyle: true };
    expect(s3ObjectUrl({ ...base, endpoint: 'http://minio:9000' }, 'ab/c-1')).toBe('http://minio:9000/files/ab/c-1');
    expect(s3ObjectUrl({ ...base, endpoint: 'https://proxy.example.gov.cn/s3/' }, 'ab/c')).toBe(
      'https://proxy.example.gov.cn/s3/files/ab/c',
    );
    expect(
      s3ObjectUrl(
        { bucket: 'files', forcePathStyle: false, endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', prefix: '/gf//x/' },
        'ab/c',
      ),
    ).toBe('https://files.oss-cn-hangzhou.aliyuncs.com/gf/x/ab/c');
    expect(() => s3ObjectUrl({ ...base, endpoint: 'http://minio:9000', prefix: '../up' }, 'ab/c')).toThrow(TypeError);
  });

  it('puts objects under the prefix in the bucket', async () => {
    const prefixed = createS3BlobStore(s3Settings(endpoint, { prefix: 'district-a/gridflow' }));
    const plain = createS3BlobStore(s3Settings(endpoint));
    const key = blobKey('t-a', randomUUID());
    await prefixed.put(key, Buffer.from('under the prefix'));
    expect(await plain.get(key)).toBeNull();
    expect(Buffer.from((await plain.get(`district-a/gridflow/${key}`))!).toString()).toBe('under the prefix');
    await prefixed.delete(key);
    expect(await plain.get(`district-a/gridflow/${key}`)).toBeNull();
  });

  it('turns refused credentials (403) and a missing bucket (404) into attachments.unavailable', async () => {
    const key = blobKey('t-a', randomUUID());
    const stranger = createS3BlobStore(s3Settings(endpoint, { accessKeyId: 'NOBODY' }));
    await expectUnavailable(stranger.put(key, Buffer.from('x')), /PUT answered 403 InvalidAccessKeyId/);
    await expectUnavailable(stranger.get(key), /GET answered 403 InvalidAccessKeyId/);
    await expectUnavailable(stranger.check(), /GET answered 403 InvalidAccessKeyId/);
    await expect(createS3BlobStore(s3Settings(endpoint)).check()).resolves.toBeUndefined();
    const nowhere = createS3BlobStore(s3Settings(endpoint, { bucket: 'no-such-bucket' }));
    await expectUnavailable(nowhere.check(), /GET answered 404 NoSuchBucket/);
    await expectUnavailable(nowhere.put(key, Buffer.from('x')), /PUT answered 404 NoSuchBucket/);
    await expectUnavailable(nowhere.get(key), /GET answered 404 NoSuchBucket/);
    await expectUnavailable(nowhere.delete(key), /DELETE answered 404 NoSuchBucket/);
  });

  it('turns a store that does not answer into attachments.unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const store = createS3BlobStore(s3Settings(`http://127.0.0.1:${port}`));
    await expectUnavailable(store.put(blobKey('t-a', randomUUID()), Buffer.from('x')), /PUT failed.*ECONNREFUSED/);
  });

  describe('against a store that misbehaves', () => {
    let fake: Server;
    let fakeUrl: string;
    const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];
    let answer: 'fail' | 'hang' | 'denied' | 'badKey' = 'fail';
    beforeAll(async () => {
      fake = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
          if (answer === 'hang') return;
          if (answer === 'denied' || answer === 'badKey') {
            const code = answer === 'denied' ? 'AccessDenied' : 'InvalidAccessKeyId';
            res.writeHead(403, { 'content-type': 'application/xml' });
            res.end(`<?xml version="1.0"?><Error><Code>${code}</Code><Message>no</Message></Error>`);
            return;
          }
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end('<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Reduce your rate</Message></Error>');
        });
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      fake.closeAllConnections();
      await new Promise((resolve) => fake.close(resolve));
    });

    it('signs every request with SigV4 for s3 and the region, with the payload hash, never sending the secret', async () => {
      seen.length = 0;
      answer = 'fail';
      const store = createS3BlobStore(
        s3Settings(fakeUrl, { accessKeyId: 'AKIDEXAMPLE', region: 'cn-north-1', bucket: 'files' }),
      );
      const key = blobKey('t-a', randomUUID());
      const data = binary(100);
      // 5xx is retried twice, then reported.
      await expectUnavailable(store.put(key, data), /PUT answered 503 SlowDown/);
      expect(seen).toHaveLength(3);
      for (const request of seen) {
        expect(request).toMatchObject({ method: 'PUT', url: `/files/${key}` });
        expect(request.body.equals(data)).toBe(true);
        expect(request.headers.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/cn-north-1\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*x-amz-content-sha256[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
        );
        expect(request.headers['x-amz-content-sha256']).toBe(createHash('sha256').update(data).digest('hex'));
        expect(JSON.stringify(request.headers)).not.toContain(SECRET);
      }
    });

    it('is ready when AWS denies reading a missing key for want of s3:ListBucket, not when it refuses the key', async () => {
      answer = 'denied';
      const store = createS3BlobStore(s3Settings(fakeUrl));
      await expect(store.check()).resolves.toBeUndefined();
      // A read of real bytes denied is still the store failing, not "missing".
      await expectUnavailable(store.get(blobKey('t-a', randomUUID())), /GET answered 403 AccessDenied/);
      answer = 'badKey';
      await expectUnavailable(store.check(), /GET answered 403 InvalidAccessKeyId/);
    });

    it('gives up on a store that does not answer in time', async () => {
      seen.length = 0;
      answer = 'hang';
      const store = createS3BlobStore(s3Settings(fakeUrl, { timeoutMs: 300 }));
      const started = Date.now();
      await expectUnavailable(store.get(blobKey('t-a', randomUUID())), /GET failed.*(Timeout|abort)/i);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(seen).toHaveLength(1);
    });
  });
});
