/** Where things lie in an export package (E-ARK information package layout). */

export const ERMS_PATH = 'metadata/descriptive/erms.xml';
export const METS_PATH = 'METS.xml';
export const README_PATH = 'README.txt';
export const DATA_DIR = 'representations/rep1/data';

const EXTENSION_BY_MIME: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/msword': 'doc',
  'text/plain': 'txt',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

/**
 * A document's file name in the package: its document number made safe for any file system
 * (`KS 2026/0001-3` → `KS_2026-0001-3`), with the extension of the registered file.
 */
export function packageFileName(
  documentNumber: string,
  fileName: string,
  mimeType: string,
): string {
  const base = documentNumber
    .replace(/\//g, '-')
    .replace(/\s+/g, '_')
    .replace(/[^0-9A-Za-z_.-]/g, '_');
  const own = /\.([0-9A-Za-z]{1,10})$/.exec(fileName)?.[1]?.toLowerCase();
  const extension = own ?? EXTENSION_BY_MIME[mimeType] ?? 'bin';
  return `${base}.${extension}`;
}
