import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { Secrecy } from '../common/secrecy.js';
import { addDays, daysBetween } from '../common/working-days.js';

/** A round with answers that came in recently. */
export interface DeskRound {
  roundId: number;
  caseNumber: string;
  /** Null when the actor may not read the round's title (as in the follow-up list). */
  title: string | null;
  deadline: string;
  answers: number;
  lastAnsweredAt: Date;
}

/** A consultee of a sent round: failed, due this week or overdue. */
export interface DeskRecipient {
  roundId: number;
  recipientId: number;
  caseNumber: string;
  title: string | null;
  organisation: string;
  deadline: string;
  failureReason: string | null;
  failedAt: Date | null;
}

export interface Desk {
  /** Sent rounds with answers (or declines) received since `answersSince`. */
  answers: DeskRound[];
  answersSince: string;
  failed: DeskRecipient[];
  /** Monday and Sunday of the current Stockholm week. */
  week: { from: string; to: string };
  dueThisWeek: DeskRecipient[];
  overdue: DeskRecipient[];
}

/** How far back "answers to take care of" reach. */
export const DESK_ANSWER_DAYS = 14;
/** Rows per section of the desk; the follow-up list has the rest. */
export const DESK_LIMIT = 10;

interface RecipientRow {
  roundId: number;
  recipientId: number;
  organisationId: number;
  caseNumber: string;
  confidential: number;
  title: string;
  organisation: string;
  deadline: string;
  failureReason: string | null;
  failedAt: Date | null;
}

const RECIPIENT_COLUMNS = `rr.id AS roundId, r.id AS recipientId, r.organisation_id AS organisationId,
       c.case_number AS caseNumber, c.confidential AS confidential, rr.title AS title,
       o.name AS organisation, COALESCE(r.extended_deadline, rr.deadline) AS deadline,
       r.failure_reason AS failureReason, r.failed_at AS failedAt
  FROM referral_round_recipient r
  JOIN referral_round rr ON rr.id = r.round_id
  JOIN case_record c ON c.id = rr.case_id
  JOIN organisation o ON o.id = r.organisation_id`;

/**
 * The registrar's desk ("what needs doing"): four short lists across the sent rounds, one query
 * each and each limited. What a user sees of a round goes through the one secrecy rule, as in the
 * follow-up lists.
 */
@Injectable()
export class RoundDeskService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The paragraphs of a case, as `POST /api/cases/:id/rounds` accepts them for `decisionItemId`
   * (any § of the same case), newest meeting first.
   */
  async decisionChoices(caseId: number): Promise<DecisionChoice[]> {
    const rows = await this.dataSource.query<
      {
        id: number;
        paragraph: number;
        title: string;
        meetingDate: string;
        organisation: string;
        adjustedOn: string | null;
      }[]
    >(
      `SELECT i.id, i.paragraph, i.title, m.date AS meetingDate, o.name AS organisation,
              i.adjusted_on AS adjustedOn
         FROM meeting_item i
         JOIN meeting m ON m.id = i.meeting_id
         JOIN organisation o ON o.id = i.organisation_id
        WHERE i.case_id = ?
        ORDER BY m.date DESC, i.paragraph DESC
        LIMIT 200`,
      [caseId],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      paragraph: Number(row.paragraph),
      title: row.title,
      meetingDate: day(row.meetingDate),
      organisation: row.organisation,
      adjusted: row.adjustedOn !== null,
    }));
  }

  /**
   * Failed deliveries and recent answers are read by the recipient's status and instant
   * (ix_referral_round_recipient_status_failed/_answered). Deadlines are read from the sent rounds
   * by their deadline (ix_referral_round_status_deadline): an extension is always later than the
   * round's deadline, so a consultee due by a day belongs to a round due by that day.
   */
  async desk(actor: Actor): Promise<Desk> {
    const today = this.clock.today();
    // Monday to Sunday of this Stockholm week (2026-01-05 was a Monday).
    const monday = addDays(today, -(((daysBetween('2026-01-05', today) % 7) + 7) % 7));
    const week = { from: monday, to: addDays(monday, 6) };
    const answersSince = addDays(today, -DESK_ANSWER_DAYS);
    const [answers, failed, dueThisWeek, overdue] = await Promise.all([
      this.dataSource.query<
        {
          roundId: number;
          caseNumber: string;
          confidential: number;
          title: string;
          deadline: string;
          answers: number;
          lastAnsweredAt: Date;
        }[]
      >(
        `SELECT rr.id AS roundId, c.case_number AS caseNumber, c.confidential AS confidential,
                rr.title AS title, rr.deadline AS deadline, COUNT(*) AS answers,
                MAX(r.answered_at) AS lastAnsweredAt
           FROM referral_round rr
           JOIN referral_round_recipient r ON r.round_id = rr.id
           JOIN case_record c ON c.id = rr.case_id
          WHERE rr.status = 'sent' AND r.status IN ('answered', 'declined')
            AND r.answered_at >= ?
          GROUP BY rr.id, c.case_number, c.confidential, rr.title, rr.deadline
          ORDER BY lastAnsweredAt DESC, rr.id DESC
          LIMIT ?`,
        [startOfDay(answersSince), DESK_LIMIT],
      ),
      this.dataSource.query<RecipientRow[]>(
        `SELECT ${RECIPIENT_COLUMNS}
          WHERE r.status = 'failed' AND rr.status = 'sent'
          ORDER BY r.failed_at DESC, r.id DESC
          LIMIT ?`,
        [DESK_LIMIT],
      ),
      this.dataSource.query<RecipientRow[]>(
        `SELECT ${RECIPIENT_COLUMNS}
          WHERE rr.status = 'sent' AND rr.deadline <= ? AND r.status = 'sent'
            AND COALESCE(r.extended_deadline, rr.deadline) BETWEEN ? AND ?
          ORDER BY deadline ASC, r.id ASC
          LIMIT ?`,
        [week.to, today, week.to, DESK_LIMIT],
      ),
      this.dataSource.query<RecipientRow[]>(
        `SELECT ${RECIPIENT_COLUMNS}
          WHERE rr.status = 'sent' AND rr.deadline < ? AND r.status = 'sent'
            AND COALESCE(r.extended_deadline, rr.deadline) < ?
          ORDER BY deadline ASC, r.id ASC
          LIMIT ?`,
        [today, today, DESK_LIMIT],
      ),
    ]);
    const recipient = (row: RecipientRow): DeskRecipient => {
      const visible = Secrecy.maySee(actor, {
        caseConfidential: Boolean(Number(row.confidential)),
        sentTo: [Number(row.organisationId)],
      });
      return {
        roundId: Number(row.roundId),
        recipientId: Number(row.recipientId),
        caseNumber: row.caseNumber,
        title: Secrecy.shown(visible, row.title),
        organisation: row.organisation,
        deadline: day(row.deadline),
        failureReason: Secrecy.shown(visible, row.failureReason),
        failedAt: row.failedAt === null ? null : new Date(row.failedAt),
      };
    };
    return {
      answers: answers.map((row) => ({
        roundId: Number(row.roundId),
        caseNumber: row.caseNumber,
        title: Secrecy.shown(
          Secrecy.maySee(actor, { caseConfidential: Boolean(Number(row.confidential)) }),
          row.title,
        ),
        deadline: day(row.deadline),
        answers: Number(row.answers),
        lastAnsweredAt: new Date(row.lastAnsweredAt),
      })),
      answersSince,
      failed: failed.map(recipient),
      week,
      dueThisWeek: dueThisWeek.map(recipient),
      overdue: overdue.map(recipient),
    };
  }
}

/** A paragraph (§) of a case that a round may name as the decision that sent it on remiss. */
export interface DecisionChoice {
  id: number;
  paragraph: number;
  title: string;
  meetingDate: string;
  organisation: string;
  adjusted: boolean;
}

/** A DATE column as YYYY-MM-DD, whether the driver gives a string or a Date. */
function day(value: string | Date): string {
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

/** Midnight (UTC) of a day: answered_at is stored in UTC; a few hours either way do not matter. */
function startOfDay(value: string): Date {
  return new Date(`${value}T00:00:00Z`);
}
