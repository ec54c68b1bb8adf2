import { createHash } from 'node:crypto';
import { hashLinkToken, isWellFormedToken, newLinkToken, responseLink } from './secure-link.js';

describe('secure links', () => {
  it('makes 256-bit base64url tokens and keeps only their SHA-256', () => {
    const { token, hash } = newLinkToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashLinkToken(token)).toBe(hash);
    expect(newLinkToken().token).not.toBe(token);
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
