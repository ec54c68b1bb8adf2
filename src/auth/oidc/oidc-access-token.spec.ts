import { acceptedAlgorithms } from './oidc-access-token.js';

describe('acceptedAlgorithms', () => {
  it('keeps the asymmetric algorithms the provider advertises and drops none and HS*', () => {
    expect(acceptedAlgorithms(['none', 'HS256', 'RS256', 'ES256', 'PS512'])).toEqual([
      'RS256',
      'ES256',
      'PS512',
    ]);
  });

  it('falls back to RS256 when the provider advertises nothing usable', () => {
    expect(acceptedAlgorithms(undefined)).toEqual(['RS256']);
    expect(acceptedAlgorithms(['HS256', 'none'])).toEqual(['RS256']);
  });
});
