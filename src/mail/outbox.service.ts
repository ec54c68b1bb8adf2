import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { insertRows } from '../database/bulk-insert.js';
import { MailOutbox, type OutboxAttachment } from './mail-outbox.entity.js';
import { FIRST_OFFER, MailQueue, type Offer } from './mail-queue.js';
import { MailRenderer } from './mail-renderer.js';
import type { MailTemplateContexts, MailTemplateName } from './mail-templates.js';

export interface OutgoingMail<K extends MailTemplateName = MailTemplateName> {
  template: K;
  context: MailTemplateContexts[K];
  /** Unique per mail that must go out once, e.g. `round-invitation:<recipient>:<n>`. */
  dedupeKey: string;
  to: { address: string; name?: string | null };
  attachments?: OutboxAttachment[];
  entity?: string;
  entityId?: number;
}

const OUTBOX_COLUMNS = [
  'kind',
  'dedupe_key',
  'entity',
  'entity_id',
  'to_address',
  'to_name',
  'subject',
  'text_body',
  'html_body',
  'attachments',
  'message_id',
  'link_seed',
  'offers',
  'created_at',
] as const;

/** One mail's row; a taken dedupe key keeps the row it belongs to (the insert id is then 0). */
const INSERT_ONE = `INSERT INTO mail_outbox (${OUTBOX_COLUMNS.join(', ')}) VALUES ?
  ON DUPLICATE KEY UPDATE kind = kind`;

/** Mails stored by {@link OutboxService.store}. */
export interface StoredMails {
  /** The rows' ids in the order the mails were given (an earlier row's for a taken dedupe key). */
  ids: number[];
  /** The rows this call inserted, with their offer, which dispatch queues without reading them. */
  inserted: Offer[];
}

/** Writes mails into the outbox inside the caller's transaction (the transactional outbox). */
@Injectable()
export class OutboxService {
  private readonly messageIdDomain: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly renderer: MailRenderer,
    private readonly queue: MailQueue,
    private readonly clock: Clock,
  ) {
    this.messageIdDomain = config.publicUrl.hostname || 'remiss.localhost';
  }

  /**
   * Renders and stores the mails; a mail whose dedupe key is already stored is not stored again.
   * Returns the ids of the stored rows (new or earlier) in the order given. Call
   * {@link OutboxService.dispatch} with them once the transaction has committed.
   */
  async add(manager: EntityManager, mails: OutgoingMail[]): Promise<number[]> {
    return (await this.store(manager, mails)).ids;
  }

  /**
   * As {@link add}, also telling which rows it inserted: hand the result to
   * {@link OutboxService.dispatch} once the transaction has committed, and the new rows are
   * queued without being read again. One statement for a single new mail.
   */
  async store(manager: EntityManager, mails: OutgoingMail[]): Promise<StoredMails> {
    if (mails.length === 0) return { ids: [], inserted: [] };
    const rows = this.rowsOf(mails);
    if (rows.length === 1) {
      const result = await manager.query<{ insertId: number }>(INSERT_ONE, [rows]);
      // The id of the row inserted; 0 when the dedupe key was taken and nothing was inserted.
      const id = Number(result.insertId);
      if (id > 0) return { ids: [id], inserted: [{ id, offers: FIRST_OFFER }] };
    } else {
      // An existing dedupe key keeps its row: the mail already exists and is not made twice.
      await insertRows(manager, 'mail_outbox', OUTBOX_COLUMNS, rows, { keepExisting: true });
    }
    // Which of several rows are new, and their ids, cannot be told from an insert's result (the
    // ids of a multi-row insert need not be consecutive under interleaved auto-increment locking),
    // nor the id of the earlier row a taken dedupe key belongs to: they are read.
    const stored = await manager.find(MailOutbox, {
      select: { id: true, dedupeKey: true },
      where: { dedupeKey: In(mails.map((mail) => mail.dedupeKey)) },
    });
    const idByKey = new Map(stored.map((row) => [row.dedupeKey, row.id]));
    return { ids: mails.map((mail) => idByKey.get(mail.dedupeKey) ?? 0), inserted: [] };
  }

  /**
   * Hands committed mails to the queue without waiting: if Redis is down the relay picks them up
   * from the table later, so the caller's answer never depends on Redis.
   */
  dispatch(mails: number[] | StoredMails): void {
    const { ids, inserted } = Array.isArray(mails) ? { ids: mails, inserted: [] } : mails;
    if (ids.length > 0) void this.queue.enqueue(ids, inserted).catch(() => undefined);
  }

  private rowsOf(mails: OutgoingMail[]): unknown[][] {
    const now = this.clock.now();
    return mails.map((mail) => {
      const rendered = this.renderer.render(mail.template, mail.context);
      return [
        mail.template,
        mail.dedupeKey,
        mail.entity ?? null,
        mail.entityId ?? null,
        mail.to.address,
        mail.to.name ?? null,
        rendered.subject,
        rendered.text,
        rendered.html,
        mail.attachments?.length ? JSON.stringify(mail.attachments) : null,
        `<${randomBytes(16).toString('hex')}@${this.messageIdDomain}>`,
        // Every mail gets the seed of the one secure link it may carry (see SecureLinks).
        randomBytes(16).toString('hex'),
        FIRST_OFFER,
        now,
      ];
    });
  }
}
