import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { assertBlobKey, type BlobStore } from './blobStore.js';
import { storageUnavailable } from './errors.js';

/**
 * A blob store in a folder: the bytes of key `k` are the file `<dir>/k`. Each is written to a temporary name
 * beside it, flushed to disk, then renamed, so a reader never sees half a file. Every process of a deployment
 * must see the same folder (a shared volume) for each to serve what the others stored.
 *
 * @example
 * const blobs = createFolderBlobStore(config.attachments.dir);
 */
export function createFolderBlobStore(dir: string): BlobStore {
  const root = resolve(dir);
  const fileOf = (key: string): string => {
    assertBlobKey(key);
    const file = join(root, ...key.split('/'));
    // The key's check already forbids `..`; this says so again where it matters.
    if (!file.startsWith(root + sep)) throw new TypeError('Attachment key outside the folder');
    return file;
  };
  const failed = (error: unknown) => storageUnavailable('folder', error);

  return {
    storage: 'folder',
    async put(key, data) {
      const file = fileOf(key);
      const temp = `${file}.${randomUUID()}.part`;
      try {
        await mkdir(dirname(file), { recursive: true });
        const handle = await open(temp, 'wx');
        try {
          await handle.writeFile(data);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temp, file);
      } catch (error) {
        await rm(temp, { force: true }).catch(() => undefined);
        throw failed(error);
      }
    },
    async get(key) {
      const file = fileOf(key);
      try {
        return await readFile(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw failed(error);
      }
    },
    async check() {
      try {
        await mkdir(root, { recursive: true });
        await access(root, constants.R_OK | constants.W_OK);
      } catch (error) {
        throw failed(error);
      }
    },
    async delete(key) {
      const file = fileOf(key);
      try {
        await rm(file, { force: true });
      } catch (error) {
        throw failed(error);
      }
    },
  };
}
