import type { Readable } from 'node:stream';

/** Where document files live, addressed by their SHA-256. */
export interface DocumentStorage {
  /** A folder on the same file system as the store, for uploads on their way in. */
  readonly incomingDir: string;
  /**
   * Moves a fully written file into the store under its SHA-256 (the same bytes are kept once).
   * When this resolves, the file is durable; a crash before it leaves no file in the store.
   */
  put(path: string, sha256: string): Promise<void>;
  open(sha256: string): Promise<Readable>;
}

export const DOCUMENT_STORAGE = Symbol('DOCUMENT_STORAGE');
