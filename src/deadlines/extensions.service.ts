import { Secrecy } from '../common/secrecy.js';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, DEADLINE_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { lockVersioned } from '../database/versioned-lock.js';
import { RESPONSE_LINK_PLACEHOLDER } from '../mail/mail-templates.js';
import { OutboxService } from '../mail/outbox.service.js';
import { ReferralRound, RoundRecipient } from '../referral-rounds/referral-round.entity.js';
import { extensionDto } from '../referral-rounds/round-queries.service.js';
import { recipientMail } from '../referral-rounds/recipient-mail.js';
import { DEFAULT_REMINDER_POLICY } from '../referral-rounds/round-rules.js';
import type { ExtensionDto, GrantExtensionDto } from './dto/deadline.dto.js';
import { Extension } from './extension.entity.js';
import { cancelPlannedReminders, planRecipientReminders } from './reminder-plan.js';

// anstånd
@Injectable()
export class ExtensionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Gives one recipient a later deadline: recorded with who and why, confirmed by mail, and its
   * reminders planned anew for the new date (those for the old one are cancelled).
   */
  async grant(
    roundId: number,
    recipientId: number,
    input: GrantExtensionDto,
    actor: Actor,
  ): Promise<ExtensionDto> {
    // The reminder sweep may lock the same reminder rows; a deadlock victim is run again.
    const { extension, outboxIds } = await retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const round = await lockVersioned(manager, ReferralRound, roundId, 'Round');
        if (round.status !== 'sent') {
          throw DomainError.conflict(
            'round_not_sent',
            `Round ${roundId} is ${round.status}; extensions are granted in a sent round`,
          );
        }
        const recipient = await manager.findOne(RoundRecipient, {
          where: { id: recipientId, roundId },
          lock: { mode: 'pessimistic_write' },
        });
        if (!recipient) throw DomainError.notFound('Recipient', recipientId);
        if (recipient.status !== 'sent') {
          throw DomainError.conflict(
            'recipient_not_awaiting_answer',
            `Recipient ${recipientId} is ${recipient.status}; only one that owes an answer gets an extension`,
          );
        }
        const previous = recipient.extendedDeadline ?? round.deadline;
        assertDaysInRange(this.clock.today(), [
          { field: 'deadline', day: input.deadline, range: DEADLINE_RANGE },
        ]);
        if (input.deadline <= previous) {
          throw DomainError.validation([
            {
              field: 'deadline',
              messages: [`deadline must be later than the current deadline ${previous}`],
            },
          ]);
        }
        const now = this.clock.now();
        const extension = manager.create(Extension, {
          recipientId,
          previousDeadline: previous,
          deadline: input.deadline,
          reason: input.reason.trim(),
          grantedBy: actor.userId,
          grantedAt: now,
        });
        await manager.insert(Extension, extension);
        await manager.update(
          RoundRecipient,
          { id: recipientId },
          { extendedDeadline: input.deadline, updatedAt: now },
        );
        await cancelPlannedReminders(manager, [recipientId], now);
        await planRecipientReminders(
          manager,
          [{ recipientId, deadline: input.deadline }],
          round.reminderPolicy ?? DEFAULT_REMINDER_POLICY,
          now,
          this.config.tzRegion,
        );
        const outboxIds = await this.confirm(manager, round, recipient, extension);
        const dto = extensionDto(extension);
        await this.audit.record(manager, actor, {
          action: 'round.extension_granted',
          entity: 'referral_round',
          entityId: roundId,
          before: { recipientId, deadline: previous },
          after: dto,
        });
        return { extension: dto, outboxIds };
      }),
    );
    this.outbox.dispatch(outboxIds);
    return extension;
  }

  /** The confirmation mail (template extension-granted), when the recipient has an address. */
  private async confirm(
    manager: EntityManager,
    round: ReferralRound,
    recipient: RoundRecipient,
    extension: Extension,
  ): Promise<number[]> {
    const mail = await recipientMail(manager, round, recipient);
    if (!mail) return [];
    return this.outbox.add(manager, [
      {
        template: 'extension-granted',
        dedupeKey: `extension-granted:${extension.id}`,
        ...mail.address,
        context: {
          ...mail.header,
          deadline: extension.deadline,
          previousDeadline: extension.previousDeadline,
          reason: Secrecy.mailText(extension.reason, mail.secrecy),
          responseUrl: RESPONSE_LINK_PLACEHOLDER,
        },
      },
    ]);
  }
}
