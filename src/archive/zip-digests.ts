import { createHash } from 'node:crypto';
import yauzl from 'yauzl';

/** What a zip entry holds, measured from its bytes. */
export interface EntryDigest {
  sha256: string;
  size: number;
}

/**
 * Streams every entry of the zip at `path`, one at a time and never whole, and hands each to
 * `visit` with the SHA-256 and size of its bytes. An error thrown by `visit` stops the reading and
 * rejects with it.
 */
export async function digestZipEntries(
  path: string,
  visit: (entry: yauzl.Entry, digest: EntryDigest) => void,
): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (error, opened) =>
      error ? reject(error) : resolve(opened),
    ),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (error, stream) => {
          if (error) return reject(error);
          const hash = createHash('sha256');
          let size = 0;
          stream.on('data', (chunk: Buffer) => {
            hash.update(chunk);
            size += chunk.length;
          });
          stream.on('error', reject);
          stream.on('end', () => {
            try {
              visit(entry, { sha256: hash.digest('hex'), size });
            } catch (failure) {
              reject(failure instanceof Error ? failure : new Error(String(failure)));
              return;
            }
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
}
