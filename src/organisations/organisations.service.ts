import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import type { Page } from '../common/pagination.js';
import { isDuplicateKey } from '../database/errors.js';
import { booleanTransformer } from '../database/transformers.js';
import { nextNameCursor, pageByName } from '../database/keyset.js';
import { lockVersioned } from '../database/versioned-lock.js';
import {
  CreateOrganisationDto,
  OrganisationDto,
  OrganisationPageQueryDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto.js';
import { Organisation } from './organisation.entity.js';

/** An organisation that keeps a register of its own. */
export interface RegisterKeeper {
  id: number;
  name: string;
  seriesCode: string;
  active: boolean;
}

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateOrganisationDto, actor: Actor): Promise<OrganisationDto> {
    return this.dataSource.transaction(async (manager) => {
      if (input.parentId != null) await this.requireOne(manager, input.parentId, 'parentId');
      const now = this.clock.now();
      const organisation = manager.create(Organisation, {
        name: input.name.trim(),
        kind: input.kind,
        seriesCode: input.seriesCode ?? null,
        email: input.email?.toLowerCase() ?? null,
        parentId: input.parentId ?? null,
        active: input.active ?? true,
        paragraphNumbering: input.paragraphNumbering ?? 'yearly',
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      try {
        await manager.insert(Organisation, organisation);
      } catch (error) {
        throw translate(error);
      }
      // Re-read: insert() merges raw column defaults back into the object, bypassing transformers.
      const dto = OrganisationDto.from(
        await manager.findOneByOrFail(Organisation, { id: organisation.id }),
      );
      await this.audit.record(manager, actor, {
        action: 'organisation.created',
        entity: 'organisation',
        entityId: organisation.id,
        after: dto,
      });
      return dto;
    });
  }

  /** Applies the given fields; `expectedVersion` (from If-Match) turns a lost update into 409. */
  async update(
    id: number,
    input: UpdateOrganisationDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<OrganisationDto> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await lockVersioned(
        manager,
        Organisation,
        id,
        'Organisation',
        expectedVersion,
      );
      const before = OrganisationDto.from(organisation);
      if (input.parentId != null) await this.assertNoCycle(manager, id, input.parentId);
      if (input.name !== undefined) organisation.name = input.name.trim();
      if (input.kind !== undefined) organisation.kind = input.kind;
      if (input.seriesCode !== undefined) organisation.seriesCode = input.seriesCode;
      if (input.email !== undefined) organisation.email = input.email?.toLowerCase() ?? null;
      if (input.parentId !== undefined) organisation.parentId = input.parentId;
      if (input.active !== undefined) organisation.active = input.active;
      if (input.paragraphNumbering !== undefined) {
        organisation.paragraphNumbering = input.paragraphNumbering;
      }
      // Nothing to change: no new version and no audit event.
      if (JSON.stringify(OrganisationDto.from(organisation)) === JSON.stringify(before)) {
        return before;
      }
      organisation.version += 1;
      organisation.updatedAt = this.clock.now();
      try {
        await manager.save(organisation);
      } catch (error) {
        throw translate(error);
      }
      const after = OrganisationDto.from(organisation);
      await this.audit.record(manager, actor, {
        action: 'organisation.updated',
        entity: 'organisation',
        entityId: id,
        before,
        after,
      });
      return after;
    });
  }

  async get(id: number): Promise<OrganisationDto> {
    const organisation = await this.dataSource.manager.findOneBy(Organisation, { id });
    if (!organisation) throw DomainError.notFound('Organisation', id);
    return OrganisationDto.from(organisation);
  }

  /** The directory sorted by name the Swedish way (å, ä, ö after z). */
  async list(query: OrganisationPageQueryDto): Promise<Page<OrganisationDto>> {
    const limit = query.limit ?? 200;
    const builder = pageByName(
      this.dataSource.manager.createQueryBuilder(Organisation, 'organisation').limit(limit + 1),
      'organisation',
      query.cursor,
    );
    if (query.kind?.length) builder.andWhere({ kind: In(query.kind) });
    if (query.active !== undefined) builder.andWhere({ active: query.active ? 1 : 0 });
    if (query.q) {
      builder.andWhere('organisation.name LIKE :q', { q: `%${escapeLike(query.q)}%` });
    }
    const rows = await builder.getMany();
    return {
      items: rows.slice(0, limit).map((organisation) => OrganisationDto.from(organisation)),
      nextCursor: nextNameCursor(rows, limit),
    };
  }

  /**
   * The organisations that keep a register (those with a series code), by name: what a page
   * offers where a case is registered or filtered. One plain query of four columns, since the
   * pages ask on every request and the directory may hold hundreds of consultees besides.
   */
  async registers(): Promise<RegisterKeeper[]> {
    const rows = await this.dataSource.query<
      { id: number; name: string; series_code: string; active: number }[]
    >(
      `SELECT id, name, series_code, active
         FROM organisation
        WHERE series_code IS NOT NULL
        ORDER BY name, id`,
    );
    return rows.map((row) => ({
      id: Number(row.id),
      name: row.name,
      seriesCode: row.series_code,
      active: booleanTransformer.from(row.active) as boolean,
    }));
  }

  /** Loads the organisations, refusing with 400 when any of the ids is unknown. */
  async requireAll(manager: EntityManager, ids: readonly number[]): Promise<Organisation[]> {
    if (ids.length === 0) return [];
    const found = await manager.findBy(Organisation, { id: In([...ids]) });
    const missing = ids.filter((id) => !found.some((organisation) => organisation.id === id));
    if (missing.length > 0) {
      throw DomainError.validation([
        {
          field: 'organisationIds',
          messages: [`organisationIds has unknown ids: ${missing.join(', ')}`],
        },
      ]);
    }
    return found;
  }

  /**
   * The organisations named by series code (e.g. `SFN`) or id (digits), as single sign-on's
   * organisation map writes them; keys matching none are left out.
   */
  async findByKeys(
    keys: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Organisation[]> {
    const ids = keys.filter((key) => /^[1-9]\d{0,9}$/.test(key)).map(Number);
    const codes = keys.filter((key) => !/^[1-9]\d{0,9}$/.test(key));
    if (ids.length === 0 && codes.length === 0) return [];
    const where = [];
    if (ids.length > 0) where.push({ id: In(ids) });
    if (codes.length > 0) where.push({ seriesCode: In(codes) });
    return manager.find(Organisation, { where, order: { id: 'ASC' } });
  }

  /** The organisation, or 400 naming `field` when the id is unknown. */
  async requireOne(manager: EntityManager, id: number, field: string): Promise<Organisation> {
    const organisation = await manager.findOneBy(Organisation, { id });
    if (!organisation) {
      throw DomainError.validation([
        { field, messages: [`${field} ${id} is not a known organisation`] },
      ]);
    }
    return organisation;
  }

  private async assertNoCycle(manager: EntityManager, id: number, parentId: number): Promise<void> {
    let current: Organisation | null = await this.requireOne(manager, parentId, 'parentId');
    for (let depth = 0; current && depth < 100; depth += 1) {
      if (current.id === id) {
        throw DomainError.validation([
          {
            field: 'parentId',
            messages: ['parentId would make the organisation its own ancestor'],
          },
        ]);
      }
      current =
        current.parentId === null
          ? null
          : await manager.findOneBy(Organisation, { id: current.parentId });
    }
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function translate(error: unknown): unknown {
  if (isDuplicateKey(error, 'uq_organisation_name')) {
    return DomainError.conflict('name_taken', 'An organisation with this name already exists', [
      { field: 'name', messages: ['name is already in use'] },
    ]);
  }
  if (isDuplicateKey(error, 'uq_organisation_series_code')) {
    return DomainError.conflict('series_code_taken', 'Another organisation has this series code', [
      { field: 'seriesCode', messages: ['seriesCode is already in use'] },
    ]);
  }
  return error;
}
