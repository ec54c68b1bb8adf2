import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ReferralRound, RoundLink, RoundRecipient } from './referral-round.entity.js';
import { hashLinkToken, isWellFormedToken, newLinkToken, responseLink } from './secure-link.js';

export interface LinkHolder {
  recipient: RoundRecipient;
  round: ReferralRound;
}

/**
 * The secure links of recipients: made as the mail that carries them leaves (so no token is ever
 * stored, only its hash), and voided on resend, on a failed delivery and when the round closes.
 */
@Injectable()
export class SecureLinks {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * A new live link for the recipient the mail `outboxId` goes to, made only if the recipient
   * still passes `condition` (SQL on `r`, the recipient, and `rr`, its round, with `?` for
   * `parameters`); one statement. Returns the link's URL, or null when the condition fails.
   */
  async issue(
    manager: EntityManager,
    recipientId: number,
    outboxId: number,
    condition: string,
    parameters: unknown[],
  ): Promise<string | null> {
    const { token, hash } = newLinkToken();
    const result = await manager.query<{ affectedRows: number }>(
      `INSERT INTO referral_round_link (recipient_id, token_hash, outbox_id, issued_at)
       SELECT r.id, ?, ?, ? FROM referral_round_recipient r
         JOIN referral_round rr ON rr.id = r.round_id
        WHERE r.id = ? AND (${condition})`,
      [hash, outboxId, this.clock.now(), recipientId, ...parameters],
    );
    return result.affectedRows === 1 ? responseLink(this.config.publicUrl, token) : null;
  }

  /** The recipient a live link belongs to, in a round still open for answers; null otherwise. */
  async resolve(manager: EntityManager, token: string): Promise<LinkHolder | null> {
    if (!isWellFormedToken(token)) return null;
    const recipient = await manager
      .createQueryBuilder(RoundRecipient, 'r')
      .innerJoin(RoundLink, 'l', 'l.recipient_id = r.id')
      .innerJoinAndMapOne('r.round', ReferralRound, 'rr', 'rr.id = r.round_id')
      .where('l.token_hash = :hash', { hash: hashLinkToken(token) })
      .andWhere('l.voided_at IS NULL')
      .andWhere("rr.status = 'sent'")
      .getOne();
    return recipient?.round ? { recipient, round: recipient.round } : null;
  }

  async voidForRecipients(manager: EntityManager, recipientIds: number[]): Promise<void> {
    if (recipientIds.length === 0) return;
    await manager.update(
      RoundLink,
      { recipientId: In(recipientIds), voidedAt: IsNull() },
      { voidedAt: this.clock.now() },
    );
  }

  async voidForRound(manager: EntityManager, roundId: number): Promise<void> {
    await manager.query(
      `UPDATE referral_round_link l JOIN referral_round_recipient r ON r.id = l.recipient_id
          SET l.voided_at = ? WHERE r.round_id = ? AND l.voided_at IS NULL`,
      [this.clock.now(), roundId],
    );
  }

  /** Voids the link a mail carried (it never arrived). */
  async voidCarriedBy(manager: EntityManager, outboxId: number): Promise<void> {
    await manager.update(
      RoundLink,
      { outboxId, voidedAt: IsNull() },
      { voidedAt: this.clock.now() },
    );
  }
}
