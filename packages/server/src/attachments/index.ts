/**
 * Case attachments: photos and files of the problem and of the fix. The rows live in the database; the bytes in
 * the database, a folder or an S3-compatible object store, as the operator configures.
 */
export {
  AttachmentKind,
  createAttachmentStore,
  safeFilename,
  type AttachmentMeta,
  type AttachmentStore,
  type AttachmentStoreOptions,
  type NewAttachment,
} from './attachmentStore.js';
export { assertBlobKey, blobKey, type AttachmentStorage, type BlobStorage, type BlobStore } from './blobStore.js';
export { baseType, contentTypeProblem } from './contentTypes.js';
export { bytesMissing, storageNotConfigured, storageUnavailable } from './errors.js';
export { createFolderBlobStore } from './folderBlobs.js';
export { createS3BlobStore, s3ObjectUrl, type S3Settings } from './s3Blobs.js';
