import type { Role } from '../users/role.js';

/** Who is making a change: carried from the request into services and the audit log. */
export interface Actor {
  userId: number | null;
  label: string;
  roles: readonly Role[];
  organisationIds: readonly number[];
  requestId: string | null;
}

export function systemActor(label = 'system'): Actor {
  return { userId: null, label, roles: [], organisationIds: [], requestId: null };
}
