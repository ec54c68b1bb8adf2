import { DomainError } from './domain-error.js';

/** The version in an `If-Match` header (`"3"`, `3` or `W/"3"`), or undefined when absent. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) {
    throw DomainError.validation([
      { field: 'If-Match', messages: ['If-Match must be a version such as "3"'] },
    ]);
  }
  return Number(match[1]);
}
