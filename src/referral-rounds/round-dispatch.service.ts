import { documentSecrecy, Secrecy } from '../common/secrecy.js';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError, type FieldProblem } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Case } from '../cases/case.entity.js';
import { planRecipientReminders } from '../deadlines/reminder-plan.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { lockVersioned } from '../database/versioned-lock.js';
import type { Document } from '../documents/document.entity.js';
import { ConsulteeCases } from './consultee-cases.service.js';
import { ExtractsService } from '../meetings/extracts.service.js';
import { MeetingItem } from '../meetings/meeting.entity.js';
import { RESPONSE_LINK_PLACEHOLDER } from '../mail/mail-templates.js';
import { OutboxService, type OutgoingMail } from '../mail/outbox.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import type { SendResultDto } from './dto/round.dto.js';
import { ReferralRound, RoundRecipient } from './referral-round.entity.js';
import { loadRecipients } from './recipient-rows.js';
import { RoundQueriesService } from './round-queries.service.js';
import { SecureLinks } from './secure-links.service.js';
import { DEFAULT_REMINDER_POLICY, deadlineWarnings } from './round-rules.js';
import { assertRoundTransition } from './round-status.js';

import { INVITATION, RECIPIENT_ENTITY } from './round-mail-delivery.js';

/** The outbox key of a recipient's n-th invitation: each exists once, whatever is retried. */
function invitationKey(recipientId: number, number: number): string {
  return `${INVITATION}:${recipientId}:${number}`;
}

interface Sending {
  round: ReferralRound;
  owner: Case;
  sender: Organisation;
  documents: Document[];
}

/** Sending a round's invitations through the outbox, and the secure links they carry. */
@Injectable()
export class RoundDispatchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queries: RoundQueriesService,
    private readonly outbox: OutboxService,
    private readonly links: SecureLinks,
    private readonly audit: AuditService,
    private readonly extracts: ExtractsService,
    private readonly consulteeCases: ConsulteeCases,
    private readonly clock: Clock,
  ) {}

  /**
   * Sends the invitation to every recipient not yet sent to; calling it again sends nothing
   * twice. The mails are committed with the change and leave through the outbox.
   */
  async send(id: number, actor: Actor): Promise<SendResultDto> {
    const extractId = await this.decisionExtract(id, actor);
    const { outboxIds, warnings } = await retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const round = await lockVersioned(manager, ReferralRound, id, 'Round');
        assertRoundTransition(round.status, 'sent');
        if (extractId !== null) await this.attachDocument(manager, id, extractId);
        const pending = await loadRecipients(manager, id, { status: 'pending' });
        const today = this.clock.today();
        const warnings = deadlineWarnings(round.deadline, today);
        if (round.status === 'sent' && pending.length === 0) return { outboxIds: [], warnings };
        const sending = await this.loadSending(manager, round);
        this.assertSendable(sending, pending, today);
        // The consultees' own cases first, so each invitation can name its own.
        await this.consulteeCases.open(manager, sending, pending, actor);
        const outboxIds = await this.invite(manager, sending, pending, false);
        const now = this.clock.now();
        round.status = 'sent';
        round.sentAt ??= now;
        round.version += 1;
        round.updatedAt = now;
        await manager.save(round);
        await this.audit.record(manager, actor, {
          action: 'round.sent',
          entity: 'referral_round',
          entityId: id,
          after: { recipients: pending.map((recipient) => recipient.id), deadline: round.deadline },
        });
        return { outboxIds, warnings };
      }),
    );
    this.outbox.dispatch(outboxIds);
    return { round: await this.queries.get(id, actor), queued: outboxIds.length, warnings };
  }

  /**
   * The registered extract of the § that decided the remiss (made now if need be), which goes
   * with the invitations; null when the round names no decision.
   */
  private async decisionExtract(roundId: number, actor: Actor): Promise<number | null> {
    const round = await this.dataSource.manager.findOne(ReferralRound, {
      select: { id: true, decisionItemId: true, status: true },
      where: { id: roundId },
    });
    if (!round) throw DomainError.notFound('Round', roundId);
    if (round.decisionItemId === null || round.status === 'closed') return null;
    const item = await this.dataSource.manager.findOneByOrFail(MeetingItem, {
      id: round.decisionItemId,
    });
    if (item.adjustedOn === null) {
      throw new DomainError(
        HttpStatus.CONFLICT,
        'round_not_sendable',
        `Round ${roundId} cannot be sent: its decision § ${item.paragraph} is not adjusted yet`,
        [{ field: 'decisionItemId', messages: [`§ ${item.paragraph} must be adjusted first`] }],
      );
    }
    return this.extracts.registerFinal(item.id, actor);
  }

  /** Adds a document to the round's documents, last, unless it is there already. */
  private async attachDocument(
    manager: EntityManager,
    roundId: number,
    documentId: number,
  ): Promise<void> {
    await manager.query(
      'INSERT IGNORE INTO referral_round_document (round_id, document_id, position) ' +
        'SELECT ?, ?, COALESCE(MAX(position), 0) + 1 FROM referral_round_document WHERE round_id = ?',
      [roundId, documentId, roundId],
    );
  }

  /** A new invitation with a new link to one recipient; the old link stops working at once. */
  async resend(id: number, recipientId: number, actor: Actor): Promise<SendResultDto> {
    const outboxIds = await this.dataSource.transaction(async (manager) => {
      const round = await lockVersioned(manager, ReferralRound, id, 'Round');
      if (round.status !== 'sent') {
        throw DomainError.conflict(
          'round_not_sent',
          round.status === 'draft'
            ? `Round ${id} has not been sent; send it instead`
            : `Round ${id} is closed`,
        );
      }
      const [recipient] = await loadRecipients(manager, id, { id: recipientId });
      if (!recipient) throw DomainError.notFound('Recipient', recipientId);
      if (recipient.status !== 'sent' && recipient.status !== 'failed') {
        throw DomainError.conflict(
          'recipient_not_resendable',
          recipient.status === 'pending'
            ? `Recipient ${recipientId} has not been sent to yet; send the round`
            : `Recipient ${recipientId} has already ${recipient.status}`,
        );
      }
      const sending = await this.loadSending(manager, round);
      this.assertSendable(sending, [recipient], this.clock.today());
      const ids = await this.invite(manager, sending, [recipient], true);
      await this.audit.record(manager, actor, {
        action: 'round.recipient_resent',
        entity: 'referral_round',
        entityId: id,
        before: { recipientId, status: recipient.status, email: recipient.email },
        after: { recipientId, status: 'sent', email: recipient.organisation!.email },
      });
      return ids;
    });
    this.outbox.dispatch(outboxIds);
    return {
      round: await this.queries.get(id, actor),
      queued: outboxIds.length,
      warnings: [],
    };
  }

  private async loadSending(manager: EntityManager, round: ReferralRound): Promise<Sending> {
    const owner = await manager.findOneByOrFail(Case, { id: round.caseId });
    const sender = await manager.findOneByOrFail(Organisation, { id: owner.organisationId });
    const documents = await this.queries.documents(manager, round.id);
    return { round, owner, sender, documents };
  }

  /** Refuses with every reason at once, each naming what to fix. */
  private assertSendable(sending: Sending, recipients: RoundRecipient[], today: string): void {
    const problems: FieldProblem[] = [];
    if (sending.documents.length === 0) {
      problems.push({ field: 'documentIds', messages: ['the round has no documents to send'] });
    }
    if (recipients.length === 0) {
      problems.push({ field: 'recipients', messages: ['the round has no recipients'] });
    }
    const withoutEmail = recipients.filter((recipient) => !recipient.organisation?.email);
    if (withoutEmail.length > 0) {
      const names = withoutEmail.map((recipient) => recipient.organisation?.name).join(', ');
      problems.push({
        field: 'recipients',
        messages: [`no e-mail address in the directory for ${names}`],
      });
    }
    if (sending.round.deadline < today) {
      problems.push({
        field: 'deadline',
        messages: [`the deadline ${sending.round.deadline} has passed (today is ${today})`],
      });
    }
    if (problems.length > 0) {
      throw new DomainError(
        HttpStatus.CONFLICT,
        'round_not_sendable',
        `Round ${sending.round.id} cannot be sent: ${problems.flatMap((p) => p.messages).join('; ')}`,
        problems,
      );
    }
  }

  /** Writes one invitation per recipient to the outbox and marks the recipients sent. */
  private async invite(
    manager: EntityManager,
    { round, owner, sender, documents }: Sending,
    recipients: RoundRecipient[],
    reissued: boolean,
  ): Promise<number[]> {
    const secret = { caseConfidential: owner.confidential };
    const attach =
      !Secrecy.isConfidential(secret) &&
      documents.every((document) => !Secrecy.isConfidential(documentSecrecy(owner, document))) &&
      documents.reduce((total, document) => total + document.size, 0) <=
        this.config.mailAttachmentsMaxBytes;
    const mails: OutgoingMail<'round-invitation'>[] = recipients.map((recipient) => ({
      template: 'round-invitation',
      dedupeKey: invitationKey(recipient.id, recipient.invitationCount + 1),
      to: { address: recipient.organisation!.email!, name: recipient.organisation!.name },
      entity: RECIPIENT_ENTITY,
      entityId: recipient.id,
      attachments: attach
        ? documents.map(({ sha256, fileName, mimeType, size }) => ({
            sha256,
            fileName,
            mimeType,
            size,
          }))
        : [],
      context: {
        recipientName: recipient.organisation!.name,
        senderName: sender.name,
        senderEmail: sender.email,
        caseNumber: owner.caseNumber,
        // A mail leaves the secure channel: a confidential round is named by its case number,
        // and its message, section titles and document titles stay behind the link.
        roundTitle: Secrecy.mailRoundTitle(round.title, secret),
        message: Secrecy.isConfidential(secret) ? null : round.message,
        deadline: recipient.extendedDeadline ?? round.deadline,
        responseUrl: RESPONSE_LINK_PLACEHOLDER,
        documents: documents.map((document) => mailDocument(owner, document)),
        documentsAttached: attach,
        sections: Secrecy.isConfidential(secret) ? [] : round.sections,
        reissued,
        ownCaseNumber: recipient.ownCaseNumber ?? null,
      },
    }));
    const outboxIds = await this.outbox.add(manager, mails);
    const now = this.clock.now();
    // Links mailed before stop working; the new invitation brings a new one as it leaves.
    await this.links.voidForRecipients(
      manager,
      recipients.map((recipient) => recipient.id),
    );
    // One statement for all: each recipient points at its new invitation.
    await manager.query(
      `UPDATE referral_round_recipient r
         JOIN mail_outbox m
           ON m.dedupe_key = CONCAT('${INVITATION}:', r.id, ':', r.invitation_count + 1)
          SET r.status = 'sent', r.sent_at = ?, r.email = m.to_address,
              r.invitation_outbox_id = m.id, r.invitation_count = r.invitation_count + 1,
              r.failed_at = NULL,
              r.failure_reason = NULL, r.updated_at = ?
        WHERE r.id IN (?)`,
      [now, now, recipients.map((recipient) => recipient.id)],
    );
    await planRecipientReminders(
      manager,
      recipients.map((recipient) => ({
        recipientId: recipient.id,
        deadline: recipient.extendedDeadline ?? round.deadline,
      })),
      round.reminderPolicy ?? DEFAULT_REMINDER_POLICY,
      now,
      this.config.tzRegion,
    );
    return outboxIds;
  }
}

/** A document as an invitation lists it: a confidential one by its number only. */
function mailDocument(
  owner: Case,
  document: Document,
): { documentNumber: string; title: string; fileName: string; size: number } {
  const secret = documentSecrecy(owner, document);
  const extension = /\.[A-Za-z0-9]{1,8}$/.exec(document.fileName)?.[0] ?? '';
  return {
    documentNumber: document.documentNumber,
    title: Secrecy.mailDocumentTitle(document.title, secret),
    fileName: Secrecy.isConfidential(secret)
      ? `${document.documentNumber.replace(/\//g, '-')}${extension}`
      : document.fileName,
    size: document.size,
  };
}
