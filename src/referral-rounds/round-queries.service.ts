import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { documentSecrecy, Secrecy } from '../common/secrecy.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor, type Page } from '../common/pagination.js';
import { Case } from '../cases/case.entity.js';
import type { ExtensionDto } from '../deadlines/dto/deadline.dto.js';
import { Extension } from '../deadlines/extension.entity.js';
import { Document } from '../documents/document.entity.js';
import { MailOutbox } from '../mail/mail-outbox.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import {
  RecipientDto,
  RecipientFollowUpDto,
  RoundDocumentDto,
  RoundDto,
  RoundListItemDto,
  RoundSummaryDto,
} from './dto/round.dto.js';
import type { RecipientQueryDto, RoundQueryDto } from './dto/round-input.dto.js';
import { ReferralRound, ReferralRoundDocument, RoundRecipient } from './referral-round.entity.js';
import { loadRecipientsWithDelivery, type Delivery } from './recipient-rows.js';
import { DEFAULT_REMINDER_POLICY, isOverdue, summarise } from './round-rules.js';

/** Roles that follow up every round; respondents see only the rounds sent to them. */
export const ROUND_READERS = ['admin', 'registrar', 'clerk', 'reader'] as const;

function readsAllRounds(actor: Actor): boolean {
  return ROUND_READERS.some((role) => actor.roles.includes(role));
}

const iso = (instant: Date | null) => (instant ? instant.toISOString() : null);

/** Reading rounds: one round in full, and the follow-up list across cases. */
@Injectable()
export class RoundQueriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** A round with its documents, recipients and summary; 404 when the actor may not see it. */
  async get(id: number, actor: Actor, manager?: EntityManager): Promise<RoundDto> {
    const db = manager ?? this.dataSource.manager;
    const round = await db
      .createQueryBuilder(ReferralRound, 'r')
      .innerJoinAndMapOne('r.case', Case, 'c', 'c.id = r.case_id')
      .where('r.id = :id', { id })
      .getOne();
    if (!round) throw DomainError.notFound('Round', id);
    const owner = round.case!;
    let recipients = await loadRecipientsWithDelivery(db, id, { orderBy: 'name' });
    if (!readsAllRounds(actor)) {
      // A respondent sees the round only through their own organisations' place in it.
      recipients = recipients.filter(({ recipient }) =>
        actor.organisationIds.includes(recipient.organisationId),
      );
      if (recipients.length === 0) throw DomainError.notFound('Round', id);
    }
    const sentTo = recipients.map(({ recipient }) => recipient.organisationId);
    const redacted = !Secrecy.maySee(actor, { caseConfidential: owner.confidential, sentTo });
    const documents = await this.documents(db, id);
    const today = this.clock.today();
    // Granting an extension always sets the recipient's extended deadline, so only those have any.
    const extensions = await this.extensions(
      db,
      recipients.flatMap(({ recipient }) => (recipient.extendedDeadline ? recipient.id : [])),
    );
    const recipientDtos = recipients.map(({ recipient, delivery }) =>
      this.recipientDto(recipient, round, today, {
        extensions: extensions.get(recipient.id) ?? [],
        delivery,
        visible: !redacted,
      }),
    );
    return {
      id: round.id,
      caseId: round.caseId,
      caseNumber: owner.caseNumber,
      title: redacted ? null : round.title,
      message: redacted ? null : round.message,
      decisionItemId: round.decisionItemId,
      deadline: round.deadline,
      status: round.status,
      sections: redacted ? [] : round.sections,
      reminders: round.reminderPolicy ?? DEFAULT_REMINDER_POLICY,
      customReminders: round.reminderPolicy !== null,
      documents: documents.map((document) => {
        const secret = { ...documentSecrecy(owner, document), sentTo };
        const confidential = Secrecy.isConfidential(secret);
        const hidden = !Secrecy.maySee(actor, secret);
        return {
          id: document.id,
          documentNumber: document.documentNumber,
          title: hidden ? null : document.title,
          fileName: hidden ? null : document.fileName,
          mimeType: document.mimeType,
          size: document.size,
          confidential,
        } satisfies RoundDocumentDto;
      }),
      recipients: recipientDtos,
      summary: summarise(recipientDtos, today),
      createdAt: round.createdAt.toISOString(),
      sentAt: iso(round.sentAt),
      closedAt: iso(round.closedAt),
      closedReason: redacted ? null : round.closedReason,
      version: round.version,
      redacted,
    };
  }

  /**
   * One recipient's place in its round (an inbox entry): the round as {@link get} shows it to the
   * actor, that recipient, and the organisation that sent the remiss; 404 when the actor may not
   * see it.
   */
  async getForRecipient(
    recipientId: number,
    actor: Actor,
  ): Promise<{ round: RoundDto; recipient: RecipientDto; sender: string }> {
    const found = await this.dataSource.query<{ roundId: number; sender: string }[]>(
      `SELECT r.round_id AS roundId, o.name AS sender
         FROM referral_round_recipient r
         JOIN referral_round rr ON rr.id = r.round_id
         JOIN case_record c ON c.id = rr.case_id
         JOIN organisation o ON o.id = c.organisation_id
        WHERE r.id = ?`,
      [recipientId],
    );
    if (found.length === 0) throw DomainError.notFound('Recipient', recipientId);
    const round = await this.get(Number(found[0].roundId), actor);
    const recipient = round.recipients.find((candidate) => candidate.id === recipientId);
    if (!recipient) throw DomainError.notFound('Recipient', recipientId);
    return { round, recipient, sender: found[0].sender };
  }

  /** The follow-up list: soonest deadline first, with each round's counts. */
  async list(query: RoundQueryDto, actor: Actor): Promise<Page<RoundListItemDto>> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource.manager
      .createQueryBuilder(ReferralRound, 'r')
      .innerJoinAndMapOne('r.case', Case, 'c', 'c.id = r.case_id')
      .orderBy('r.deadline', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit + 1);
    if (query.status) builder.andWhere('r.status = :status', { status: query.status });
    if (query.caseId) builder.andWhere('r.case_id = :caseId', { caseId: query.caseId });
    if (query.dueBefore)
      builder.andWhere('r.deadline <= :dueBefore', { dueBefore: query.dueBefore });
    if (query.cursor !== undefined) {
      const [deadline, id] = decodeCursor(query.cursor, ['string', 'number']);
      builder.andWhere(
        new Brackets((where) =>
          where
            .where('r.deadline > :cursorDeadline', { cursorDeadline: deadline })
            .orWhere('(r.deadline = :cursorDeadline AND r.id > :cursorId)', { cursorId: id }),
        ),
      );
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const counts = await this.counts(page.map((round) => round.id));
    return {
      items: page.map((round) => {
        const redacted = !Secrecy.maySee(actor, {
          caseConfidential: round.case?.confidential ?? false,
        });
        return {
          id: round.id,
          caseId: round.caseId,
          caseNumber: round.case?.caseNumber ?? '',
          title: redacted ? null : round.title,
          deadline: round.deadline,
          status: round.status,
          sentAt: iso(round.sentAt),
          summary: counts.get(round.id) ?? summarise([], ''),
          redacted,
        };
      }),
      nextCursor:
        rows.length > limit ? encodeCursor([page[limit - 1].deadline, page[limit - 1].id]) : null,
    };
  }

  /** Each round's counts in one grouped query (the same rules as {@link summarise}). */
  private async counts(roundIds: number[]): Promise<Map<number, RoundSummaryDto>> {
    if (roundIds.length === 0) return new Map();
    const rows = await this.dataSource.query<Record<string, string | number>[]>(
      `SELECT r.round_id AS roundId, COUNT(*) AS total,
              SUM(r.status = 'answered') AS answered,
              SUM(r.status = 'declined') AS declined,
              SUM(r.status = 'failed') AS failed,
              SUM(r.status = 'sent' AND COALESCE(r.extended_deadline, rr.deadline) < ?) AS overdue
         FROM referral_round_recipient r
         JOIN referral_round rr ON rr.id = r.round_id
        WHERE r.round_id IN (?)
        GROUP BY r.round_id`,
      [this.clock.today(), roundIds],
    );
    return new Map(
      rows.map((row) => {
        const [total, answered, declined, failed, overdue] = [
          row.total,
          row.answered,
          row.declined,
          row.failed,
          row.overdue,
        ].map(Number);
        const pending = total - answered - declined - failed - overdue;
        return [Number(row.roundId), { total, answered, declined, pending, overdue, failed }];
      }),
    );
  }

  /** The round's documents in the order they were listed. */
  async documents(manager: EntityManager, roundId: number): Promise<Document[]> {
    return manager
      .createQueryBuilder(Document, 'd')
      .innerJoin(ReferralRoundDocument, 'rd', 'rd.document_id = d.id')
      .where('rd.round_id = :roundId', { roundId })
      .orderBy('rd.position', 'ASC')
      .getMany();
  }

  /**
   * Who owes what across rounds: recipients by their own deadline, soonest first; `overdue`
   * keeps those whose deadline passed with neither answer nor decline. `scope` keeps it to some
   * organisations (an inbox).
   */
  async listRecipients(
    query: RecipientQueryDto,
    actor: Actor,
    scope?: { organisationIds: readonly number[] },
  ): Promise<Page<RecipientFollowUpDto>> {
    const limit = query.limit ?? 50;
    const deadline = 'COALESCE(r.extended_deadline, rr.deadline)';
    const builder = this.dataSource.manager
      .createQueryBuilder(RoundRecipient, 'r')
      .innerJoinAndMapOne('r.round', ReferralRound, 'rr', 'rr.id = r.round_id')
      .innerJoinAndMapOne('rr.case', Case, 'c', 'c.id = rr.case_id')
      .innerJoinAndMapOne('r.organisation', Organisation, 'o', 'o.id = r.organisation_id')
      .innerJoinAndMapOne('c.organisation', Organisation, 'so', 'so.id = c.organisation_id')
      .leftJoinAndMapOne('r.ownCase', Case, 'oc', 'oc.id = r.own_case_id')
      .orderBy(deadline, 'ASC')
      .addOrderBy('r.id', 'ASC')
      .limit(limit + 1);
    const today = this.clock.today();
    if (query.overdue === true) {
      builder.andWhere(`r.status = 'sent' AND ${deadline} < :today`, { today });
    } else if (query.overdue === false) {
      builder.andWhere(`NOT (r.status = 'sent' AND ${deadline} < :today)`, { today });
    }
    if (query.status) builder.andWhere('r.status = :status', { status: query.status });
    if (scope) {
      if (scope.organisationIds.length === 0) return { items: [], nextCursor: null };
      builder.andWhere('r.organisation_id IN (:...scope)', { scope: scope.organisationIds });
      // A consultee's inbox holds what was sent to it: a draft round is the sender's alone.
      builder.andWhere("rr.status <> 'draft'");
    }
    if (query.organisationId) {
      builder.andWhere('r.organisation_id = :organisationId', {
        organisationId: query.organisationId,
      });
    }
    if (query.dueBefore)
      builder.andWhere(`${deadline} <= :dueBefore`, { dueBefore: query.dueBefore });
    if (query.cursor !== undefined) {
      const [after, id] = decodeCursor(query.cursor, ['string', 'number']);
      builder.andWhere(
        new Brackets((where) =>
          where
            .where(`${deadline} > :after`, { after })
            .orWhere(`(${deadline} = :after AND r.id > :afterId)`, { afterId: id }),
        ),
      );
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, limit);
    const extensions = await this.extensions(
      this.dataSource.manager,
      page.map((recipient) => recipient.id),
    );
    const deliveries = await this.deliveries(this.dataSource.manager, page);
    const items = page.map((recipient) => {
      const round = recipient.round!;
      const owner = round.case!;
      const visible = Secrecy.maySee(actor, {
        caseConfidential: owner.confidential,
        sentTo: [recipient.organisationId],
      });
      return {
        ...this.recipientDto(recipient, round, today, {
          extensions: extensions.get(recipient.id) ?? [],
          delivery: deliveries.get(recipient.invitationOutboxId ?? 0) ?? null,
          visible,
        }),
        round: {
          id: round.id,
          caseId: owner.id,
          caseNumber: owner.caseNumber,
          title: Secrecy.shown(visible, round.title),
          status: round.status,
          sender: owner.organisation!.name,
        },
      };
    });
    const last = items[limit - 1];
    return {
      items,
      nextCursor: rows.length > limit ? encodeCursor([last.deadline, last.id]) : null,
    };
  }

  /** The extensions granted to each of the recipients, oldest first. */
  private async extensions(
    manager: EntityManager,
    recipientIds: number[],
  ): Promise<Map<number, ExtensionDto[]>> {
    const byRecipient = new Map<number, ExtensionDto[]>();
    if (recipientIds.length === 0) return byRecipient;
    const rows = await manager.find(Extension, {
      where: { recipientId: In(recipientIds) },
      order: { id: 'ASC' },
    });
    for (const row of rows) {
      const list = byRecipient.get(row.recipientId) ?? [];
      list.push(extensionDto(row));
      byRecipient.set(row.recipientId, list);
    }
    return byRecipient;
  }

  /** Each recipient's current invitation (its outbox row): still pending, or when it was accepted. */
  private async deliveries(
    manager: EntityManager,
    recipients: RoundRecipient[],
  ): Promise<Map<number, Delivery>> {
    const ids = recipients.flatMap((recipient) => recipient.invitationOutboxId ?? []);
    if (ids.length === 0) return new Map();
    const rows = await manager.find(MailOutbox, {
      select: { id: true, status: true, sentAt: true },
      where: { id: In(ids) },
    });
    return new Map(
      rows.map((row) => [row.id, { pending: row.status === 'pending', sentAt: row.sentAt }]),
    );
  }

  private recipientDto(
    recipient: RoundRecipient,
    round: ReferralRound,
    today: string,
    {
      extensions,
      delivery,
      visible,
    }: {
      extensions: ExtensionDto[];
      delivery: Delivery | null;
      /** The actor may see the round's texts (see Secrecy.maySee). */
      visible: boolean;
    },
  ): RecipientDto {
    const organisation = recipient.organisation!;
    const deadline = recipient.extendedDeadline ?? round.deadline;
    // Sent means the mail server accepted it; until then the invitation is only queued.
    const queued = recipient.status === 'sent' && delivery?.pending === true;
    const deliveredAt = delivery?.sentAt ?? null;
    return {
      id: recipient.id,
      organisation: {
        id: organisation.id,
        name: organisation.name,
        kind: organisation.kind,
        email: organisation.email,
      },
      status: queued ? 'queued' : recipient.status,
      deadline,
      extended: recipient.extendedDeadline !== null,
      overdue: isOverdue({ status: recipient.status, deadline }, today),
      email: recipient.email,
      invitations: recipient.invitationCount,
      sentAt: iso(delivery ? deliveredAt : recipient.sentAt),
      deliveredAt: iso(deliveredAt),
      openedAt: iso(recipient.openedAt),
      answeredAt: iso(recipient.answeredAt),
      late: recipient.late,
      // Free texts of a confidential round: a mail server's answer can name the mailbox and more,
      // an extension's reason the people it concerns.
      failureReason: Secrecy.shown(visible, recipient.failureReason),
      extensions: extensions.map((extension) => ({
        ...extension,
        reason: Secrecy.shown(visible, extension.reason),
      })),
      ownCaseId: recipient.ownCaseId ?? null,
      ownCaseNumber: recipient.ownCaseNumber ?? recipient.ownCase?.caseNumber ?? null,
    };
  }
}

export function extensionDto(extension: Extension): ExtensionDto {
  return {
    id: extension.id,
    recipientId: extension.recipientId,
    previousDeadline: extension.previousDeadline,
    deadline: extension.deadline,
    reason: extension.reason,
    grantedBy: extension.grantedBy,
    grantedAt: extension.grantedAt.toISOString(),
  };
}
