import { passwordPolicy } from './auth.service.js';

const OIDC = { issuer: new URL('https://login.kommun.se') } as never;

describe('passwordPolicy (PASSWORD_LOGIN)', () => {
  it('lets everyone in with all, auditing admins as break-glass only under single sign-on', () => {
    const plain = passwordPolicy({ passwordLogin: 'all', oidc: null });
    expect(plain(['registrar'])).toBe('allowed');
    expect(plain(['admin'])).toBe('allowed');
    const sso = passwordPolicy({ passwordLogin: 'all', oidc: OIDC });
    expect(sso(['registrar'])).toBe('allowed');
    expect(sso(['admin', 'reader'])).toBe('break_glass');
  });

  it('lets only admins in with admins, as break-glass', () => {
    const policy = passwordPolicy({ passwordLogin: 'admins', oidc: OIDC });
    expect(policy(['registrar', 'clerk'])).toBe('refused');
    expect(policy([])).toBe('refused');
    expect(policy(['admin'])).toBe('break_glass');
  });

  it('lets nobody in with none', () => {
    const policy = passwordPolicy({ passwordLogin: 'none', oidc: OIDC });
    expect(policy(['admin'])).toBe('refused');
    expect(policy(['registrar'])).toBe('refused');
  });
});
