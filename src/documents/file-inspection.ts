import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import yauzl from 'yauzl';
import { DomainError } from '../common/domain-error.js';

/** What a registered file is, decided from its bytes and checked against its name. */
export interface InspectedFile {
  mimeType: string;
  sha256: string;
}

type Sniffed = 'pdf' | 'png' | 'jpeg' | 'docx' | 'xlsx' | 'odt' | 'cfb' | 'text' | 'email';

// The allow-list: file name extension → the type its bytes must have and the type we record.
const ALLOWED: Record<string, { sniffed: Sniffed; mimeType: string }> = {
  '.pdf': { sniffed: 'pdf', mimeType: 'application/pdf' },
  '.png': { sniffed: 'png', mimeType: 'image/png' },
  '.jpg': { sniffed: 'jpeg', mimeType: 'image/jpeg' },
  '.jpeg': { sniffed: 'jpeg', mimeType: 'image/jpeg' },
  '.docx': {
    sniffed: 'docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  },
  '.xlsx': {
    sniffed: 'xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  '.odt': { sniffed: 'odt', mimeType: 'application/vnd.oasis.opendocument.text' },
  '.doc': { sniffed: 'cfb', mimeType: 'application/msword' },
  '.msg': { sniffed: 'cfb', mimeType: 'application/vnd.ms-outlook' },
  '.txt': { sniffed: 'text', mimeType: 'text/plain' },
  '.eml': { sniffed: 'email', mimeType: 'message/rfc822' },
};

const SNIFFED_BY_MIME: Record<string, Sniffed> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/x-cfb': 'cfb',
};

// A declared type that says nothing, or a common alias, is not a contradiction.
const NEUTRAL_DECLARATIONS = new Set(['', 'application/octet-stream', 'binary/octet-stream']);
const DECLARED_ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'application/x-pdf': 'application/pdf',
  'application/vnd.ms-word': 'application/msword',
};

/** Limits for zip-based documents (DOCX, XLSX, ODT), to refuse decompression bombs. */
export const ZIP_LIMITS = { maxEntries: 10_000, maxTotalBytes: 512 * 1024 * 1024, maxRatio: 200 };

const TEXT_SAMPLE_BYTES = 1024 * 1024;

function unsupported(message: string, code = 'unsupported_file_type'): DomainError {
  return new DomainError(415, code, message, [{ field: 'file', messages: [message] }]);
}

export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function sampleText(path: string): Promise<string | null> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(TEXT_SAMPLE_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, TEXT_SAMPLE_BYTES, 0);
    const sample = buffer.subarray(0, bytesRead);
    if (sample.includes(0)) return null;
    try {
      // stream: true tolerates a multi-byte character cut at the end of the sample.
      return new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    } catch {
      // Not UTF-8: accept single-byte text (Windows-1252/Latin-1) without control characters.
      // eslint-disable-next-line no-control-regex -- binary control bytes mean it is not text
      return /[\x00-\x08\x0e-\x1f\x7f]/.test(sample.toString('latin1'))
        ? null
        : sample.toString('latin1');
    }
  } finally {
    await handle.close();
  }
}

function looksLikeEmail(text: string): boolean {
  const header = text.split(/\r?\n\r?\n/, 1)[0];
  const lines = header.split(/\r?\n/).filter((line) => line.length > 0);
  const fields = lines
    .filter((line) => /^[A-Za-z][A-Za-z0-9-]*:/.test(line))
    .map((line) => line.split(':')[0].toLowerCase());
  return (
    lines.length > 0 &&
    ['from', 'date', 'subject', 'received', 'mime-version', 'message-id'].some((name) =>
      fields.includes(name),
    )
  );
}

function suspicious(message: string): DomainError {
  return unsupported(`${message}; it is refused as a possible zip bomb`, 'suspicious_archive');
}

/**
 * Inflates every part of a zip-based document and counts the bytes as they come out, stopping at
 * the first chunk past a limit. The sizes written in the archive's headers are not trusted: a
 * part that inflates to more (or less) than its header says is refused as well.
 */
async function assertReasonableZip(path: string, size: number): Promise<void> {
  const unreadable = () => unsupported('file is not a readable Office/OpenDocument file');
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    // The sizes are checked below, while inflating, with errors of our own.
    yauzl.open(
      path,
      { lazyEntries: true, autoClose: true, validateEntrySizes: false },
      (error, file) =>
        error || !file ? reject(error ?? new Error('unreadable zip')) : resolve(file),
    ),
  ).catch(() => {
    throw unreadable();
  });
  const maxTotal = Math.min(ZIP_LIMITS.maxTotalBytes, size * ZIP_LIMITS.maxRatio);
  let entries = 0;
  let total = 0;
  try {
    while (true) {
      const entry = await new Promise<yauzl.Entry | null>((resolve, reject) => {
        const cleanUp = () => {
          zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
        };
        const onEntry = (next: yauzl.Entry) => (cleanUp(), resolve(next));
        const onEnd = () => (cleanUp(), resolve(null));
        const onError = () => (cleanUp(), reject(unreadable()));
        zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      entries += 1;
      if (entries > ZIP_LIMITS.maxEntries) {
        throw suspicious(`file has more than ${ZIP_LIMITS.maxEntries} parts`);
      }
      if (entry.fileName.endsWith('/')) continue;
      if (!entry.canDecodeFileData()) throw unreadable();
      // An honest header already past the limit is refused without inflating anything.
      if (total + entry.uncompressedSize > maxTotal) {
        throw suspicious(`file expands to more than ${maxTotal} bytes`);
      }
      total += await inflatedSize(zip, entry, maxTotal - total).catch((error: unknown) => {
        throw error instanceof DomainError ? error : unreadable();
      });
    }
  } finally {
    zip.close();
  }

  async function inflatedSize(file: yauzl.ZipFile, entry: yauzl.Entry, allowance: number) {
    const stream = await file.openReadStreamPromise(entry);
    let inflated = 0;
    try {
      for await (const chunk of stream) {
        inflated += (chunk as Buffer).length;
        if (inflated > allowance) {
          throw suspicious(
            `file expands to more than ${maxTotal} bytes when unpacked, though its headers claim ${total + entry.uncompressedSize}`,
          );
        }
      }
    } finally {
      stream.destroy();
    }
    if (inflated !== entry.uncompressedSize) {
      throw suspicious(
        `part ${entry.fileName} of the file holds ${inflated} bytes but its header says ${entry.uncompressedSize}`,
      );
    }
    return inflated;
  }
}

/**
 * Decides the MIME type from the bytes and refuses (415) a file that is not on the allow-list,
 * whose bytes contradict its name or its declared type, or that is a decompression bomb.
 */
export async function inspectFile(
  path: string,
  originalName: string,
  declaredType: string | undefined,
  size: number,
): Promise<InspectedFile> {
  const extension = extname(originalName).toLowerCase();
  const allowed = ALLOWED[extension];
  if (!allowed) {
    throw unsupported(
      `file type ${extension || '(no extension)'} is not accepted; allowed: ${Object.keys(ALLOWED).join(', ')}`,
    );
  }
  const detected = await fileTypeFromFile(path);
  let sniffed: Sniffed | null = detected ? (SNIFFED_BY_MIME[detected.mime] ?? null) : null;
  if (!detected) {
    const text = await sampleText(path);
    if (text !== null)
      sniffed = allowed.sniffed === 'email' && looksLikeEmail(text) ? 'email' : 'text';
  }
  if (sniffed !== allowed.sniffed && !(allowed.sniffed === 'text' && sniffed === 'email')) {
    throw unsupported(
      `file is named ${extension} but its contents are ${detected?.mime ?? (sniffed ? `${sniffed}` : 'unrecognised data')}`,
      'content_mismatch',
    );
  }
  const declared = (declaredType ?? '').split(';')[0].trim().toLowerCase();
  const normalised = DECLARED_ALIASES[declared] ?? declared;
  if (!NEUTRAL_DECLARATIONS.has(normalised) && normalised !== allowed.mimeType) {
    throw unsupported(
      `file was sent as ${declared} but its contents are ${allowed.mimeType}`,
      'content_mismatch',
    );
  }
  if (allowed.sniffed === 'docx' || allowed.sniffed === 'xlsx' || allowed.sniffed === 'odt') {
    await assertReasonableZip(path, size);
  }
  return { mimeType: allowed.mimeType, sha256: await sha256Of(path) };
}
