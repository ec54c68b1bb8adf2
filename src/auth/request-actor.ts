import { HttpStatus, type ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { clientRequestIdOf, requestIdOf, type IdentifiedRequest } from '../common/request-id.js';
import type { Role } from '../users/role.js';
import type { AuthenticatedUser } from '../users/users.service.js';
import { ROLES_KEY } from './decorators.js';

/** The actor of a request by a signed-in user, the same for a bearer token and a page session. */
export function actorOf(user: AuthenticatedUser, request: IdentifiedRequest): Actor {
  return {
    userId: user.id,
    label: user.email,
    roles: user.roles,
    organisationIds: user.organisationIds,
    requestId: requestIdOf(request),
    clientRequestId: clientRequestIdOf(request),
  };
}

/** 403 unless the user holds one of the roles that the route's or controller's `@Roles()` names. */
export function assertRouteRoles(
  reflector: Reflector,
  context: ExecutionContext,
  user: { roles: readonly Role[] },
): void {
  const allowed = reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, [
    context.getHandler(),
    context.getClass(),
  ]);
  if (allowed && !allowed.some((role) => user.roles.includes(role))) {
    throw new DomainError(
      HttpStatus.FORBIDDEN,
      'forbidden',
      `This requires one of the roles: ${allowed.join(', ')}`,
    );
  }
}
