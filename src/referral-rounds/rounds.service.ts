import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, DEADLINE_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { MeetingItem } from '../meetings/meeting.entity.js';
import { Case } from '../cases/case.entity.js';
import { insertRows } from '../database/bulk-insert.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { lockVersioned } from '../database/versioned-lock.js';
import { cancelRoundReminders } from '../deadlines/reminder-plan.js';
import { Document } from '../documents/document.entity.js';
import type { OrganisationKind } from '../organisations/organisation-kind.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { withDescendants } from '../organisations/organisation-tree.js';
import type { RoundDto } from './dto/round.dto.js';
import type {
  AddRecipientsDto,
  CreateRoundDto,
  ReminderPolicyDto,
  SectionDto,
  UpdateRoundDto,
} from './dto/round-input.dto.js';
import {
  ReferralRound,
  ReferralRoundDocument,
  RoundRecipient,
  type ReminderPolicy,
  type RoundSection,
} from './referral-round.entity.js';
import { RoundQueriesService } from './round-queries.service.js';
import { assertRoundTransition } from './round-status.js';
import { SecureLinks } from './secure-links.service.js';

/** Preparing rounds: create, change while draft, recipients, close. Sending is RoundDispatch's. */
@Injectable()
export class RoundsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queries: RoundQueriesService,
    private readonly links: SecureLinks,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(caseId: number, input: CreateRoundDto, actor: Actor): Promise<RoundDto> {
    return this.dataSource.transaction(async (manager) => {
      const owner = await manager.findOne(Case, {
        where: { id: caseId },
        lock: { mode: 'pessimistic_read' },
      });
      if (!owner) throw DomainError.notFound('Case', caseId);
      if (owner.status !== 'open') {
        throw DomainError.conflict('case_closed', `Case ${owner.caseNumber} is closed`);
      }
      this.assertDeadlineInRange(input.deadline);
      await this.assertDocumentsOfCase(manager, caseId, input.documentIds);
      await this.assertDecisionOfCase(manager, caseId, input.decisionItemId ?? null);
      const organisations = await this.resolveRecipients(
        manager,
        input.recipientOrganisationIds ?? [],
        input.recipientKinds ?? [],
        owner.organisationId,
        'recipientOrganisationIds',
      );
      const now = this.clock.now();
      const round = manager.create(ReferralRound, {
        caseId,
        title: input.title.trim(),
        message: input.message?.trim() || null,
        decisionItemId: input.decisionItemId ?? null,
        deadline: input.deadline,
        sections: sections(input.sections ?? []),
        reminderPolicy: reminderPolicy(input.reminders),
        status: 'draft',
        createdBy: actor.userId,
        sentAt: null,
        closedAt: null,
        closedReason: null,
        version: 1,
        createdAt: now,
        updatedAt: now,
      });
      await manager.insert(ReferralRound, round);
      await this.replaceDocuments(manager, round.id, input.documentIds);
      await this.insertRecipients(manager, round.id, organisations, now);
      const dto = await this.queries.get(round.id, actor, manager);
      await this.audit.record(manager, actor, {
        action: 'round.created',
        entity: 'referral_round',
        entityId: round.id,
        after: auditView(dto),
      });
      return dto;
    });
  }

  /** Changes a draft; once sent, a round's terms are what the recipients were sent. */
  async update(
    id: number,
    input: UpdateRoundDto,
    actor: Actor,
    expectedVersion?: number,
  ): Promise<RoundDto> {
    return this.dataSource.transaction(async (manager) => {
      const round = await lockVersioned(manager, ReferralRound, id, 'Round', expectedVersion);
      if (round.status !== 'draft') {
        throw DomainError.conflict(
          'round_not_draft',
          `Round ${id} is ${round.status}; only a draft can be changed`,
        );
      }
      const before = auditView(await this.queries.get(id, actor, manager));
      if (input.deadline !== undefined) {
        this.assertDeadlineInRange(input.deadline);
        round.deadline = input.deadline;
      }
      if (input.title !== undefined) round.title = input.title.trim();
      if (input.message !== undefined) round.message = input.message?.trim() || null;
      if (input.decisionItemId !== undefined) {
        await this.assertDecisionOfCase(manager, round.caseId, input.decisionItemId);
        round.decisionItemId = input.decisionItemId;
      }
      if (input.sections !== undefined) round.sections = sections(input.sections);
      if (input.reminders !== undefined) round.reminderPolicy = reminderPolicy(input.reminders);
      if (input.documentIds !== undefined) {
        await this.assertDocumentsOfCase(manager, round.caseId, input.documentIds);
        await manager.delete(ReferralRoundDocument, { roundId: id });
        await this.replaceDocuments(manager, id, input.documentIds);
      }
      return this.saveChange(manager, round, actor, 'round.updated', before);
    });
  }

  /** Adds organisations; in a sent round they are sent to on the next send. */
  async addRecipients(id: number, input: AddRecipientsDto, actor: Actor): Promise<RoundDto> {
    if (!input.organisationIds?.length && !input.kinds?.length) {
      throw DomainError.validation([
        { field: 'organisationIds', messages: ['organisationIds or kinds must name someone'] },
      ]);
    }
    return this.dataSource.transaction(async (manager) => {
      const round = await lockVersioned(manager, ReferralRound, id, 'Round');
      this.assertNotClosed(round);
      const owner = await manager.findOneByOrFail(Case, { id: round.caseId });
      const before = auditView(await this.queries.get(id, actor, manager));
      const existing = new Set(
        (
          await manager.find(RoundRecipient, {
            select: { organisationId: true },
            where: { roundId: id },
          })
        ).map((recipient) => recipient.organisationId),
      );
      const organisations = (
        await this.resolveRecipients(
          manager,
          input.organisationIds ?? [],
          input.kinds ?? [],
          owner.organisationId,
          'organisationIds',
        )
      ).filter((organisation) => !existing.has(organisation.id));
      if (organisations.length === 0) return this.queries.get(id, actor, manager);
      await this.insertRecipients(manager, id, organisations, this.clock.now());
      return this.saveChange(manager, round, actor, 'round.recipients_added', before);
    });
  }

  /** Removes a recipient that has not been sent to; one that has been keeps its place. */
  async removeRecipient(id: number, recipientId: number, actor: Actor): Promise<RoundDto> {
    return this.dataSource.transaction(async (manager) => {
      const round = await lockVersioned(manager, ReferralRound, id, 'Round');
      this.assertNotClosed(round);
      const recipient = await manager.findOneBy(RoundRecipient, { id: recipientId, roundId: id });
      if (!recipient) throw DomainError.notFound('Recipient', recipientId);
      if (recipient.status !== 'pending') {
        throw DomainError.conflict(
          'recipient_already_sent',
          `Recipient ${recipientId} has been sent the round and stays on it`,
        );
      }
      const before = auditView(await this.queries.get(id, actor, manager));
      await manager.delete(RoundRecipient, { id: recipientId });
      return this.saveChange(manager, round, actor, 'round.recipient_removed', before);
    });
  }

  /** Closes (avslutar) the round: no more answers through links, no more reminders. */
  async close(id: number, reason: string, actor: Actor): Promise<RoundDto> {
    // The reminder sweep may hold the same reminder rows; a deadlock victim is run again.
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const round = await lockVersioned(manager, ReferralRound, id, 'Round');
        assertRoundTransition(round.status, 'closed');
        const before = auditView(await this.queries.get(id, actor, manager));
        round.status = 'closed';
        round.closedAt = this.clock.now();
        round.closedReason = reason.trim();
        // Every secure link of the round stops working now, and no reminder goes out any more.
        await this.links.voidForRound(manager, id);
        await cancelRoundReminders(manager, id, round.closedAt);
        return this.saveChange(manager, round, actor, 'round.closed', before);
      }),
    );
  }

  private async saveChange(
    manager: EntityManager,
    round: ReferralRound,
    actor: Actor,
    action: string,
    before: object,
  ): Promise<RoundDto> {
    round.version += 1;
    round.updatedAt = this.clock.now();
    await manager.save(round);
    const after = await this.queries.get(round.id, actor, manager);
    await this.audit.record(manager, actor, {
      action,
      entity: 'referral_round',
      entityId: round.id,
      before,
      after: auditView(after),
    });
    return after;
  }

  private assertNotClosed(round: ReferralRound): void {
    if (round.status === 'closed') {
      throw DomainError.conflict('round_closed', `Round ${round.id} is closed`);
    }
  }

  /** From today to at most two years ahead. */
  private assertDeadlineInRange(deadline: string): void {
    assertDaysInRange(this.clock.today(), [
      { field: 'deadline', day: deadline, range: DEADLINE_RANGE },
    ]);
  }

  private async assertDecisionOfCase(
    manager: EntityManager,
    caseId: number,
    itemId: number | null,
  ): Promise<void> {
    if (itemId === null) return;
    const item = await manager.findOne(MeetingItem, {
      select: { id: true, caseId: true },
      where: { id: itemId },
    });
    if (!item || item.caseId !== caseId) {
      throw DomainError.validation([
        {
          field: 'decisionItemId',
          messages: [`decisionItemId ${itemId} is not a paragraph (§) of this case`],
        },
      ]);
    }
  }

  private async assertDocumentsOfCase(
    manager: EntityManager,
    caseId: number,
    documentIds: number[],
  ): Promise<void> {
    if (documentIds.length === 0) return;
    const found = await manager.find(Document, {
      select: { id: true },
      where: { id: In(documentIds), caseId },
    });
    const known = new Set(found.map((document) => document.id));
    const foreign = documentIds.filter((id) => !known.has(id));
    if (foreign.length > 0) {
      throw DomainError.validation([
        {
          field: 'documentIds',
          messages: [`documentIds ${foreign.join(', ')} are not documents of this case`],
        },
      ]);
    }
  }

  /**
   * The organisations named, plus every active one of the kinds named except the case owner
   * (which does not consult itself). Unknown or inactive organisations named by id are refused.
   */
  private async resolveRecipients(
    manager: EntityManager,
    ids: number[],
    kinds: OrganisationKind[],
    ownerId: number,
    field: string,
  ): Promise<Organisation[]> {
    const named = ids.length > 0 ? await manager.findBy(Organisation, { id: In(ids) }) : [];
    const known = new Set(named.map((organisation) => organisation.id));
    const unknown = ids.filter((id) => !known.has(id));
    const inactive = named.filter((organisation) => !organisation.active);
    const problems = [
      ...(unknown.length ? [`${field} ${unknown.join(', ')} are not known organisations`] : []),
      ...(inactive.length
        ? [`${inactive.map((organisation) => organisation.name).join(', ')} are inactive`]
        : []),
    ];
    if (problems.length > 0) throw DomainError.validation([{ field, messages: problems }]);
    // By kind means the others: not the case's owner, nor its own utskott and other bodies under it.
    const own = kinds.length > 0 ? await withDescendants(manager, ownerId) : [];
    const byKind =
      kinds.length > 0
        ? await manager.findBy(Organisation, { kind: In(kinds), active: true, id: Not(In(own)) })
        : [];
    const all = new Map(
      [...named, ...byKind].map((organisation) => [organisation.id, organisation]),
    );
    return [...all.values()];
  }

  private async replaceDocuments(
    manager: EntityManager,
    roundId: number,
    documentIds: number[],
  ): Promise<void> {
    if (documentIds.length === 0) return;
    await manager.insert(
      ReferralRoundDocument,
      documentIds.map((documentId, index) => ({ roundId, documentId, position: index + 1 })),
    );
  }

  private async insertRecipients(
    manager: EntityManager,
    roundId: number,
    organisations: Organisation[],
    now: Date,
  ): Promise<void> {
    await insertRows(
      manager,
      'referral_round_recipient',
      ['round_id', 'organisation_id', 'created_at', 'updated_at'],
      organisations.map((organisation) => [roundId, organisation.id, now, now]),
    );
  }
}

function sections(input: SectionDto[]): RoundSection[] {
  const seen = new Set<string>();
  return input.map((section, index) => {
    const ref = section.ref.trim().replace(/\s+/g, ' ');
    if (seen.has(ref.toLowerCase())) {
      throw DomainError.validation([
        {
          field: `sections.${index}.ref`,
          messages: [`sections.${index}.ref ${ref} is listed twice`],
        },
      ]);
    }
    seen.add(ref.toLowerCase());
    return { ref, title: section.title.trim() };
  });
}

function reminderPolicy(input: ReminderPolicyDto | null | undefined): ReminderPolicy | null {
  if (!input) return null;
  return {
    daysBefore: [...input.daysBefore].sort((a, b) => b - a),
    overdueDaysAfter: [...input.overdueDaysAfter].sort((a, b) => a - b),
    hour: input.hour ?? 8,
  };
}

/** What the audit log keeps of a round: its terms and who is on it, not the derived counts. */
export function auditView(round: RoundDto): object {
  return {
    caseNumber: round.caseNumber,
    title: round.title,
    message: round.message,
    decisionItemId: round.decisionItemId,
    deadline: round.deadline,
    status: round.status,
    sections: round.sections,
    reminders: round.customReminders ? round.reminders : null,
    documentIds: round.documents.map((document) => document.id),
    recipients: round.recipients.map((recipient) => ({
      id: recipient.id,
      organisationId: recipient.organisation.id,
      status: recipient.status,
    })),
    closedReason: round.closedReason,
  };
}
