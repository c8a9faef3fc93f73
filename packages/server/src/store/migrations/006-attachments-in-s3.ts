import type { Migration } from './types.js';

/**
 * Schema version 6: attachments may keep their bytes in an S3-compatible object store. Version 4 allowed only
 * `db` and `folder` in `attachments.storage`; this widens both checks (the storage names, and "a db row has its
 * bytes, any other row the key of its bytes" in `path`). Existing rows satisfy both, so nothing is rewritten.
 *
 * One statement: the table is checked once, under the lock of the migration's own transaction.
 */
export const attachmentsInS3Migration: Migration = {
  version: 6,
  name: 'attachments in S3-compatible object stores',
  statements: [
    `ALTER TABLE attachments
      DROP CONSTRAINT attachments_storage_check,
      DROP CONSTRAINT attachments_check,
      ADD CONSTRAINT attachments_storage_check CHECK (storage IN ('db', 'folder', 's3')),
      ADD CONSTRAINT attachments_bytes_check
        CHECK ((storage = 'db' AND data IS NOT NULL) OR (storage <> 'db' AND path IS NOT NULL))`,
  ],
};
