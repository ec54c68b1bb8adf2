import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MailOutbox } from './mail-outbox.entity.js';

/** What a domain module does around the delivery of one kind of mail, given the outbox row. */
export interface OutboxHandler {
  /**
   * Just before sending: returns text to put in place of placeholders in the stored mail (such as
   * a secure link made now, so it is never stored), or null when the mail is no longer wanted.
   * It runs outside a transaction, on the hot path of every mail: do it in one statement.
   */
  prepare?(manager: EntityManager, mail: MailOutbox): Promise<Record<string, string> | null>;
  /** In a transaction, after the last attempt failed or the server refused the mail for good. */
  failed?(manager: EntityManager, mail: MailOutbox, reason: string): Promise<void>;
}

/** The delivery hooks per mail kind; domain modules register theirs when they start. */
@Injectable()
export class OutboxHandlers {
  private readonly handlers = new Map<string, OutboxHandler>();

  register(kind: string, handler: OutboxHandler): void {
    this.handlers.set(kind, handler);
  }

  get(kind: string): OutboxHandler {
    return this.handlers.get(kind) ?? {};
  }
}
