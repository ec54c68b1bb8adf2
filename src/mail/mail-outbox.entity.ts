import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonTransformer } from '../database/transformers.js';

export const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'cancelled'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

/** A stored document sent along with a mail; the bytes are read from storage when it is sent. */
export interface OutboxAttachment {
  sha256: string;
  fileName: string;
  mimeType: string;
  size: number;
}

/**
 * A mail as it was committed: rendered, addressed and unique by `dedupeKey`. The worker delivers
 * it and records the outcome here, so the table is also the record of what was sent to whom.
 */
@Entity('mail_outbox')
@Index('uq_mail_outbox_dedupe_key', ['dedupeKey'], { unique: true })
@Index('uq_mail_outbox_message_id', ['messageId'], { unique: true })
@Index('ix_mail_outbox_status_queued', ['status', 'queuedAt'])
@Index('ix_mail_outbox_entity', ['entity', 'entityId'])
export class MailOutbox {
  @PrimaryGeneratedColumn({ unsigned: true })
  id: number;

  /** The template it was rendered from. */
  @Column({ type: 'varchar', length: 64 })
  kind: string;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 191 })
  dedupeKey: string;

  /** What the mail is about (e.g. `referral_round_recipient`), for the kind's delivery hooks. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  entity: string | null;

  @Column({ name: 'entity_id', type: 'int', unsigned: true, nullable: true })
  entityId: number | null;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  toAddress: string;

  @Column({ name: 'to_name', type: 'varchar', length: 200, nullable: true })
  toName: string | null;

  @Column({ type: 'varchar', length: 998 })
  subject: string;

  @Column({ name: 'text_body', type: 'mediumtext' })
  textBody: string;

  @Column({ name: 'html_body', type: 'mediumtext' })
  htmlBody: string;

  @Column({ type: 'longtext', nullable: true, transformer: jsonTransformer })
  attachments: OutboxAttachment[] | null;

  /** The Message-ID header, the same on every attempt. */
  @Column({ name: 'message_id', type: 'varchar', length: 255 })
  messageId: string;

  @Column({ type: 'enum', enum: OUTBOX_STATUSES, default: 'pending' })
  status: OutboxStatus;

  @Column({ type: 'smallint', unsigned: true, default: 0 })
  attempts: number;

  /**
   * How many times the row was handed to the queue. Each offer is a job of its own
   * (`mail-<id>-<offers>`), so a row whose job died can be offered again.
   */
  @Column({ type: 'int', unsigned: true, default: 0 })
  offers: number;

  /**
   * Random seed of the secure link the mail carries (see SecureLinks): every attempt renders the
   * same link. Erased once the mail is sent, failed or cancelled.
   */
  @Column({ name: 'link_seed', type: 'char', length: 32, nullable: true })
  linkSeed: string | null;

  @Column({ name: 'last_error', type: 'varchar', length: 1000, nullable: true })
  lastError: string | null;

  @Column({ name: 'smtp_response', type: 'varchar', length: 1000, nullable: true })
  smtpResponse: string | null;

  /** When a job for the current offer was last seen waiting, delayed or running; null: offer it. */
  @Column({ name: 'queued_at', type: 'datetime', precision: 3, nullable: true })
  queuedAt: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  /** When the mail server accepted it. */
  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt: Date | null;

  @Column({ name: 'failed_at', type: 'datetime', precision: 3, nullable: true })
  failedAt: Date | null;
}
