import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { nextInSequence } from '../database/sequence.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { lockVersioned } from '../database/versioned-lock.js';
import { Case } from '../cases/case.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import {
  AdjustMeetingDto,
  CreateItemDto,
  ParagraphSequenceDto,
  ReorderItemsDto,
  UpdateItemDto,
} from './dto/meeting-input.dto.js';
import { ItemDto, ParagraphSequenceResultDto } from './dto/meeting.dto.js';
import { assertMayRecordFor } from './meeting-access.js';
import { sequenceYear } from './meeting-status.js';
import { Meeting, MeetingItem, type SendToEntry } from './meeting.entity.js';
import { MeetingsService } from './meetings.service.js';

// paragrafer: numbering, writing, reordering and omedelbar justering
@Injectable()
export class MeetingItemsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly meetings: MeetingsService,
    private readonly organisations: OrganisationsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /** Adds a § with the next number of the organisation's sequence, in one transaction. */
  async add(meetingId: number, input: CreateItemDto, actor: Actor): Promise<ItemDto> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        // The meeting row lock orders additions against adjustment and against each other.
        const { meeting, organisation } = await this.lockMeeting(manager, meetingId, actor);
        this.meetings.assertNotAdjusted(meeting);
        const caseNumber = await this.caseNumberOf(manager, input.caseId ?? null);
        const sendTo = await this.resolveSendTo(manager, input.sendTo ?? []);
        const year = sequenceYear(organisation.paragraphNumbering, meeting.date);
        const paragraph = await nextInSequence(manager, 'paragraph_sequence', [
          organisation.id,
          year,
        ]);
        const now = this.clock.now();
        const item = manager.create(MeetingItem, {
          meetingId,
          organisationId: organisation.id,
          sequenceYear: year,
          paragraph,
          title: input.title.trim(),
          caseId: input.caseId ?? null,
          documents: text(input.documents),
          background: text(input.background),
          proposals: text(input.proposals),
          decisionProcess: text(input.decisionProcess),
          deliberation: text(input.deliberation),
          decision: input.decision.trim(),
          reservations: text(input.reservations),
          sendTo,
          adjustedOn: null,
          adjustedImmediately: false,
          extractDocumentId: null,
          createdBy: actor.userId,
          version: 1,
          createdAt: now,
          updatedAt: now,
        });
        await manager.insert(MeetingItem, item);
        const dto = ItemDto.from(item, caseNumber);
        await this.audit.record(manager, actor, {
          action: 'meeting_item.created',
          entity: 'meeting_item',
          entityId: item.id,
          after: dto,
        });
        return dto;
      }),
    );
  }

  async update(
    meetingId: number,
    itemId: number,
    input: UpdateItemDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<ItemDto> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const { meeting } = await this.lockMeeting(manager, meetingId, actor);
        this.meetings.assertNotAdjusted(meeting);
        const item = await this.lockItem(manager, meetingId, itemId, {
          expectedVersion,
          refuseAdjusted: true,
        });
        const before = ItemDto.from(item, await this.caseNumberOf(manager, item.caseId));
        if (input.caseId !== undefined) item.caseId = input.caseId;
        const caseNumber = await this.caseNumberOf(manager, item.caseId);
        if (input.title !== undefined) item.title = input.title.trim();
        if (input.documents !== undefined) item.documents = text(input.documents);
        if (input.background !== undefined) item.background = text(input.background);
        if (input.proposals !== undefined) item.proposals = text(input.proposals);
        if (input.decisionProcess !== undefined) item.decisionProcess = text(input.decisionProcess);
        if (input.deliberation !== undefined) item.deliberation = text(input.deliberation);
        if (input.decision !== undefined) item.decision = input.decision.trim();
        if (input.reservations !== undefined) item.reservations = text(input.reservations);
        if (input.sendTo !== undefined)
          item.sendTo = await this.resolveSendTo(manager, input.sendTo);
        if (JSON.stringify(ItemDto.from(item, caseNumber)) === JSON.stringify(before))
          return before;
        item.version += 1;
        item.updatedAt = this.clock.now();
        await manager.save(item);
        const after = ItemDto.from(item, caseNumber);
        await this.audit.record(manager, actor, {
          action: 'meeting_item.updated',
          entity: 'meeting_item',
          entityId: item.id,
          before,
          after,
        });
        return after;
      }),
    );
  }

  /**
   * Puts the paragraphs in a new order. The meeting keeps the numbers it was given; they are
   * handed out again in the new order, so the § numbers stay consecutive.
   */
  async reorder(meetingId: number, input: ReorderItemsDto, actor: Actor): Promise<ItemDto[]> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const { meeting } = await this.lockMeeting(manager, meetingId, actor);
        this.meetings.assertNotAdjusted(meeting);
        const items = await manager.find(MeetingItem, {
          where: { meetingId },
          order: { paragraph: 'ASC' },
          lock: { mode: 'pessimistic_write' },
        });
        const known = new Set(items.map((item) => item.id));
        if (input.itemIds.length !== items.length || !input.itemIds.every((id) => known.has(id))) {
          throw DomainError.validation([
            {
              field: 'itemIds',
              messages: [`itemIds must list each of the meeting's ${items.length} items once`],
            },
          ]);
        }
        const adjusted = items.find((item) => item.adjustedOn !== null);
        if (adjusted) {
          throw DomainError.conflict(
            'item_adjusted',
            `§ ${adjusted.paragraph} is adjusted and keeps its number`,
          );
        }
        const numbers = items.map((item) => item.paragraph);
        const byId = new Map(items.map((item) => [item.id, item]));
        const moved = input.itemIds
          .map((id, index) => ({ item: byId.get(id)!, paragraph: numbers[index] }))
          .filter(({ item, paragraph }) => item.paragraph !== paragraph);
        if (moved.length === 0) return this.toDtos(manager, items);
        const now = this.clock.now();
        // Two steps, so no two rows hold the same number in between (the unique key).
        for (const { item } of moved) {
          await manager.update(
            MeetingItem,
            { id: item.id },
            { paragraph: 4_000_000_000 - item.id },
          );
        }
        for (const { item, paragraph } of moved) {
          item.paragraph = paragraph;
          item.version += 1;
          item.updatedAt = now;
          await manager.update(
            MeetingItem,
            { id: item.id },
            { paragraph, version: item.version, updatedAt: now },
          );
        }
        await this.audit.record(manager, actor, {
          action: 'meeting_item.reordered',
          entity: 'meeting',
          entityId: meetingId,
          after: {
            paragraphs: input.itemIds.map((id, index) => ({
              itemId: id,
              paragraph: numbers[index],
            })),
          },
        });
        items.sort((a, b) => a.paragraph - b.paragraph);
        return this.toDtos(manager, items);
      }),
    );
  }

  /** Omedelbar justering: one § is adjusted at once, before the rest of the minutes. */
  async adjust(
    meetingId: number,
    itemId: number,
    input: AdjustMeetingDto,
    actor: Actor,
  ): Promise<ItemDto> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const { meeting } = await this.lockMeeting(manager, meetingId, actor);
        const item = await this.lockItem(manager, meetingId, itemId, {
          refuseAdjusted: false,
        });
        if (item.adjustedOn !== null) {
          throw DomainError.conflict(
            'item_adjusted',
            `§ ${item.paragraph} was adjusted on ${item.adjustedOn}`,
          );
        }
        const adjustedOn = this.meetings.adjustmentDay(meeting, input.adjustedOn);
        const caseNumber = await this.caseNumberOf(manager, item.caseId);
        const before = ItemDto.from(item, caseNumber);
        item.adjustedOn = adjustedOn;
        item.adjustedImmediately = true;
        item.version += 1;
        item.updatedAt = this.clock.now();
        await manager.save(item);
        const after = ItemDto.from(item, caseNumber);
        await this.audit.record(manager, actor, {
          action: 'meeting_item.adjusted',
          entity: 'meeting_item',
          entityId: item.id,
          before,
          after,
        });
        return after;
      }),
    );
  }

  /**
   * Sets the number the organisation's next § gets (when its minutes move here from another
   * system); never below a number already used.
   */
  async setSequence(
    organisationId: number,
    input: ParagraphSequenceDto,
    actor: Actor,
  ): Promise<ParagraphSequenceResultDto> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const organisation = await manager.findOneBy(Organisation, { id: organisationId });
        if (!organisation) throw DomainError.notFound('Organisation', organisationId);
        const continuous = organisation.paragraphNumbering === 'continuous';
        if (continuous && input.year !== undefined) {
          throw DomainError.validation([
            {
              field: 'year',
              messages: [`year must be left out: ${organisation.name} never resets its numbering`],
            },
          ]);
        }
        if (!continuous && input.year === undefined) {
          throw DomainError.validation([
            { field: 'year', messages: ['year is needed: numbering starts anew each year'] },
          ]);
        }
        const year = continuous ? 0 : input.year!;
        // Takes the sequence row's lock (creating it if need be) before looking at what is used.
        await manager.query(
          'INSERT INTO paragraph_sequence (organisation_id, year, last_value) VALUES (?, ?, 0) ' +
            'ON DUPLICATE KEY UPDATE last_value = last_value',
          [organisationId, year],
        );
        const [{ used }] = await manager.query<{ used: number | null }[]>(
          'SELECT MAX(paragraph) AS used FROM meeting_item WHERE organisation_id = ? AND sequence_year = ?',
          [organisationId, year],
        );
        if (used !== null && Number(used) >= input.next) {
          throw DomainError.conflict(
            'paragraph_in_use',
            `§ ${used} is already used${continuous ? '' : ` in ${year}`}; next must be above it`,
            [{ field: 'next', messages: [`next must be at least ${Number(used) + 1}`] }],
          );
        }
        const [{ previous }] = await manager.query<{ previous: number }[]>(
          'SELECT last_value AS previous FROM paragraph_sequence WHERE organisation_id = ? AND year = ? FOR UPDATE',
          [organisationId, year],
        );
        await manager.query(
          'UPDATE paragraph_sequence SET last_value = ? WHERE organisation_id = ? AND year = ?',
          [input.next - 1, organisationId, year],
        );
        const result = { organisationId, year: continuous ? null : year, next: input.next };
        await this.audit.record(manager, actor, {
          action: 'paragraph_sequence.set',
          entity: 'organisation',
          entityId: organisationId,
          before: { year: result.year, next: Number(previous) + 1 },
          after: result,
        });
        return result;
      }),
    );
  }

  private async lockMeeting(
    manager: EntityManager,
    meetingId: number,
    actor: Actor,
  ): Promise<{ meeting: Meeting; organisation: Organisation }> {
    const meeting = await lockVersioned(manager, Meeting, meetingId, 'Meeting');
    const organisation = await manager.findOneByOrFail(Organisation, {
      id: meeting.organisationId,
    });
    await assertMayRecordFor(manager, actor, organisation.id, organisation.name);
    return { meeting, organisation };
  }

  private async lockItem(
    manager: EntityManager,
    meetingId: number,
    itemId: number,
    options: { expectedVersion?: number; refuseAdjusted: boolean },
  ): Promise<MeetingItem> {
    const item = await lockVersioned(manager, MeetingItem, itemId, 'Item', options.expectedVersion);
    if (item.meetingId !== meetingId) throw DomainError.notFound('Item', itemId);
    if (options.refuseAdjusted && item.adjustedOn !== null) {
      throw DomainError.conflict(
        'item_adjusted',
        `§ ${item.paragraph} was adjusted on ${item.adjustedOn} and is locked`,
      );
    }
    return item;
  }

  private async caseNumberOf(
    manager: EntityManager,
    caseId: number | null,
  ): Promise<string | null> {
    if (caseId === null) return null;
    const found = await manager.findOne(Case, {
      select: { id: true, caseNumber: true },
      where: { id: caseId },
    });
    if (!found) {
      throw DomainError.validation([
        { field: 'caseId', messages: [`caseId ${caseId} is not a registered case`] },
      ]);
    }
    return found.caseNumber;
  }

  /** Organisation ids become their names as of now; names are kept as written. */
  private async resolveSendTo(
    manager: EntityManager,
    entries: (number | string)[],
  ): Promise<SendToEntry[]> {
    const ids = entries.filter((entry): entry is number => typeof entry === 'number');
    const found =
      ids.length === 0 ? [] : await manager.findBy(Organisation, { id: In([...new Set(ids)]) });
    const nameOf = new Map(found.map((organisation) => [organisation.id, organisation.name]));
    const unknown = ids.filter((id) => !nameOf.has(id));
    if (unknown.length > 0) {
      throw DomainError.validation([
        {
          field: 'sendTo',
          messages: [`sendTo names unknown organisations: ${unknown.join(', ')}`],
        },
      ]);
    }
    return entries.map((entry) =>
      typeof entry === 'number'
        ? { organisationId: entry, name: nameOf.get(entry)! }
        : { organisationId: null, name: entry.trim() },
    );
  }

  private async toDtos(manager: EntityManager, items: MeetingItem[]): Promise<ItemDto[]> {
    const caseNumbers = await this.meetings.caseNumbers(manager, items);
    return items.map((item) => ItemDto.from(item, caseNumbers.get(item.caseId ?? 0) ?? null));
  }
}

function text(value: string | null | undefined): string | null {
  return value?.trim() || null;
}
