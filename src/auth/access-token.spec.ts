import { acceptedClaims } from './access-token.js';

describe('acceptedClaims', () => {
  const good = { sub: '12', ver: 3, exp: 1_900_000_000, iat: 1_899_990_000, iss: 'remiss' };

  it('accepts the claims this service issues', () => {
    expect(acceptedClaims(good)).toEqual({ sub: '12', ver: 3, exp: 1_900_000_000 });
  });

  it('refuses a token without an expiry', () => {
    expect(acceptedClaims({ ...good, exp: undefined })).toBeNull();
    expect(acceptedClaims({ ...good, exp: '1900000000' })).toBeNull();
  });

  it.each(['1e3', '0x1', '1.0', ' 1', '1 ', '+1', '01', '0', '-1', '', '4294967296', '1_0'])(
    'refuses the subject %j: only a plain positive whole number names a user',
    (sub) => {
      expect(acceptedClaims({ ...good, sub })).toBeNull();
    },
  );

  it('refuses a numeric subject and a missing or malformed token version', () => {
    expect(acceptedClaims({ ...good, sub: 12 })).toBeNull();
    expect(acceptedClaims({ ...good, ver: undefined })).toBeNull();
    expect(acceptedClaims({ ...good, ver: -1 })).toBeNull();
    expect(acceptedClaims({ ...good, ver: 1.5 })).toBeNull();
    expect(acceptedClaims({ ...good, ver: '3' })).toBeNull();
  });

  it('accepts the largest user id the database can hold', () => {
    expect(acceptedClaims({ ...good, sub: '4294967295' })?.sub).toBe('4294967295');
  });
});
