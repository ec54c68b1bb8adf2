import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { ReferralRound, RoundLink, RoundRecipient } from './referral-round.entity.js';
import type { MailOutbox } from '../mail/mail-outbox.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import {
  derivedLinkToken,
  hashLinkToken,
  isWellFormedToken,
  linkKey,
  newLinkToken,
  responseLink,
} from './secure-link.js';

export interface LinkHolder {
  recipient: RoundRecipient;
  round: ReferralRound;
}

/**
 * The secure links of recipients, made as the mail that carries them leaves and voided on resend,
 * on a failed delivery and when the round closes. Only a link's hash is stored. The token of a
 * mail's link is derived from a key of the server's (from JWT_SECRET) and a random seed kept on
 * the outbox row while the mail is pending, so a second attempt, or a second copy after a crash,
 * carries the same link as the first: the raw token is never stored, in the database, in Redis or
 * in a log. The seed is erased when the mail is sent, failed or cancelled, after which even the
 * key and a copy of the database cannot give the token back.
 */
@Injectable()
export class SecureLinks {
  private readonly key: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.key = linkKey(config.jwtSecret);
  }

  /**
   * The live link for the recipient the mail goes to, made on the mail's first attempt and the
   * same on later ones, but only while the recipient still passes `condition` (SQL on `r`, the
   * recipient, and `rr`, its round, with `?` for `parameters`). One statement on a first attempt.
   * Returns the link's URL, or null when the condition fails.
   */
  async issue(
    manager: EntityManager,
    recipientId: number,
    mail: Pick<MailOutbox, 'id' | 'linkSeed'>,
    condition: string,
    parameters: unknown[],
  ): Promise<string | null> {
    // Mails stored before links were derived have no seed: they get a random token per attempt.
    const token = mail.linkSeed
      ? derivedLinkToken(this.key, mail.id, mail.linkSeed)
      : newLinkToken().token;
    const hash = hashLinkToken(token);
    const result = await manager.query<{ affectedRows: number }>(
      `INSERT IGNORE INTO referral_round_link (recipient_id, token_hash, outbox_id, issued_at)
       SELECT r.id, ?, ?, ? FROM referral_round_recipient r
         JOIN referral_round rr ON rr.id = r.round_id
        WHERE r.id = ? AND (${condition})`,
      [hash, mail.id, this.clock.now(), recipientId, ...parameters],
    );
    if (result.affectedRows === 1) return responseLink(this.config.publicUrl, token);
    // A later attempt: the link exists; it is sent again only while it is live and still wanted.
    const [existing] = await manager.query<unknown[]>(
      `SELECT 1 FROM referral_round_link l
         JOIN referral_round_recipient r ON r.id = l.recipient_id
         JOIN referral_round rr ON rr.id = r.round_id
        WHERE l.token_hash = ? AND l.voided_at IS NULL AND r.id = ? AND (${condition})`,
      [hash, recipientId, ...parameters],
    );
    return existing ? responseLink(this.config.publicUrl, token) : null;
  }

  /**
   * The recipient a live link belongs to, with its organisation, in a round still open for
   * answers; null otherwise. One query.
   */
  async resolve(manager: EntityManager, token: string): Promise<LinkHolder | null> {
    if (!isWellFormedToken(token)) return null;
    const recipient = await manager
      .createQueryBuilder(RoundRecipient, 'r')
      .innerJoin(RoundLink, 'l', 'l.recipient_id = r.id')
      .innerJoinAndMapOne('r.round', ReferralRound, 'rr', 'rr.id = r.round_id')
      .innerJoinAndMapOne('r.organisation', Organisation, 'o', 'o.id = r.organisation_id')
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
