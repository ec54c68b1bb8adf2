import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { ReferralRound } from '../referral-rounds/referral-round.entity.js';
import type { ReminderDto } from './dto/deadline.dto.js';
import type { ReminderStatus } from './reminder.entity.js';
import { parseReminderKind } from './reminder-policy.js';

interface ReminderRow {
  id: number;
  recipientId: number;
  organisation: string;
  kind: string;
  deadline: string;
  dueAt: Date;
  status: ReminderStatus;
  delivery: string | null;
  sentAt: Date | null;
}

/** What was (and will be) sent to whom in a round's reminders. */
@Injectable()
export class RemindersService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Per recipient of a round, how many reminders the mail server has accepted and when the last
   * one left: what a status table shows, in one grouped query instead of every planned reminder.
   */
  async sentCountsForRound(
    roundId: number,
  ): Promise<Map<number, { count: number; last: string | null }>> {
    const rows = await this.dataSource.query<
      { recipientId: number; count: number | string; last: Date | null }[]
    >(
      `SELECT rm.recipient_id AS recipientId, COUNT(*) AS count, MAX(m.sent_at) AS last
         FROM referral_round_reminder rm
         JOIN referral_round_recipient r ON r.id = rm.recipient_id
         JOIN mail_outbox m ON m.id = rm.outbox_id
        WHERE r.round_id = ? AND m.status = 'sent' AND m.sent_at IS NOT NULL
        GROUP BY rm.recipient_id`,
      [roundId],
    );
    return new Map(
      rows.map((row) => [
        Number(row.recipientId),
        { count: Number(row.count), last: row.last ? row.last.toISOString() : null },
      ]),
    );
  }

  async listForRound(roundId: number): Promise<ReminderDto[]> {
    if (!(await this.dataSource.manager.existsBy(ReferralRound, { id: roundId }))) {
      throw DomainError.notFound('Round', roundId);
    }
    const rows = await this.dataSource.query<ReminderRow[]>(
      `SELECT rm.id, rm.recipient_id AS recipientId, o.name AS organisation, rm.kind, rm.deadline,
              rm.due_at AS dueAt, rm.status, m.status AS delivery, m.sent_at AS sentAt
         FROM referral_round_reminder rm
         JOIN referral_round_recipient r ON r.id = rm.recipient_id
         JOIN organisation o ON o.id = r.organisation_id
         LEFT JOIN mail_outbox m ON m.id = rm.outbox_id
        WHERE r.round_id = ?
        ORDER BY rm.due_at, o.name, rm.id`,
      [roundId],
    );
    return rows.map((row) => ({
      id: row.id,
      recipientId: row.recipientId,
      organisation: row.organisation,
      ...parseReminderKind(row.kind),
      deadline: row.deadline,
      dueAt: row.dueAt.toISOString(),
      status: row.status,
      delivery: row.delivery,
      sentAt: row.sentAt ? row.sentAt.toISOString() : null,
    }));
  }
}
