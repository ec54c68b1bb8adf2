import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { IdentifiedRequest } from '../common/request-id.js';
import type { Role } from '../users/role.js';

export const IS_PUBLIC = 'remiss:public';
export const ROLES_KEY = 'remiss:roles';

/** Opens a route to callers without an account; only where DESIGN.md says a route is public. */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The roles allowed on a route; a user needs at least one of them. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export interface AuthenticatedRequest extends IdentifiedRequest {
  actor?: Actor;
}

/** The authenticated caller as an {@link Actor}. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.actor) throw new Error('CurrentActor used on a route without authentication');
  return request.actor;
});
