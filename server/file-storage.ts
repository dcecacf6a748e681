/**
 * Where uploaded files' bytes live (the attachments table holds what they are). One interface,
 * one implementation today: a directory, `DATA_DIR/uploads` by default. Several nodes share it
 * as a shared directory (an NFS or other network mount of the same folder on every node; see
 * docs/deploy.md, "Several nodes"): the files stream from disk, PostgreSQL stays small, and the
 * single-node backup script keeps working. Another store (an object store) implements the same
 * four methods.
 */
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

export interface FileStorage {
  /** Stores the bytes under `id`, whole or not at all (a crash never leaves half a file under a real id). */
  put(id: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null when there is no such file. */
  read(id: string): Promise<Buffer | null>;
  /** The file to serve (its size and a stream), or null. */
  open(id: string): Promise<{ size: number; stream: ReadableStream } | null>;
  remove(id: string): Promise<void>;
}

/** Files in one directory (created 0700, files 0600), named by their id. */
export class DiskStorage implements FileStorage {
  constructor(readonly dir: string) {}

  async put(id: string, bytes: Buffer): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const path = join(this.dir, id);
    await writeFile(`${path}.part`, bytes, { mode: 0o600 });
    await rename(`${path}.part`, path);
  }

  read(id: string): Promise<Buffer | null> {
    return readFile(join(this.dir, id)).catch(() => null);
  }

  async open(id: string): Promise<{ size: number; stream: ReadableStream } | null> {
    const path = join(this.dir, id);
    const info = await stat(path).catch(() => null);
    if (!info) return null;
    return { size: info.size, stream: Readable.toWeb(createReadStream(path)) as ReadableStream };
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.dir, id), { force: true });
  }
}
