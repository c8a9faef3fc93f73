import { GridflowError } from '@gridflow/core';
import type { AttachmentStorage } from './blobStore.js';

/**
 * Errors of attachment storage. Their codes start with `attachments.` (plural; the client's mistakes are
 * `attachment.*`): each is a fault of the server or of the store it uses, answered with 5xx, and its messages are
 * written to be shown as they are: they name the storage, never an address, a key or a credential. What went wrong
 * underneath is kept as the error's `cause`, for the server log.
 */

const NAMES: Record<AttachmentStorage, { zh: string; en: string }> = {
  db: { zh: '数据库', en: 'database' },
  folder: { zh: '文件夹', en: 'folder' },
  s3: { zh: 'S3 兼容对象存储', en: 'S3-compatible object store' },
};

/**
 * The store holding the bytes failed or could not be reached (network, refused credentials, a missing bucket, a
 * full disk, 5xx): `attachments.unavailable`, HTTP 503.
 *
 * @example
 * throw storageUnavailable('s3', new Error('PUT answered 503 SlowDown'));
 */
export function storageUnavailable(storage: AttachmentStorage, cause: unknown): GridflowError {
  const name = NAMES[storage];
  return new GridflowError(
    'attachments.unavailable',
    {
      zh: `附件存储（${name.zh}）暂时不可用，请稍后重试`,
      en: `The attachment storage (${name.en}) is unavailable right now; try again later`,
    },
    { cause },
  );
}

/**
 * An attachment kept in a storage this server is no longer configured for (say, rows written to S3 before the
 * operator switched to the database and removed the S3 settings): `attachments.storage_not_configured`, HTTP 500.
 */
export function storageNotConfigured(storage: string): GridflowError {
  const name = NAMES[storage as AttachmentStorage] ?? { zh: storage, en: storage };
  return new GridflowError('attachments.storage_not_configured', {
    zh: `此附件保存在${name.zh}中，但服务器未配置该存储，请联系管理员`,
    en: `This attachment is kept in the ${name.en}, which this server is not configured for; contact the administrator`,
  });
}

/** The row of an attachment exists but its store has no bytes for it: `attachments.bytes_missing`, HTTP 500. */
export function bytesMissing(storage: AttachmentStorage): GridflowError {
  const name = NAMES[storage];
  return new GridflowError('attachments.bytes_missing', {
    zh: `附件文件在${name.zh}中已不存在，请联系管理员`,
    en: `The attachment's bytes are missing from the ${name.en}; contact the administrator`,
  });
}
