import { createReadStream } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { DocumentStorage } from './document-storage.js';

const SHA256 = /^[0-9a-f]{64}$/;

/** Files on local disk under STORAGE_DIR: `ab/cd/abcd…` by SHA-256, incoming uploads in `incoming/`. */
export class LocalDiskStorage implements DocumentStorage {
  readonly incomingDir: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.incomingDir = join(this.root, 'incoming');
  }

  async init(): Promise<void> {
    await mkdir(this.incomingDir, { recursive: true });
  }

  async put(path: string, sha256: string): Promise<void> {
    const target = this.pathOf(sha256);
    if (await exists(target)) {
      await rm(path, { force: true });
      return;
    }
    await mkdir(join(target, '..'), { recursive: true });
    // Flush the bytes before the rename makes them visible under their final name.
    const handle = await open(path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(path, target);
    const directory = await open(join(target, '..'), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
  }

  open(sha256: string): Promise<Readable> {
    const stream = createReadStream(this.pathOf(sha256));
    return new Promise((resolvePromise, reject) => {
      stream.once('open', () => resolvePromise(stream));
      stream.once('error', reject);
    });
  }

  private pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error('not a SHA-256 hex digest');
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
