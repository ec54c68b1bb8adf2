import type { Role } from '../users/role.js';

/** Who is making a change: carried from the request into services and the audit log. */
export interface Actor {
  userId: number | null;
  label: string;
  roles: readonly Role[];
  organisationIds: readonly number[];
  requestId: string | null;
  /** The caller's own `X-Request-Id`, recorded beside the server's id. */
  clientRequestId?: string | null;
}

export function systemActor(label = 'system'): Actor {
  return { userId: null, label, roles: [], organisationIds: [], requestId: null };
}
