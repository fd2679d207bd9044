// The object store: files kept on disk under the SHA-256 of their content. The same bytes are stored
// once whoever sends them; a file is written to a temporary name and renamed into place, so a reader
// never finds half a file and a crash leaves at most a stray temporary file, never a corrupt object.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export interface StoredObject {
  sha256: string;
  size: number;
}

export interface ObjectStore {
  /** Stores the bytes (once: an object already there is kept) and answers their hash and size. */
  put(bytes: Buffer): Promise<StoredObject>;
  /** A stream of the object, or null when the store does not hold it. */
  open(sha256: string): Promise<{ stream: ReadStream; size: number } | null>;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function createObjectStore(dir: string): ObjectStore {
  // Two levels of fan-out keep directories small: ab/cd/abcd….
  const pathOf = (sha256: string) => {
    if (!SHA256_PATTERN.test(sha256)) throw new RangeError('an object is named by a lower-case hex SHA-256');
    return path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  };

  return {
    async put(bytes) {
      const sha256 = sha256Of(bytes);
      const target = pathOf(sha256);
      const existing = await stat(target).catch(() => null);
      if (existing?.size === bytes.length) return { sha256, size: bytes.length };
      await mkdir(path.dirname(target), { recursive: true });
      // In the target's directory, so that the rename stays on one file system and is atomic.
      const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
      try {
        await rename(temporary, target);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
      return { sha256, size: bytes.length };
    },

    async open(sha256) {
      const file = pathOf(sha256);
      const found = await stat(file).catch(() => null);
      if (!found?.isFile()) return null;
      return { stream: createReadStream(file), size: found.size };
    },
  };
}
