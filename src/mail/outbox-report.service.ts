import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import type { OutboxAgesDto, OutboxReportDto, StuckMailDto } from './dto/outbox-report.dto.js';
import { OUTBOX_STATUSES, type OutboxStatus } from './mail-outbox.entity.js';

/** A pending mail older than this is listed as stuck. */
export const STUCK_AFTER_MS = 15 * 60_000;
const STUCK_LISTED = 100;

const MINUTE = 60_000;

/** What operators need to see that no mail is stranded: the outbox by state and age. */
@Injectable()
export class OutboxReportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async report(): Promise<OutboxReportDto> {
    const now = this.clock.now().getTime();
    const ago = (ms: number) => new Date(now - ms);
    const rows = await this.dataSource.query<Record<string, string | number>[]>(
      `SELECT status, COUNT(*) AS total,
              SUM(created_at >= ?) AS a, SUM(created_at < ? AND created_at >= ?) AS b,
              SUM(created_at < ? AND created_at >= ?) AS c,
              SUM(created_at < ? AND created_at >= ?) AS d, SUM(created_at < ?) AS e
         FROM mail_outbox GROUP BY status`,
      [
        ago(MINUTE),
        ago(MINUTE),
        ago(15 * MINUTE),
        ago(15 * MINUTE),
        ago(60 * MINUTE),
        ago(60 * MINUTE),
        ago(1440 * MINUTE),
        ago(1440 * MINUTE),
      ],
    );
    const byStatus = new Map(rows.map((row) => [row.status as OutboxStatus, row]));
    const states = OUTBOX_STATUSES.map((status): OutboxAgesDto => {
      const row = byStatus.get(status);
      const n = (key: string) => Number(row?.[key] ?? 0);
      return {
        status,
        total: n('total'),
        underOneMinute: n('a'),
        underFifteenMinutes: n('b'),
        underOneHour: n('c'),
        underOneDay: n('d'),
        older: n('e'),
      };
    });
    const stale = ago(STUCK_AFTER_MS);
    const [{ total }] = await this.dataSource.query<{ total: string | number }[]>(
      `SELECT COUNT(*) AS total FROM mail_outbox WHERE status = 'pending' AND created_at < ?`,
      [stale],
    );
    const stuck = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT m.id, m.kind, r.round_id, m.created_at, m.queued_at, m.attempts, m.offers,
              m.last_error
         FROM mail_outbox m
         LEFT JOIN referral_round_recipient r
           ON m.entity = 'referral_round_recipient' AND r.id = m.entity_id
        WHERE m.status = 'pending' AND m.created_at < ?
        ORDER BY m.created_at, m.id LIMIT ?`,
      [stale, STUCK_LISTED],
    );
    return {
      states,
      stuckTotal: Number(total),
      stuck: stuck.map((row): StuckMailDto => ({
        id: Number(row.id),
        kind: String(row.kind),
        roundId: row.round_id === null ? null : Number(row.round_id),
        createdAt: (row.created_at as Date).toISOString(),
        queuedAt: row.queued_at ? (row.queued_at as Date).toISOString() : null,
        attempts: Number(row.attempts),
        offers: Number(row.offers),
        lastError: (row.last_error as string | null) ?? null,
      })),
    };
  }
}
