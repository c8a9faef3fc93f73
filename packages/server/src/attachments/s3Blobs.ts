import { createHash } from 'node:crypto';
import { AwsClient } from 'aws4fetch';
import { assertBlobKey, PROBE_KEY, type BlobStore } from './blobStore.js';
import { storageUnavailable } from './errors.js';

/**
 * Where an S3-compatible object store is and how to sign for it (AWS S3, MinIO, Ceph RGW, Alibaba OSS and others
 * that speak the S3 API with Signature Version 4).
 */
export interface S3Settings {
  /** The service's base URL: `https://s3.cn-north-1.amazonaws.com.cn`, `http://minio:9000`, … */
  endpoint: string;
  bucket: string;
  /** The signing region (`us-east-1` for most S3-compatible stores that have no regions). */
  region: string;
  accessKeyId: string;
  /** Signs requests; never sent, logged or put in an error. */
  secretAccessKey: string;
  /** Keys start with this (`gridflow/`, say) to share a bucket; default none. */
  prefix?: string;
  /**
   * `true`: `<endpoint>/<bucket>/<key>` (MinIO, Ceph, most self-hosted stores). `false`: virtual-hosted
   * `<bucket>.<endpoint host>/<key>` (AWS, OSS).
   */
  forcePathStyle: boolean;
  /** Longest time one operation (with its retries) may take, in milliseconds; default 30000. */
  timeoutMs?: number;
}

/** Retries of a request the store answered with 5xx or 429 (with a short random back-off). */
const RETRIES = 2;

/** `a//b/` → `a/b/`; `` → ``. */
function normalisePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').split('/').filter(Boolean).join('/');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/**
 * The URL of an object, path-style or virtual-hosted. The endpoint may carry a path (a store behind a reverse
 * proxy under `/s3`).
 *
 * @example
 * s3ObjectUrl({ endpoint: 'http://minio:9000', bucket: 'files', forcePathStyle: true }, 'a/b');
 * // 'http://minio:9000/files/a/b'
 * s3ObjectUrl({ endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'files', forcePathStyle: false }, 'a/b');
 * // 'https://files.oss-cn-hangzhou.aliyuncs.com/a/b'
 */
export function s3ObjectUrl(
  settings: Pick<S3Settings, 'endpoint' | 'bucket' | 'forcePathStyle' | 'prefix'>,
  key: string,
): string {
  const objectKey = normalisePrefix(settings.prefix) + key;
  assertBlobKey(objectKey);
  const url = new URL(settings.endpoint);
  const base = url.pathname.replace(/\/+$/, '');
  if (settings.forcePathStyle) url.pathname = `${base}/${encodeURIComponent(settings.bucket)}/${objectKey}`;
  else {
    url.hostname = `${settings.bucket}.${url.hostname}`;
    url.pathname = `${base}/${objectKey}`;
  }
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** What went wrong with one request, for the log: the operation, the status and the store's error code only. */
class S3RequestError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly s3Code: string | undefined,
  ) {
    super(`S3 ${operation} answered ${status}${s3Code ? ` ${s3Code}` : ''}`);
    this.name = 'S3RequestError';
  }
}

/** The `<Code>` of an S3 error document, if the body is one. */
async function s3ErrorCode(response: Response): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  return /<Code>([A-Za-z0-9.]{1,100})<\/Code>/.exec(text)?.[1];
}

/**
 * A blob store in a bucket of an S3-compatible object store, with SigV4-signed PUT, GET and DELETE (aws4fetch over
 * `fetch`). Keys are `<prefix><key>`. Network failures, refused credentials (403), a missing bucket, timeouts and
 * 5xx answers (after two retries) are GridflowErrors `attachments.unavailable` whose cause names the operation,
 * the status and the store's error code, never the credentials or the signature.
 *
 * @example
 * const blobs = createS3BlobStore({
 *   endpoint: 'http://minio:9000', bucket: 'gridflow', region: 'us-east-1',
 *   accessKeyId: 'gridflow', secretAccessKey: process.env.S3_SECRET!, forcePathStyle: true,
 * });
 */
export function createS3BlobStore(settings: S3Settings): BlobStore {
  // Kept in this closure only: the store object carries no credentials to be logged by accident.
  const client = new AwsClient({
    accessKeyId: settings.accessKeyId,
    secretAccessKey: settings.secretAccessKey,
    service: 's3',
    region: settings.region,
    retries: RETRIES,
  });
  const timeoutMs = settings.timeoutMs ?? 30_000;
  const location = { ...settings, prefix: normalisePrefix(settings.prefix) };
  // Fails at once on an endpoint that is not a URL or a prefix that cannot start a key.
  s3ObjectUrl(location, 'x');

  const send = async (operation: string, key: string, init: RequestInit): Promise<Response> => {
    assertBlobKey(key);
    const url = s3ObjectUrl(location, key);
    try {
      return await client.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      // fetch failed: refused, reset, DNS, TLS, or the timeout.
      throw storageUnavailable('s3', new Error(`S3 ${operation} failed: ${errorText(error)}`));
    }
  };
  const fail = async (operation: string, response: Response) =>
    storageUnavailable('s3', new S3RequestError(operation, response.status, await s3ErrorCode(response)));
  /**
   * Reads a failed answer: resolves when it says the object is not there (404, no code or `NoSuchKey`; a missing
   * bucket is a broken store), else throws `attachments.unavailable`. With `deniedMeansMissing`, 403 and
   * `AccessDenied` count too: how AWS answers a missing key to credentials without s3:ListBucket.
   */
  const missingOrFail = async (operation: string, response: Response, deniedMeansMissing = false) => {
    const statuses = deniedMeansMissing ? [404, 403] : [404];
    if (!statuses.includes(response.status)) throw await fail(operation, response);
    const code = await s3ErrorCode(response);
    const missing = code === undefined || code === 'NoSuchKey' || (deniedMeansMissing && code === 'AccessDenied');
    if (!missing) throw storageUnavailable('s3', new S3RequestError(operation, response.status, code));
  };

  const store: BlobStore = {
    storage: 's3',
    async put(key, data) {
      const response = await send('PUT', key, {
        method: 'PUT',
        body: data,
        headers: {
          'content-type': 'application/octet-stream',
          'x-amz-content-sha256': createHash('sha256').update(data).digest('hex'),
        },
      });
      if (!response.ok) throw await fail('PUT', response);
      await response.arrayBuffer().catch(() => undefined);
    },
    async get(key) {
      const response = await send('GET', key, { method: 'GET' });
      if (response.ok) {
        try {
          return new Uint8Array(await response.arrayBuffer());
        } catch (error) {
          throw storageUnavailable('s3', new Error(`S3 GET broke off: ${errorText(error)}`));
        }
      }
      await missingOrFail('GET', response);
      return null;
    },
    async check() {
      // A GET of a key that is never written: "no such key" proves the endpoint, the bucket and the credentials.
      // Without s3:ListBucket, AWS answers a missing key with 403 AccessDenied instead: the credentials were
      // accepted and the bucket exists (wrong keys, signatures or buckets have codes of their own).
      const response = await send('GET', PROBE_KEY, { method: 'GET' });
      if (response.ok) await response.arrayBuffer().catch(() => undefined);
      else await missingOrFail('GET', response, true);
    },
    async delete(key) {
      const response = await send('DELETE', key, { method: 'DELETE' });
      if (response.ok) await response.arrayBuffer().catch(() => undefined);
      else await missingOrFail('DELETE', response);
    },
  };
  return store;
}

/** An error's message and its cause's code (`ECONNREFUSED`), without anything else it may carry. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: unknown } }).cause;
  const code = cause && typeof cause.code === 'string' ? ` (${cause.code})` : '';
  return `${error.name}: ${error.message}${code}`;
}
