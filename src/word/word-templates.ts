import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The wording of a Word document, `templates/word/<name>.json`, and the municipality's logo,
 * `templates/word/logo.png`, when there is one. Read once, when a service starts.
 */
export function loadWordTemplate<T>(
  templatesDir: string,
  name: string,
): { wording: T; logo: Buffer | null } {
  const folder = resolve(templatesDir, 'word');
  const logo = resolve(folder, 'logo.png');
  return {
    wording: JSON.parse(readFileSync(resolve(folder, `${name}.json`), 'utf8')) as T,
    logo: existsSync(logo) ? readFileSync(logo) : null,
  };
}
