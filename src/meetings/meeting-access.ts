import { HttpStatus } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { withAncestors } from '../organisations/organisation-tree.js';

/** Who may read meetings, paragraphs, protocols and extracts (public records, but with an account). */
export const MEETING_READERS = ['admin', 'registrar', 'clerk', 'reader'] as const;

/**
 * Admins record meetings of every organisation; a clerk those of the organisations they belong
 * to and of the organisations under them (a council's clerk keeps its utskott's minutes).
 */
export async function mayRecordFor(
  manager: EntityManager,
  actor: Actor,
  organisationId: number,
): Promise<boolean> {
  if (actor.roles.includes('admin')) return true;
  if (!actor.roles.includes('clerk')) return false;
  const chain = await withAncestors(manager, organisationId);
  return chain.some((id) => actor.organisationIds.includes(id));
}

export async function assertMayRecordFor(
  manager: EntityManager,
  actor: Actor,
  organisationId: number,
  organisationName: string,
): Promise<void> {
  if (!(await mayRecordFor(manager, actor, organisationId))) {
    throw new DomainError(
      HttpStatus.FORBIDDEN,
      'not_your_organisation',
      `Only a clerk of ${organisationName} (or of an organisation above it) or an admin may do this`,
    );
  }
}
