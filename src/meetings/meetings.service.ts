import { Secrecy } from '../common/secrecy.js';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, CALENDAR_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { lockVersioned } from '../database/versioned-lock.js';
import { Case } from '../cases/case.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { noticeDates } from './appeal-period.js';
import {
  AdjustMeetingDto,
  CreateMeetingDto,
  MeetingQueryDto,
  NoticeDto,
  UpdateMeetingDto,
} from './dto/meeting-input.dto.js';
import { ItemDto, MeetingDetailDto, MeetingDto } from './dto/meeting.dto.js';
import { assertMayRecordFor, mayRecordFor } from './meeting-access.js';
import { assertMeetingTransition } from './meeting-status.js';
import { Meeting, MeetingItem } from './meeting.entity.js';

/** A paragraph on a case with the meeting it was recorded in. */
export interface CaseParagraphDto {
  item: ItemDto;
  meeting: MeetingDto;
}

// sammanträden: recording, holding, adjusting (justering) and the notice (anslag)
@Injectable()
export class MeetingsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateMeetingDto, actor: Actor): Promise<MeetingDto> {
    return this.dataSource.transaction(async (manager) => {
      const organisation = await this.organisations.requireOne(
        manager,
        input.organisationId,
        'organisationId',
      );
      await assertMayRecordFor(manager, actor, organisation.id, organisation.name);
      assertDaysInRange(this.clock.today(), [
        { field: 'date', day: input.date, range: CALENDAR_RANGE },
      ]);
      const now = this.clock.now();
      const meeting = manager.create(Meeting, {
        organisationId: organisation.id,
        date: input.date,
        startsAt: input.startsAt ?? null,
        place: input.place?.trim() || null,
        chair: input.chair?.trim() || null,
        secretary: input.secretary?.trim() || null,
        adjusters: trimAll(input.adjusters),
        present: trimAll(input.present),
        keptAt: input.keptAt?.trim() || null,
        status: 'planned',
        adjustedOn: null,
        adjustedBy: null,
        noticePostedOn: null,
        createdBy: actor.userId,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(Meeting, meeting);
      const dto = MeetingDto.from(meeting, organisation.name, null);
      await this.audit.record(manager, actor, {
        action: 'meeting.created',
        entity: 'meeting',
        entityId: meeting.id,
        after: dto,
      });
      return dto;
    });
  }

  /**
   * Soonest first within the range; an opaque keyset cursor on (date, id). `organisationIds`
   * narrows it to those organisations (the pages' "my organisations").
   */
  async list(
    query: MeetingQueryDto,
    organisationIds?: readonly number[],
  ): Promise<Page<MeetingDto>> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource.manager
      .createQueryBuilder(Meeting, 'm')
      .innerJoinAndSelect('m.organisation', 'o')
      .orderBy('m.date', 'ASC')
      .addOrderBy('m.id', 'ASC')
      .limit(limit + 1);
    if (query.organisationId)
      builder.andWhere('m.organisation_id = :org', { org: query.organisationId });
    if (organisationIds) {
      builder.andWhere('m.organisation_id IN (:...orgs)', { orgs: [0, ...organisationIds] });
    }
    if (query.from) builder.andWhere('m.date >= :from', { from: query.from });
    if (query.to) builder.andWhere('m.date <= :to', { to: query.to });
    if (query.status) builder.andWhere('m.status = :status', { status: query.status });
    if (query.cursor !== undefined) {
      const [date, id] = decodeCursor(query.cursor, ['string', 'number']);
      builder.andWhere(
        new Brackets((where) =>
          where
            .where('m.date > :date', { date })
            .orWhere('m.date = :date AND m.id > :id', { date, id }),
        ),
      );
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    return {
      items: page.map((meeting) => this.toDto(meeting, meeting.organisation!.name)),
      nextCursor:
        rows.length > limit ? encodeCursor([page[limit - 1].date, page[limit - 1].id]) : null,
    };
  }

  /**
   * The meeting with its paragraphs in § order; a paragraph on a confidential case shows only its
   * number and case number to those who may not read it (the rule its extract follows).
   */
  async get(id: number, actor: Actor): Promise<MeetingDetailDto> {
    const manager = this.dataSource.manager;
    const meeting = await manager.findOne(Meeting, {
      where: { id },
      relations: { organisation: true },
    });
    if (!meeting) throw DomainError.notFound('Meeting', id);
    const items = await manager.find(MeetingItem, {
      where: { meetingId: id },
      order: { paragraph: 'ASC' },
    });
    return {
      ...this.toDto(meeting, meeting.organisation!.name),
      items: await this.itemsAsSeenBy(manager, actor, meeting.organisationId, items),
    };
  }

  async getItem(meetingId: number, itemId: number, actor: Actor): Promise<ItemDto> {
    const manager = this.dataSource.manager;
    const item = await manager.findOneBy(MeetingItem, { id: itemId, meetingId });
    if (!item) throw DomainError.notFound('Item', itemId);
    const [dto] = await this.itemsAsSeenBy(manager, actor, item.organisationId, [item]);
    return dto;
  }

  /**
   * The paragraphs recorded on a case, oldest meeting first, each with its meeting, and redacted
   * for the actor by the same rule as {@link get} (per meeting, since who keeps the minutes
   * differs between organisations).
   */
  async itemsForCase(caseId: number, actor: Actor): Promise<CaseParagraphDto[]> {
    const manager = this.dataSource.manager;
    const items = await manager.find(MeetingItem, {
      where: { caseId },
      order: { id: 'ASC' },
      take: 200,
    });
    if (items.length === 0) return [];
    const meetings = await manager.find(Meeting, {
      where: { id: In([...new Set(items.map((item) => item.meetingId))]) },
      relations: { organisation: true },
    });
    const meetingById = new Map(meetings.map((meeting) => [meeting.id, meeting]));
    const result: CaseParagraphDto[] = [];
    for (const meeting of meetings) {
      const own = items.filter((item) => item.meetingId === meeting.id);
      const seen = await this.itemsAsSeenBy(manager, actor, meeting.organisationId, own);
      for (const item of seen) {
        result.push({
          item,
          meeting: this.toDto(meetingById.get(item.meetingId)!, meeting.organisation!.name),
        });
      }
    }
    return result.sort(
      (a, b) =>
        a.meeting.date.localeCompare(b.meeting.date) ||
        a.meeting.id - b.meeting.id ||
        a.item.paragraph - b.item.paragraph,
    );
  }

  /** Paragraphs as the actor may see them: one lookup of their cases, one of the actor's reach. */
  private async itemsAsSeenBy(
    manager: EntityManager,
    actor: Actor,
    organisationId: number,
    items: MeetingItem[],
  ): Promise<ItemDto[]> {
    const ids = [...new Set(items.flatMap((item) => item.caseId ?? []))];
    const cases =
      ids.length === 0
        ? []
        : await manager.find(Case, {
            select: { id: true, caseNumber: true, confidential: true },
            where: { id: In(ids) },
          });
    const byId = new Map(cases.map((row) => [row.id, row]));
    const secrecyOf = (item: MeetingItem) => ({
      caseConfidential: byId.get(item.caseId ?? 0)?.confidential ?? false,
    });
    // Whether the actor keeps these minutes is asked only when a paragraph would be withheld.
    const keptByActor =
      items.some((item) => !Secrecy.maySee(actor, secrecyOf(item))) &&
      (await mayRecordFor(manager, actor, organisationId));
    return items.map((item) =>
      ItemDto.from(
        item,
        byId.get(item.caseId ?? 0)?.caseNumber ?? null,
        !Secrecy.maySee(actor, { ...secrecyOf(item), keptByActor }),
      ),
    );
  }

  async update(
    id: number,
    input: UpdateMeetingDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<MeetingDto> {
    return this.change(id, actor, expectedVersion, 'meeting.updated', (meeting) => {
      this.assertNotAdjusted(meeting);
      assertDaysInRange(this.clock.today(), [
        { field: 'date', day: input.date, range: CALENDAR_RANGE },
      ]);
      if (input.date !== undefined) meeting.date = input.date;
      if (input.startsAt !== undefined) meeting.startsAt = input.startsAt;
      if (input.place !== undefined) meeting.place = input.place?.trim() || null;
      if (input.chair !== undefined) meeting.chair = input.chair?.trim() || null;
      if (input.secretary !== undefined) meeting.secretary = input.secretary?.trim() || null;
      if (input.adjusters !== undefined) meeting.adjusters = trimAll(input.adjusters);
      if (input.present !== undefined) meeting.present = trimAll(input.present);
      if (input.keptAt !== undefined) meeting.keptAt = input.keptAt?.trim() || null;
      return Promise.resolve();
    });
  }

  /** Records that the meeting took place. */
  async hold(id: number, actor: Actor): Promise<MeetingDto> {
    return this.change(id, actor, undefined, 'meeting.held', (meeting) => {
      assertMeetingTransition(meeting.status, 'held');
      this.assertTookPlace(meeting);
      meeting.status = 'held';
      return Promise.resolve();
    });
  }

  /**
   * Justering: the minutes are approved, every § is locked and its extract becomes final. `people`
   * (chair, secretary, adjusters) are named in the same transaction, as the adjustment form does.
   */
  async adjust(
    id: number,
    input: AdjustMeetingDto,
    actor: Actor,
    people: Pick<UpdateMeetingDto, 'chair' | 'secretary' | 'adjusters'> = {},
  ): Promise<MeetingDto> {
    return this.change(id, actor, undefined, 'meeting.adjusted', async (meeting, manager) => {
      assertMeetingTransition(meeting.status, 'adjusted');
      if (people.chair !== undefined) meeting.chair = people.chair?.trim() || null;
      if (people.secretary !== undefined) meeting.secretary = people.secretary?.trim() || null;
      if (people.adjusters !== undefined) meeting.adjusters = trimAll(people.adjusters);
      const adjustedOn = this.adjustmentDay(meeting, input.adjustedOn);
      const items = await manager.count(MeetingItem, { where: { meetingId: id } });
      if (items === 0) {
        throw DomainError.conflict('no_items', 'A meeting without paragraphs cannot be adjusted');
      }
      meeting.status = 'adjusted';
      meeting.adjustedOn = adjustedOn;
      meeting.adjustedBy = actor.userId;
      // Paragraphs adjusted at once keep their own day.
      await manager
        .createQueryBuilder()
        .update(MeetingItem)
        .set({ adjustedOn, version: () => 'version + 1', updatedAt: this.clock.now() })
        .where('meeting_id = :id AND adjusted_on IS NULL', { id })
        .execute();
    });
  }

  /** The notice of the adjustment went up on the official notice board (anslagstavla). */
  async postNotice(id: number, input: NoticeDto, actor: Actor): Promise<MeetingDto> {
    return this.change(id, actor, undefined, 'meeting.notice_posted', (meeting) => {
      if (meeting.status !== 'adjusted' || !meeting.adjustedOn) {
        throw DomainError.conflict('not_adjusted', 'Only an adjusted meeting has a notice to post');
      }
      if (meeting.noticePostedOn) {
        throw DomainError.conflict(
          'notice_already_posted',
          `The notice was posted on ${meeting.noticePostedOn}`,
        );
      }
      if (input.postedOn < meeting.adjustedOn || input.postedOn > this.clock.today()) {
        throw DomainError.validation([
          {
            field: 'postedOn',
            messages: [
              `postedOn must be between the adjustment (${meeting.adjustedOn}) and today (${this.clock.today()})`,
            ],
          },
        ]);
      }
      meeting.noticePostedOn = input.postedOn;
      return Promise.resolve();
    });
  }

  /** The day a meeting or one of its § is adjusted: given or today, never before the meeting. */
  adjustmentDay(meeting: Meeting, requested: string | undefined): string {
    this.assertTookPlace(meeting);
    const missing = [
      meeting.chair ? null : 'chair',
      meeting.secretary ? null : 'secretary',
      meeting.adjusters.length > 0 ? null : 'adjusters',
    ].filter((field): field is string => field !== null);
    if (missing.length > 0) {
      throw DomainError.conflict(
        'meeting_incomplete',
        `Name the meeting's ${missing.join(', ')} before adjusting`,
        missing.map((field) => ({ field, messages: [`${field} is needed to adjust`] })),
      );
    }
    const today = this.clock.today();
    assertDaysInRange(today, [{ field: 'adjustedOn', day: requested, range: CALENDAR_RANGE }]);
    const day = requested ?? today;
    if (day < meeting.date || day > today) {
      throw DomainError.validation([
        {
          field: 'adjustedOn',
          messages: [
            `adjustedOn must be between the meeting (${meeting.date}) and today (${today})`,
          ],
        },
      ]);
    }
    return day;
  }

  assertNotAdjusted(meeting: Meeting): void {
    if (meeting.status === 'adjusted') {
      throw DomainError.conflict(
        'meeting_adjusted',
        `The meeting was adjusted on ${meeting.adjustedOn}; its minutes are locked`,
      );
    }
  }

  private assertTookPlace(meeting: Meeting): void {
    if (meeting.date > this.clock.today()) {
      throw DomainError.conflict(
        'meeting_not_held',
        `The meeting is on ${meeting.date}, which has not come yet`,
      );
    }
  }

  toDto(meeting: Meeting, organisationName: string): MeetingDto {
    return MeetingDto.from(
      meeting,
      organisationName,
      meeting.noticePostedOn ? noticeDates(meeting.noticePostedOn) : null,
    );
  }

  async caseNumbers(manager: EntityManager, items: MeetingItem[]): Promise<Map<number, string>> {
    const ids = [...new Set(items.flatMap((item) => item.caseId ?? []))];
    if (ids.length === 0) return new Map();
    const cases = await manager.find(Case, {
      select: { id: true, caseNumber: true },
      where: { id: In(ids) },
    });
    return new Map(cases.map((row) => [row.id, row.caseNumber]));
  }

  private change(
    id: number,
    actor: Actor,
    expectedVersion: number | undefined,
    action: string,
    apply: (meeting: Meeting, manager: EntityManager) => Promise<void>,
  ): Promise<MeetingDto> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const meeting = await lockVersioned(manager, Meeting, id, 'Meeting', expectedVersion);
        const organisation = await manager.findOneByOrFail(Organisation, {
          id: meeting.organisationId,
        });
        await assertMayRecordFor(manager, actor, organisation.id, organisation.name);
        const before = this.toDto(meeting, organisation.name);
        await apply(meeting, manager);
        if (JSON.stringify(this.toDto(meeting, organisation.name)) === JSON.stringify(before)) {
          return before;
        }
        meeting.version += 1;
        meeting.updatedAt = this.clock.now();
        await manager.save(meeting);
        const after = this.toDto(meeting, organisation.name);
        await this.audit.record(manager, actor, {
          action,
          entity: 'meeting',
          entityId: id,
          before,
          after,
        });
        return after;
      }),
    );
  }
}

function trimAll(names: string[] | undefined): string[] {
  return (names ?? []).map((name) => name.trim());
}
