import { Injectable, OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import type { MailOutbox } from '../mail/mail-outbox.entity.js';
import { RESPONSE_LINK_PLACEHOLDER } from '../mail/mail-templates.js';
import { OutboxHandlers } from '../mail/outbox-handlers.js';
import { RoundRecipient } from './referral-round.entity.js';
import { SecureLinks } from './secure-links.service.js';

/** The outbox kind of a round invitation, and what its rows are about. */
export const INVITATION = 'round-invitation';
export const RECIPIENT_ENTITY = 'referral_round_recipient';
/** Later mails to a recipient that still owes an answer; each brings a live link. */
export const FOLLOW_UP_KINDS = [
  'deadline-reminder',
  'overdue-notice',
  'extension-granted',
] as const;

/**
 * What happens around the delivery of mails to round recipients (in the process that delivers
 * mail): the secure link is made as the mail leaves, and the recipient learns whether its
 * invitation arrived. A mail that is no longer wanted when its turn comes is not sent.
 */
@Injectable()
export class RoundMailDelivery implements OnModuleInit {
  constructor(
    private readonly links: SecureLinks,
    private readonly handlers: OutboxHandlers,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.handlers.register(INVITATION, {
      prepare: (manager, mail) => this.issueInvitationLink(manager, mail),
      failed: (manager, mail, reason) => this.markFailed(manager, mail, reason),
    });
    for (const kind of FOLLOW_UP_KINDS) {
      this.handlers.register(kind, {
        prepare: (manager, mail) => this.issueFollowUpLink(manager, mail),
        failed: (manager, mail) => this.links.voidCarriedBy(manager, mail.id),
      });
    }
  }

  /**
   * A reminder or confirmation goes only to a recipient that still owes an answer in a round
   * still open, and a reminder only while it is about the recipient's current deadline (an
   * extension granted after it was queued makes it moot).
   */
  private issueFollowUpLink(manager: EntityManager, mail: MailOutbox) {
    return this.issueLink(
      manager,
      mail,
      `r.status = 'sent' AND rr.status = 'sent'
       AND NOT EXISTS (SELECT 1 FROM referral_round_reminder rm
                        WHERE rm.outbox_id = ?
                          AND rm.deadline <> COALESCE(r.extended_deadline, rr.deadline))`,
      [mail.id],
    );
  }

  /**
   * The link is made as the mail leaves and is the same on every attempt (see SecureLinks). An
   * invitation that was superseded by a resend, or whose round was closed, is not sent.
   */
  private issueInvitationLink(manager: EntityManager, mail: MailOutbox) {
    return this.issueLink(
      manager,
      mail,
      `r.invitation_outbox_id = ? AND r.status = 'sent' AND rr.status = 'sent'`,
      [mail.id],
    );
  }

  private async issueLink(
    manager: EntityManager,
    mail: MailOutbox,
    condition: string,
    parameters: unknown[],
  ): Promise<Record<string, string> | null> {
    const link = await this.links.issue(manager, mail.entityId!, mail, condition, parameters);
    return link === null ? null : { [RESPONSE_LINK_PLACEHOLDER]: link };
  }

  private async markFailed(
    manager: EntityManager,
    mail: MailOutbox,
    reason: string,
  ): Promise<void> {
    const now = this.clock.now();
    const recipient = await manager.findOneBy(RoundRecipient, {
      id: mail.entityId!,
      invitationOutboxId: mail.id,
      status: 'sent',
    });
    if (!recipient) return;
    // The link never reached them; it is void until a resend issues a new one.
    await manager.update(
      RoundRecipient,
      { id: recipient.id },
      {
        status: 'failed',
        failedAt: now,
        failureReason: reason.slice(0, 500),
        updatedAt: now,
      },
    );
    await this.links.voidCarriedBy(manager, mail.id);
    await this.audit.record(manager, systemActor('mail'), {
      action: 'round.recipient_failed',
      entity: 'referral_round',
      entityId: recipient.roundId,
      before: { recipientId: recipient.id, status: 'sent' },
      after: { recipientId: recipient.id, status: 'failed', reason, to: mail.toAddress },
    });
  }
}
