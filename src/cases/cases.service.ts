import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
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
import { caseTerms, insertTerms, replaceTerms } from './case-terms.js';
import { assertCaseTransition, CaseStatus } from './case-status.js';
import { Case } from './case.entity.js';
import {
  CASE_ROW_COLUMNS,
  CaseDetailDto,
  CaseDto,
  type CaseRow,
  CaseQueryDto,
  CreateCaseDto,
  RelatedCaseDto,
  UpdateCaseDto,
} from './dto/case.dto.js';
import {
  caseRowsOf,
  filterConditions,
  MAX_EXPANSION,
  planSearch,
  prefixPattern,
  SearchFilters,
  termSearchSql,
} from './case-search.js';

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
   * Registers a case inside the caller's transaction. The series' sequence row is locked by the
   * last statements before the caller commits: the case row and its terms go in first under a
   * provisional number, and the number and the audit row follow the allocation directly. Until the
   * commit no other registration in the series gets a number, so none is skipped or taken twice.
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
    const entity = manager.create(Case, {
      seriesCode: owner.seriesCode,
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
    // A provisional number, unique because a connection runs one transaction at a time (year 0 is
    // no real year); the same transaction replaces it before it commits.
    const inserted = await manager.query<{ insertId: number }>(
      'INSERT INTO case_record (case_number, series_code, year, sequence, title, description, ' +
        'organisation_id, officer_id, classification, confidential, status, document_count, ' +
        'registered_by, version, created_at, updated_at) ' +
        "VALUES (CONCAT('~', CONNECTION_ID()), ?, 0, CONNECTION_ID(), ?, ?, ?, ?, ?, ?, 'open', 0, ?, 1, ?, ?)",
      [
        entity.seriesCode,
        entity.title,
        entity.description,
        entity.organisationId,
        entity.officerId,
        entity.classification,
        entity.confidential ? 1 : 0,
        entity.registeredBy,
        now,
        now,
      ],
    );
    entity.id = Number(inserted.insertId);
    await insertTerms(manager, entity.id, caseTerms(entity.title, entity.description));
    entity.year = year;
    entity.sequence = await nextInSequence(manager, 'case_number_sequence', [
      owner.seriesCode,
      year,
    ]);
    entity.caseNumber = formatCaseNumber(owner.seriesCode, year, entity.sequence);
    const dto = CaseDto.from(entity);
    // Both go to the connection at once, so nothing else runs between them while the lock is held.
    await Promise.all([
      manager.query('UPDATE case_record SET case_number = ?, year = ?, sequence = ? WHERE id = ?', [
        entity.caseNumber,
        year,
        entity.sequence,
        entity.id,
      ]),
      this.audit.record(manager, actor, {
        action: 'case.created',
        entity: 'case',
        entityId: entity.id,
        after: dto,
      }),
    ]);
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
    if (query.q?.trim()) return this.search(query, actor);
    const { parts: where, parameters } = filterConditions('c.id', {
      hideConfidential: false,
      status: query.status,
      organisationId: query.organisationId,
      beforeId: beforeIdOf(query.cursor),
    });
    return this.page(where, parameters, query.limit ?? 50, actor);
  }

  /**
   * One page of cases, newest first: the DTO's columns only, mapped straight to DTOs (no entity
   * hydration), the register's hottest read.
   */
  private async page(
    where: readonly string[],
    parameters: readonly unknown[],
    limit: number,
    actor: Actor,
  ): Promise<Page<CaseDto>> {
    const rows = await this.dataSource.query<CaseRow[]>(
      `SELECT ${CASE_ROW_COLUMNS} FROM case_record c` +
        (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
        ' ORDER BY c.id DESC LIMIT ?',
      [...parameters, limit + 1],
    );
    return pageOf(rows, limit, actor);
  }

  /**
   * A search page (see case-search.ts), newest first with the same cursor as the list. Confidential
   * titles must not be findable by those who may not read them.
   */
  private async search(query: CaseQueryDto, actor: Actor): Promise<Page<CaseDto>> {
    const limit = query.limit ?? 50;
    const filters: SearchFilters = {
      hideConfidential: !readsEverySecret(actor),
      status: query.status,
      organisationId: query.organisationId,
      beforeId: beforeIdOf(query.cursor),
    };
    const plan = planSearch(query.q ?? '');
    if (plan.kind === 'terms') {
      return pageOf(await this.searchTerms(plan.words, filters, limit + 1), limit, actor);
    }
    const where: string[] = [];
    const parameters: unknown[] = [];
    if (plan.kind === 'number') {
      where.push('c.case_number = ?');
      parameters.push(plan.caseNumber);
    }
    if (plan.kind === 'like') {
      where.push('(c.case_number LIKE ? OR c.title LIKE ? OR c.description LIKE ?)');
      parameters.push(plan.like, plan.like, plan.like);
    }
    const filtered = filterConditions('c.id', filters);
    where.push(...filtered.parts);
    parameters.push(...filtered.parameters);
    return this.page(where, parameters, limit, actor);
  }

  /** The rows of a page of cases that have every word (as a prefix of one of their terms). */
  private async searchTerms(
    words: readonly string[],
    filters: SearchFilters,
    limit: number,
  ): Promise<CaseRow[]> {
    const manager = this.dataSource.manager;
    const expansions = await Promise.all(
      words.map((word) =>
        manager.query<{ term: string }[]>(
          'SELECT term FROM case_search_term WHERE term LIKE ? GROUP BY term LIMIT ?',
          [prefixPattern(word), MAX_EXPANSION + 1],
        ),
      ),
    );
    if (expansions.some((terms) => terms.length === 0)) return [];
    // Drive from the longest word that expands to few terms (longer words are rarer); when every
    // word is a common prefix, read the cases themselves newest first.
    const candidates = words
      .map((word, index) => ({ word, terms: expansions[index].map((row) => row.term) }))
      .filter((candidate) => candidate.terms.length <= MAX_EXPANSION)
      .sort((a, b) => b.word.length - a.word.length || a.terms.length - b.terms.length);
    const driver = candidates[0];
    const others = driver ? words.filter((word) => word !== driver.word) : words;
    const { sql, parameters } = caseRowsOf(
      termSearchSql(driver?.terms ?? null, others, filters, limit),
      CASE_ROW_COLUMNS,
    );
    return manager.query<CaseRow[]>(sql, parameters);
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
   * Takes the next document number within a case (n counts up without gaps, because the increment
   * rolls back with the transaction that uses it). The case is read first without a lock; the
   * increment, which locks the case row until the caller commits, is this method's last statement
   * and hands the number back itself, so callers that call this last hold the lock briefly.
   */
  async takeDocumentNumber(
    manager: EntityManager,
    caseId: number,
  ): Promise<{ entity: Case; number: number }> {
    const entity = await manager.findOneBy(Case, { id: caseId });
    if (!entity) throw DomainError.notFound('Case', caseId);
    const updated = await manager.query<{ insertId: number }>(
      'UPDATE case_record SET document_count = LAST_INSERT_ID(document_count + 1) WHERE id = ?',
      [caseId],
    );
    entity.documentCount = Number(updated.insertId);
    return { entity, number: entity.documentCount };
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
      if (entity.title !== before.title || entity.description !== before.description) {
        await replaceTerms(manager, id, caseTerms(entity.title, entity.description));
      }
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

/** A page from up to `limit + 1` rows, newest first: the extra row says that more follow. */
function pageOf(rows: readonly CaseRow[], limit: number, actor: Actor): Page<CaseDto> {
  return {
    items: rows.slice(0, limit).map((row) => CaseDto.fromRow(row, actor)),
    nextCursor: rows.length > limit ? encodeCursor([Number(rows[limit - 1].id)]) : null,
  };
}

/** The id a page continues below, from the list's opaque cursor. */
function beforeIdOf(cursor: string | undefined): number | undefined {
  return cursor === undefined ? undefined : Number(decodeCursor(cursor, ['number'])[0]);
}
