import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { insertRows } from '../database/bulk-insert.js';
import { MailOutbox, type OutboxAttachment } from './mail-outbox.entity.js';
import { MailQueue } from './mail-queue.js';
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
  'created_at',
] as const;

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
    if (mails.length === 0) return [];
    const now = this.clock.now();
    const rows = mails.map((mail) => {
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
        now,
      ];
    });
    // An existing dedupe key keeps its row: the mail already exists and is not made twice.
    await insertRows(manager, 'mail_outbox', OUTBOX_COLUMNS, rows, { keepExisting: true });
    const stored = await manager.find(MailOutbox, {
      select: { id: true, dedupeKey: true },
      where: { dedupeKey: In(mails.map((mail) => mail.dedupeKey)) },
    });
    const idByKey = new Map(stored.map((row) => [row.dedupeKey, row.id]));
    return mails.map((mail) => idByKey.get(mail.dedupeKey) ?? 0);
  }

  /**
   * Hands committed mails to the queue without waiting: if Redis is down the relay picks them up
   * from the table later, so the caller's answer never depends on Redis.
   */
  dispatch(ids: number[]): void {
    if (ids.length > 0) void this.queue.enqueue(ids).catch(() => undefined);
  }
}
