/** Case attachments: photos and files of the problem and of the fix, stored in the database or a folder. */
export {
  AttachmentKind,
  createAttachmentStore,
  safeFilename,
  type AttachmentMeta,
  type AttachmentStorage,
  type AttachmentStore,
  type AttachmentStoreOptions,
  type NewAttachment,
} from './attachmentStore.js';
export { baseType, contentTypeProblem, sniffContentType } from './contentTypes.js';
