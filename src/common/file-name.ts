/** The longest generated file name, extension included (well under every file system's 255). */
export const FILE_NAME_MAX = 150;

// Characters Windows, macOS or mail clients refuse or misread in a file name.
const RESERVED = /[/\\:*?"<>|]/g;
// Control, invisible and direction-changing characters (an RTL override could fake the extension).
const HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/gu;
const EXTENSION = /\.[0-9A-Za-z]{1,10}$/;

/**
 * The one sanitiser for the names of generated files and of every download: reserved characters
 * (`/ \ : * ? " < > |`) become `-`, control and invisible characters a space, whitespace runs one
 * space, and the name is cut to {@link FILE_NAME_MAX} characters keeping its extension. Built from
 * organisation names and titles, such a name never breaks storage, a download or a mail.
 */
export function safeFileName(name: string, maxLength = FILE_NAME_MAX): string {
  const cleaned = name
    .normalize('NFC')
    .replace(HIDDEN, ' ')
    .replace(RESERVED, '-')
    .replace(/\s+/g, ' ')
    .trim();
  const extension = EXTENSION.exec(cleaned)?.[0] ?? '';
  // Trailing dots and spaces are dropped by Windows; a name of dots alone means nothing.
  const base = cleaned
    .slice(0, cleaned.length - extension.length)
    .slice(0, Math.max(1, maxLength - extension.length))
    .replace(/[ .]+$/, '')
    .replace(/^[ .]+/, '');
  return `${base || 'dokument'}${extension}`;
}
