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

async function assertReasonableZip(path: string, size: number): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(path, { lazyEntries: true, autoClose: true }, (error, file) =>
      error || !file ? reject(error ?? new Error('unreadable zip')) : resolve(file),
    ),
  ).catch(() => {
    throw unsupported('file is not a readable Office/OpenDocument file');
  });
  let entries = 0;
  let total = 0;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries += 1;
      total += entry.uncompressedSize;
      if (
        entries > ZIP_LIMITS.maxEntries ||
        total > ZIP_LIMITS.maxTotalBytes ||
        total > size * ZIP_LIMITS.maxRatio
      ) {
        zip.close();
        reject(
          unsupported(
            `file expands to more than ${total} bytes in ${entries} parts; it is refused as a possible zip bomb`,
            'suspicious_archive',
          ),
        );
        return;
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve());
    zip.on('error', () => reject(unsupported('file is not a readable Office/OpenDocument file')));
    zip.readEntry();
  });
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
