import { createHash, randomBytes } from 'node:crypto';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** SHA-256 of a link token, the only form in which it is stored. */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A new secure-link token: 256 random bits, base64url (43 characters), and its hash. */
export function newLinkToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashLinkToken(token) };
}

/** True for something shaped like a token; anything else is refused without a lookup. */
export function isWellFormedToken(value: string): boolean {
  return TOKEN.test(value);
}

/** The response page a token opens: `${PUBLIC_URL}/respond/<token>`. */
export function responseLink(publicUrl: URL, token: string): string {
  return `${publicUrl.href.replace(/\/+$/, '')}/respond/${token}`;
}
