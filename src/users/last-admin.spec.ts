import { DomainError } from '../common/domain-error.js';
import { assertAnAdminRemains } from './last-admin.js';

function refusal(run: () => void): DomainError {
  try {
    run();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a refusal');
}

describe('assertAnAdminRemains', () => {
  it('refuses the last active admin removing their own admin role', () => {
    const error = refusal(() =>
      assertAnAdminRemains([1], { id: 1, active: true, roles: ['reader'] }),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe('last_admin');
    expect(error.details).toEqual([
      { field: 'roles', messages: ['the last active admin must stay'] },
    ]);
  });

  it('refuses deactivating the last active admin', () => {
    const error = refusal(() =>
      assertAnAdminRemains([1], { id: 1, active: false, roles: ['admin'] }),
    );
    expect(error.code).toBe('last_admin');
    expect(error.details).toEqual([
      { field: 'active', messages: ['the last active admin must stay'] },
    ]);
  });

  it('allows it while another active admin remains', () => {
    expect(() =>
      assertAnAdminRemains([1, 2], { id: 1, active: false, roles: ['admin'] }),
    ).not.toThrow();
    expect(() =>
      assertAnAdminRemains([1, 2], { id: 2, active: true, roles: ['clerk'] }),
    ).not.toThrow();
  });

  it('leaves changes to other users alone', () => {
    expect(() =>
      assertAnAdminRemains([1], { id: 5, active: false, roles: ['registrar'] }),
    ).not.toThrow();
    expect(() =>
      assertAnAdminRemains([1], { id: 1, active: true, roles: ['admin'] }),
    ).not.toThrow();
  });
});
