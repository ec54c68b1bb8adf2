import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { readsEverySecret } from '../common/secrecy.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { KeyedMutex } from '../common/keyed-mutex.js';
import { decodeCursor, encodeCursor, Page } from '../common/pagination.js';
import { nextInSequence } from '../database/sequence.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { lockVersioned } from '../database/versioned-lock.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { UsersService } from '../users/users.service.js';
import { formatCaseNumber } from './case-number.js';
import { assertCaseTransition, CaseStatus } from './case-status.js';
import { Case } from './case.entity.js';
import {
  CaseDetailDto,
  CaseDto,
  CaseQueryDto,
  CreateCaseDto,
  RelatedCaseDto,
  UpdateCaseDto,
} from './dto/case.dto.js';
import { searchCondition } from './case-search.js';

@Injectable()
export class CasesService {
  private readonly registrations = new KeyedMutex();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Registers a case; its number is allocated in the same transaction, so none is skipped. */
  async create(input: CreateCaseDto, actor: Actor): Promise<CaseDto> {
    // Registrations in one series queue on its sequence row in the database anyway; queueing them
    // here first keeps the waiting ones from tying up pooled connections, so the one holding the
    // row lock commits sooner.
    return this.registrations.run(String(input.organisationId), () => this.register(input, actor));
  }

  private register(input: CreateCaseDto, actor: Actor): Promise<CaseDto> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction((manager) => this.registerIn(manager, input, actor)),
    );
  }

  /**
   * Registers a case inside the caller's transaction (which then holds the series' sequence row
   * until it commits, so the number is never skipped).
   */
  async registerIn(manager: EntityManager, input: CreateCaseDto, actor: Actor): Promise<CaseDto> {
    const owner = await this.organisations.requireOne(
      manager,
      input.organisationId,
      'organisationId',
    );
    if (!owner.seriesCode) {
      throw DomainError.badRequest(
        'organisation_without_series',
        `${owner.name} has no seriesCode and cannot own cases; give it one first`,
        [{ field: 'organisationId', messages: ['organisationId must have a seriesCode'] }],
      );
    }
    if (input.officerId !== undefined) {
      await this.users.requireActive(manager, input.officerId, 'officerId');
    }
    const now = this.clock.now();
    const year = Number(this.clock.dayOf(now).slice(0, 4));
    const sequence = await nextInSequence(manager, 'case_number_sequence', [
      owner.seriesCode,
      year,
    ]);
    const entity = manager.create(Case, {
      caseNumber: formatCaseNumber(owner.seriesCode, year, sequence),
      seriesCode: owner.seriesCode,
      year,
      sequence,
      title: input.title.trim(),
      description: input.description?.trim() || null,
      organisationId: owner.id,
      officerId: input.officerId ?? null,
      classification: input.classification ?? null,
      confidential: input.confidential ?? false,
      status: 'open',
      closedReason: null,
      closedAt: null,
      documentCount: 0,
      registeredBy: actor.userId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
    // Every column is given, so skip TypeORM's re-read of defaults after the insert.
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(Case)
      .values(entity)
      .updateEntity(false)
      .execute();
    entity.id = (inserted.raw as { insertId: number }).insertId;
    const dto = CaseDto.from(entity);
    await this.audit.record(manager, actor, {
      action: 'case.created',
      entity: 'case',
      entityId: entity.id,
      after: dto,
    });
    return dto;
  }

  async get(id: number, actor: Actor): Promise<CaseDetailDto> {
    const entity = await this.dataSource.manager.findOneBy(Case, { id });
    if (!entity) throw DomainError.notFound('Case', id);
    return {
      ...CaseDto.from(entity, actor),
      relatedCases: await this.relatedCases(id),
    };
  }

  /** The cases on the other side of its remisses: the sender's, and the consultees' own. */
  private async relatedCases(id: number): Promise<RelatedCaseDto[]> {
    const rows = await this.dataSource.manager.query<
      {
        relation: RelatedCaseDto['relation'];
        id: number;
        number: string;
        name: string;
        round: number;
      }[]
    >(
      `SELECT 'remiss_sent_to' AS relation, c.id, c.case_number AS number, o.name, r.id AS round
         FROM referral_round r
         JOIN referral_round_recipient rr ON rr.round_id = r.id
         JOIN case_record c ON c.id = rr.own_case_id
         JOIN organisation o ON o.id = c.organisation_id
        WHERE r.case_id = ?
       UNION ALL
       SELECT 'remiss_received_from', c.id, c.case_number, o.name, r.id
         FROM referral_round_recipient rr
         JOIN referral_round r ON r.id = rr.round_id
         JOIN case_record c ON c.id = r.case_id
         JOIN organisation o ON o.id = c.organisation_id
        WHERE rr.own_case_id = ?
        ORDER BY round, number`,
      [id, id],
    );
    return rows.map((row) => ({
      relation: row.relation,
      caseId: Number(row.id),
      caseNumber: row.number,
      organisation: row.name,
      roundId: Number(row.round),
    }));
  }

  /** Newest first, with an opaque keyset cursor that stays stable while cases are registered. */
  async list(query: CaseQueryDto, actor: Actor): Promise<Page<CaseDto>> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource.manager
      .createQueryBuilder(Case, 'c')
      .orderBy('c.id', 'DESC')
      .limit(limit + 1);
    if (query.status) builder.andWhere({ status: query.status });
    if (query.organisationId) builder.andWhere({ organisationId: query.organisationId });
    if (query.cursor !== undefined) {
      const [afterId] = decodeCursor(query.cursor, ['number']);
      builder.andWhere({ id: LessThan(afterId) });
    }
    const search = query.q?.trim() ? searchCondition('c', query.q) : null;
    if (search) builder.andWhere(search.sql, search.parameters);
    // Confidential titles must not be findable by those who may not read them.
    if (search && !readsEverySecret(actor)) builder.andWhere('c.confidential = 0');
    const rows = await builder.getMany();
    return {
      items: rows.slice(0, limit).map((row) => CaseDto.from(row, actor)),
      nextCursor: rows.length > limit ? encodeCursor([rows[limit - 1].id]) : null,
    };
  }

  async update(
    id: number,
    input: UpdateCaseDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<CaseDto> {
    return this.change(id, actor, expectedVersion, 'case.updated', async (entity, manager) => {
      if (input.officerId != null)
        await this.users.requireActive(manager, input.officerId, 'officerId');
      if (input.title !== undefined) entity.title = input.title.trim();
      if (input.description !== undefined) entity.description = input.description?.trim() || null;
      if (input.officerId !== undefined) entity.officerId = input.officerId;
      if (input.classification !== undefined) entity.classification = input.classification;
      if (input.confidential !== undefined) entity.confidential = input.confidential;
    });
  }

  /** Closes (avslutar) or reopens a case; the reason is kept and audited. */
  async setStatus(id: number, status: CaseStatus, reason: string, actor: Actor): Promise<CaseDto> {
    const action = status === 'closed' ? 'case.closed' : 'case.reopened';
    return this.change(
      id,
      actor,
      undefined,
      action,
      (entity) => {
        assertCaseTransition(entity.status, status);
        entity.status = status;
        entity.closedReason = status === 'closed' ? reason.trim() : null;
        entity.closedAt = status === 'closed' ? this.clock.now() : null;
        return Promise.resolve();
      },
      { reason: reason.trim() },
    );
  }

  /**
   * Locks the case row and takes the next document number within it (n counts up without gaps,
   * because the increment rolls back with the transaction that uses it).
   */
  async takeDocumentNumber(
    manager: EntityManager,
    caseId: number,
  ): Promise<{ entity: Case; number: number }> {
    const entity = await manager.findOne(Case, {
      where: { id: caseId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!entity) throw DomainError.notFound('Case', caseId);
    const number = entity.documentCount + 1;
    await manager.update(Case, { id: caseId }, { documentCount: number });
    return { entity, number };
  }

  /** 404 unless the case exists. */
  async assertExists(id: number): Promise<Case> {
    const entity = await this.dataSource.manager.findOneBy(Case, { id });
    if (!entity) throw DomainError.notFound('Case', id);
    return entity;
  }

  private async change(
    id: number,
    actor: Actor,
    expectedVersion: number | undefined,
    action: string,
    apply: (entity: Case, manager: EntityManager) => Promise<void>,
    extra: Record<string, unknown> = {},
  ): Promise<CaseDto> {
    return this.dataSource.transaction(async (manager) => {
      const entity = await lockVersioned(manager, Case, id, 'Case', expectedVersion);
      const before = CaseDto.from(entity);
      await apply(entity, manager);
      if (JSON.stringify(CaseDto.from(entity)) === JSON.stringify(before)) return before;
      entity.version += 1;
      entity.updatedAt = this.clock.now();
      await manager.save(entity);
      const after = CaseDto.from(entity);
      await this.audit.record(manager, actor, {
        action,
        entity: 'case',
        entityId: id,
        before,
        after: { ...after, ...extra },
      });
      return after;
    });
  }
}
