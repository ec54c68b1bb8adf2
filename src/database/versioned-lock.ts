import type { EntityManager, EntityTarget, FindOptionsWhere } from 'typeorm';
import { DomainError } from '../common/domain-error.js';

/**
 * Loads a row `FOR UPDATE` inside the caller's transaction: 404 when it does not exist, 409 when
 * the caller's `expectedVersion` (from If-Match) is no longer current, so no update is lost.
 */
export async function lockVersioned<T extends { id: number; version: number }>(
  manager: EntityManager,
  target: EntityTarget<T>,
  id: number,
  label: string,
  expectedVersion?: number,
): Promise<T> {
  const entity = await manager.findOne(target, {
    where: { id } as FindOptionsWhere<T>,
    lock: { mode: 'pessimistic_write' },
  });
  if (!entity) throw DomainError.notFound(label, id);
  if (expectedVersion !== undefined && entity.version !== expectedVersion) {
    throw DomainError.conflict(
      'version_mismatch',
      `${label} ${id} has changed (version ${entity.version}); reload and try again`,
    );
  }
  return entity;
}
