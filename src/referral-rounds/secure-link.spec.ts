import { createHash } from 'node:crypto';
import {
  derivedLinkToken,
  hashLinkToken,
  isWellFormedToken,
  linkKey,
  newLinkToken,
  responseLink,
} from './secure-link.js';

describe('secure links', () => {
  it('makes 256-bit base64url tokens and keeps only their SHA-256', () => {
    const { token, hash } = newLinkToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashLinkToken(token)).toBe(hash);
    expect(newLinkToken().token).not.toBe(token);
  });

  it('gives every attempt of one mail the same token, and other mails, seeds or secrets another', () => {
    const key = linkKey('server-secret-server-secret-server-secret');
    const seed = '0123456789abcdef0123456789abcdef';
    const token = derivedLinkToken(key, 42, seed);
    expect(isWellFormedToken(token)).toBe(true);
    expect(derivedLinkToken(linkKey('server-secret-server-secret-server-secret'), 42, seed)).toBe(
      token,
    );
    expect(derivedLinkToken(key, 43, seed)).not.toBe(token);
    expect(derivedLinkToken(key, 42, 'fedcba9876543210fedcba9876543210')).not.toBe(token);
    expect(derivedLinkToken(linkKey('another-secret-another-secret-another'), 42, seed)).not.toBe(
      token,
    );
    // The key is derived for links only: it is not the secret itself.
    expect(key.equals(Buffer.from('server-secret-server-secret-server-secret'))).toBe(false);
  });

  it('refuses anything not shaped like a token before any lookup', () => {
    expect(isWellFormedToken(newLinkToken().token)).toBe(true);
    expect(isWellFormedToken('a'.repeat(42))).toBe(false);
    expect(isWellFormedToken(`${'a'.repeat(42)}=`)).toBe(false);
    expect(isWellFormedToken(`${'a'.repeat(42)}/`)).toBe(false);
  });

  it('builds the link under PUBLIC_URL, also below a path', () => {
    expect(responseLink(new URL('https://remiss.kalmar.se'), 'abc')).toBe(
      'https://remiss.kalmar.se/respond/abc',
    );
    expect(responseLink(new URL('https://kalmar.se/remiss/'), 'abc')).toBe(
      'https://kalmar.se/remiss/respond/abc',
    );
  });
});
