import { DomainError } from '../common/domain-error.js';
import type { Role } from './role.js';

/**
 * 409 when a change would leave no active admin: then no one could manage users any more, and the
 * bootstrap admin is only created in an empty user table.
 */
export function assertAnAdminRemains(
  activeAdminIds: readonly number[],
  changed: { id: number; active: boolean; roles: readonly Role[] },
): void {
  const stillAdmin = changed.active && changed.roles.includes('admin');
  const remaining = activeAdminIds.filter((id) => id !== changed.id).length + (stillAdmin ? 1 : 0);
  if (remaining > 0) return;
  throw DomainError.conflict(
    'last_admin',
    'This is the last active admin: make another user admin before removing the admin role or deactivating this account',
    [{ field: changed.active ? 'roles' : 'active', messages: ['the last active admin must stay'] }],
  );
}
