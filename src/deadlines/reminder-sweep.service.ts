import { Secrecy } from '../common/secrecy.js';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { systemActor, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { daysBetween } from '../common/working-days.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { RESPONSE_LINK_PLACEHOLDER } from '../mail/mail-templates.js';
import { OutboxService, type OutgoingMail } from '../mail/outbox.service.js';
import { RECIPIENT_ENTITY } from '../referral-rounds/round-mail-delivery.js';
import { parseReminderKind } from './reminder-policy.js';

const BATCH = 500;

export interface SweepResult {
  /** Reminders and overdue notices put in the outbox by this sweep. */
  queued: number;
  /** Due reminders no longer wanted (answered, declined, failed, closed, no address). */
  skipped: number;
}

interface DueReminder {
  id: number;
  recipientId: number;
  kind: string;
  deadline: string;
  recipientName: string;
  email: string | null;
  roundTitle: string;
  confidential: number | boolean;
  caseNumber: string;
  senderName: string;
  senderEmail: string | null;
}

/** The outbox key of a reminder: the same reminder is one mail, however often it is swept. */
function reminderKey(reminder: Pick<DueReminder, 'recipientId' | 'kind' | 'deadline'>): string {
  return `reminder:${reminder.recipientId}:${reminder.kind}:${reminder.deadline}`;
}

/**
 * Finds the reminders that are due and puts their mails in the outbox. It reads only planned
 * reminders whose time has come (through their index), so its cost follows what is due, not how
 * many recipients there are. Each batch claims its rows with SKIP LOCKED and marks them queued
 * in the transaction that writes their mails, so concurrent sweeps never mail one twice.
 */
@Injectable()
export class ReminderSweepService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async sweep(actor: Actor = systemActor('reminders')): Promise<SweepResult> {
    const now = this.clock.now();
    const result: SweepResult = { queued: 0, skipped: await this.skipUnwanted(now) };
    for (;;) {
      const batch = await retryOnDeadlock(() =>
        this.dataSource.transaction((manager) => this.queueBatch(manager, now, actor)),
      );
      this.outbox.dispatch(batch.outboxIds);
      result.queued += batch.outboxIds.length;
      result.skipped += batch.skipped;
      if (batch.claimed < BATCH) return result;
    }
  }

  /**
   * Due reminders that are not wanted: the recipient answered, declined or was never reached, the
   * round closed, the deadline moved, or (for a reminder before it) passed. And when sweeps did not run for a while, only the latest
   * due reminder per recipient goes out: an earlier one is moot (no "7 days left" after the
   * deadline).
   */
  private async skipUnwanted(now: Date): Promise<number> {
    const skipped = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE referral_round_reminder rm
         JOIN referral_round_recipient r ON r.id = rm.recipient_id
         JOIN referral_round rr ON rr.id = r.round_id
          SET rm.status = 'skipped', rm.done_at = ?
        WHERE rm.status = 'planned' AND rm.due_at <= ?
          AND (r.status <> 'sent' OR rr.status <> 'sent'
               OR rm.deadline <> COALESCE(r.extended_deadline, rr.deadline)
               OR (rm.kind LIKE 'before:%' AND rm.deadline < ?))`,
      [now, now, this.clock.dayOf(now)],
    );
    const superseded = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE referral_round_reminder rm
         JOIN referral_round_reminder later
           ON later.recipient_id = rm.recipient_id AND later.deadline = rm.deadline
          AND later.status = 'planned' AND later.due_at > rm.due_at AND later.due_at <= ?
          SET rm.status = 'skipped', rm.done_at = ?
        WHERE rm.status = 'planned' AND rm.due_at <= ?`,
      [now, now, now],
    );
    return skipped.affectedRows + superseded.affectedRows;
  }

  private async queueBatch(
    manager: EntityManager,
    now: Date,
    actor: Actor,
  ): Promise<{ claimed: number; skipped: number; outboxIds: number[] }> {
    // Only the reminder rows are locked; rows another sweep holds are left to it.
    const claimed = await manager.query<{ id: number }[]>(
      `SELECT id FROM referral_round_reminder
        WHERE status = 'planned' AND due_at <= ?
        ORDER BY due_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [now, BATCH],
    );
    if (claimed.length === 0) return { claimed: 0, skipped: 0, outboxIds: [] };
    const due = await this.details(
      manager,
      claimed.map((row) => row.id),
    );
    const wanted = due.filter((reminder) => reminder.email);
    const unwanted = claimed.length - wanted.length;
    const today = this.clock.dayOf(now);
    const outboxIds = await this.outbox.add(
      manager,
      wanted.map((reminder) => this.mail(reminder, today)),
    );
    await manager.query(
      `UPDATE referral_round_reminder rm
         LEFT JOIN mail_outbox m
           ON m.dedupe_key = CONCAT('reminder:', rm.recipient_id, ':', rm.kind, ':', rm.deadline)
          SET rm.status = IF(m.id IS NULL, 'skipped', 'queued'), rm.outbox_id = m.id,
              rm.done_at = ?
        WHERE rm.id IN (?)`,
      [now, claimed.map((row) => row.id)],
    );
    if (wanted.length > 0) {
      await this.audit.record(manager, actor, {
        action: 'reminders.queued',
        entity: 'referral_round_reminder',
        entityId: wanted[0].id,
        after: {
          reminders: wanted.map(({ id, recipientId, kind, deadline }) => ({
            id,
            recipientId,
            kind,
            deadline,
          })),
        },
      });
    }
    return { claimed: claimed.length, skipped: unwanted, outboxIds };
  }

  /** The claimed reminders that are still wanted, with what their mails say. */
  private details(manager: EntityManager, ids: number[]): Promise<DueReminder[]> {
    return manager.query<DueReminder[]>(
      `SELECT rm.id, rm.recipient_id AS recipientId, rm.kind, rm.deadline,
              o.name AS recipientName, o.email, rr.title AS roundTitle, c.confidential,
              c.case_number AS caseNumber, so.name AS senderName, so.email AS senderEmail
         FROM referral_round_reminder rm
         JOIN referral_round_recipient r ON r.id = rm.recipient_id
         JOIN organisation o ON o.id = r.organisation_id
         JOIN referral_round rr ON rr.id = r.round_id
         JOIN case_record c ON c.id = rr.case_id
         JOIN organisation so ON so.id = c.organisation_id
        WHERE rm.id IN (?) AND r.status = 'sent' AND rr.status = 'sent'
          AND rm.deadline = COALESCE(r.extended_deadline, rr.deadline)`,
      [ids],
    );
  }

  private mail(reminder: DueReminder, today: string): OutgoingMail {
    const common = {
      recipientName: reminder.recipientName,
      senderName: reminder.senderName,
      senderEmail: reminder.senderEmail,
      caseNumber: reminder.caseNumber,
      roundTitle: Secrecy.mailRoundTitle(reminder.roundTitle, {
        caseConfidential: Boolean(Number(reminder.confidential)),
      }),
      deadline: reminder.deadline,
      responseUrl: RESPONSE_LINK_PLACEHOLDER,
    };
    const daysLeft = Math.max(0, daysBetween(today, reminder.deadline));
    const addressing = {
      dedupeKey: reminderKey(reminder),
      to: { address: reminder.email!, name: reminder.recipientName },
      entity: RECIPIENT_ENTITY,
      entityId: reminder.recipientId,
    };
    return parseReminderKind(reminder.kind).type === 'overdue'
      ? { template: 'overdue-notice', context: common, ...addressing }
      : {
          template: 'deadline-reminder',
          context: { ...common, daysLeft, oneDayLeft: daysLeft === 1 },
          ...addressing,
        };
  }
}
