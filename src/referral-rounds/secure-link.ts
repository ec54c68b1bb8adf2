import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

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

/** The key links are derived with: its own key from the server secret, used for nothing else. */
export function linkKey(serverSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', serverSecret, 'remiss', 'secure-link-v1', 32));
}

/**
 * The token of the link one mail carries: HMAC-SHA256 of the mail's id and seed (base64url, 43
 * characters, like a random token). Every attempt of the mail renders the same link, yet neither
 * the database (seed, hash) nor the secret alone yields it.
 */
export function derivedLinkToken(key: Buffer, outboxId: number, seed: string): string {
  return createHmac('sha256', key).update(`${outboxId}:${seed}`).digest('base64url');
}

/** True for something shaped like a token; anything else is refused without a lookup. */
export function isWellFormedToken(value: string): boolean {
  return TOKEN.test(value);
}

/** The response page a token opens: `${PUBLIC_URL}/respond/<token>`. */
export function responseLink(publicUrl: URL, token: string): string {
  return `${publicUrl.href.replace(/\/+$/, '')}/respond/${token}`;
}
