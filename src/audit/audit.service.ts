import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { decodeCursor, encodeCursor, Page } from '../common/pagination.js';
import { AuditEvent } from './audit-event.entity.js';
import { AuditEventDto, AuditQueryDto } from './dto/audit-event.dto.js';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number;
  before?: object;
  after?: object;
}

@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEvent) private readonly events: Repository<AuditEvent>,
    private readonly clock: Clock,
  ) {}

  /** Appends an event inside the caller's transaction, so the change and its record commit together. */
  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await manager.insert(AuditEvent, {
      occurredAt: this.clock.now(),
      actorUserId: actor.userId,
      actorLabel: actor.label,
      action: entry.action,
      entity: entry.entity,
      entityId: String(entry.entityId),
      before: entry.before ?? null,
      after: entry.after ?? null,
      requestId: actor.requestId,
      clientRequestId: actor.clientRequestId ?? null,
    });
  }

  /** Newest first. */
  async list(query: AuditQueryDto): Promise<Page<AuditEventDto>> {
    const limit = query.limit ?? 50;
    const where: Record<string, unknown> = {};
    if (query.entity !== undefined) where.entity = query.entity;
    if (query.entityId !== undefined) where.entityId = query.entityId;
    if (query.actorUserId !== undefined) where.actorUserId = query.actorUserId;
    if (query.cursor !== undefined) {
      const [beforeId] = decodeCursor(query.cursor, ['string']);
      where.id = LessThan(beforeId);
    }
    const rows = await this.events.find({ where, order: { id: 'DESC' }, take: limit + 1 });
    const items = rows.slice(0, limit).map((event) => AuditEventDto.from(event));
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor([rows[limit - 1].id]) : null,
    };
  }
}
