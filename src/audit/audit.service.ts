import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { And, EntityManager, In, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock, startOfDayIn } from '../common/clock.js';
import { addDays } from '../common/working-days.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { readsEverySecret, Secrecy } from '../common/secrecy.js';
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
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tzRegion'>,
  ) {}

  /** Appends an event inside the caller's transaction, so the change and its record commit together. */
  async record(manager: EntityManager, actor: Actor, entry: AuditEntry): Promise<void> {
    await this.recordMany(manager, actor, [entry]);
  }

  /**
   * Appends several events of one actor, in the order given, with one statement inside the
   * caller's transaction (see {@link record}).
   */
  async recordMany(manager: EntityManager, actor: Actor, entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const occurredAt = this.clock.now();
    await manager.insert(
      AuditEvent,
      entries.map((entry) => ({
        occurredAt,
        actorUserId: actor.userId,
        actorLabel: actor.label,
        action: entry.action,
        entity: entry.entity,
        entityId: String(entry.entityId),
        before: entry.before ?? null,
        after: entry.after ?? null,
        requestId: actor.requestId,
        clientRequestId: actor.clientRequestId ?? null,
      })),
    );
  }

  /**
   * Newest first. A row about something confidential keeps its action, actor, time and entity,
   * but its before/after only for those who may read the thing (one lookup per entity kind).
   */
  async list(query: AuditQueryDto, actor: Actor): Promise<Page<AuditEventDto>> {
    const limit = query.limit ?? 50;
    const where: Record<string, unknown> = {};
    if (query.entity !== undefined) where.entity = query.entity;
    if (query.entityId !== undefined) where.entityId = query.entityId;
    if (query.actorUserId !== undefined) where.actorUserId = query.actorUserId;
    const since = query.from && startOfDayIn(query.from, this.config.tzRegion);
    const until = query.to && startOfDayIn(addDays(query.to, 1), this.config.tzRegion);
    if (since && until) where.occurredAt = And(MoreThanOrEqual(since), LessThan(until));
    else if (since) where.occurredAt = MoreThanOrEqual(since);
    else if (until) where.occurredAt = LessThan(until);
    if (query.cursor !== undefined) {
      const [beforeId] = decodeCursor(query.cursor, ['string']);
      where.id = LessThan(beforeId);
    }
    const rows = await this.events.find({ where, order: { id: 'DESC' }, take: limit + 1 });
    return this.redactedPage(rows, limit, actor);
  }

  /**
   * The log of several subjects together (a case and its documents), newest first, with the
   * same cursor and the same redaction as {@link list}.
   */
  async listForSubjects(
    subjects: { entity: string; ids: (string | number)[] }[],
    query: { cursor?: string; limit?: number },
    actor: Actor,
  ): Promise<Page<AuditEventDto>> {
    const limit = query.limit ?? 50;
    const beforeId =
      query.cursor !== undefined ? decodeCursor(query.cursor, ['string'])[0] : undefined;
    const where = subjects
      .filter((subject) => subject.ids.length > 0)
      .map((subject) => ({
        entity: subject.entity,
        entityId: In(subject.ids.map(String)),
        ...(beforeId !== undefined ? { id: LessThan(String(beforeId)) } : {}),
      }));
    if (where.length === 0) return { items: [], nextCursor: null };
    const rows = await this.events.find({ where, order: { id: 'DESC' }, take: limit + 1 });
    return this.redactedPage(rows, limit, actor);
  }

  private async redactedPage(
    rows: AuditEvent[],
    limit: number,
    actor: Actor,
  ): Promise<Page<AuditEventDto>> {
    const page = rows.slice(0, limit);
    const secret = readsEverySecret(actor)
      ? new Set<AuditEvent>()
      : await this.confidentialRows(page);
    const items = page.map((event) =>
      AuditEventDto.from(event, !Secrecy.maySee(actor, { caseConfidential: secret.has(event) })),
    );
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor([rows[limit - 1].id]) : null,
    };
  }

  /**
   * The rows whose subject is confidential now, or was when the row was written. Kinds of entity
   * that never hold confidential content are listed; any other kind counts as confidential until
   * it is taught here, so a new entity cannot leak through the log.
   */
  private async confidentialRows(rows: AuditEvent[]): Promise<Set<AuditEvent>> {
    const byEntity = new Map<string, string[]>();
    for (const row of rows) {
      if (PLAIN_ENTITIES.has(row.entity) || !(row.entity in CONFIDENTIAL_IDS)) continue;
      byEntity.set(row.entity, [...(byEntity.get(row.entity) ?? []), row.entityId]);
    }
    const confidential = new Map<string, Set<string>>();
    for (const [entity, ids] of byEntity) {
      const found = await this.events.manager.query<{ id: number | string }[]>(
        CONFIDENTIAL_IDS[entity],
        [ids],
      );
      confidential.set(entity, new Set(found.map((row) => String(row.id))));
    }
    return new Set(
      rows.filter(
        (row) =>
          (!PLAIN_ENTITIES.has(row.entity) && !(row.entity in CONFIDENTIAL_IDS)) ||
          confidential.get(row.entity)?.has(row.entityId) === true ||
          Secrecy.stateIsConfidential(row.before) ||
          Secrecy.stateIsConfidential(row.after),
      ),
    );
  }
}

/** Entities whose audit rows hold no confidential content (names, roles, dates and ids only). */
const PLAIN_ENTITIES = new Set([
  'organisation',
  'user',
  'meeting',
  'referral_round_reminder',
  'paragraph_sequence',
]);

/** For each entity kind that belongs to a case: the ids among `?` that are confidential. */
const CONFIDENTIAL_IDS: Record<string, string> = {
  case: 'SELECT id FROM case_record WHERE id IN (?) AND confidential = 1',
  document: `SELECT d.id FROM document d JOIN case_record c ON c.id = d.case_id
              WHERE d.id IN (?) AND (c.confidential = 1 OR d.confidentiality IS NOT NULL)`,
  referral_round: `SELECT r.id FROM referral_round r JOIN case_record c ON c.id = r.case_id
                    WHERE r.id IN (?) AND c.confidential = 1`,
  meeting_item: `SELECT i.id FROM meeting_item i JOIN case_record c ON c.id = i.case_id
                  WHERE i.id IN (?) AND c.confidential = 1`,
  archive_export: 'SELECT id FROM archive_export WHERE id IN (?) AND confidential = 1',
};
