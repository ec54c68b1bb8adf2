/** What an access token says, once its signature, issuer and expiry have been checked. */
export interface AccessTokenClaims {
  /** The user id, as a string of digits. */
  sub: string;
  /** The user's token version when the token was issued. */
  ver: number;
  exp: number;
}

const USER_ID = /^[1-9][0-9]{0,9}$/;
const MAX_USER_ID = 4_294_967_295; // INT UNSIGNED

/**
 * The claims of a verified token when they have the shape this service issues, else null: `sub` a
 * positive whole number written plainly (no `1e3`, `0x1`, ` 1`), a token version, and an expiry
 * (jsonwebtoken accepts tokens without `exp`; this service never issues them, so they are forged or
 * leaked from elsewhere).
 */
export function acceptedClaims(payload: unknown): AccessTokenClaims | null {
  if (typeof payload !== 'object' || payload === null) return null;
  const { sub, ver, exp } = payload as Record<string, unknown>;
  if (typeof sub !== 'string' || !USER_ID.test(sub) || Number(sub) > MAX_USER_ID) return null;
  if (typeof ver !== 'number' || !Number.isSafeInteger(ver) || ver < 0) return null;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return null;
  return { sub, ver, exp };
}
