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
       r.failure_reason AS failureReason, r.failed_at AS failedAt`;

const RECIPIENT_FROM = `FROM referral_round_recipient r
  JOIN referral_round rr ON rr.id = r.round_id
  JOIN case_record c ON c.id = rr.case_id
  JOIN organisation o ON o.id = r.organisation_id`;

/**
 * Consultees who have not answered, by their own deadline (`condition` on it), soonest first:
 * those without an extension read from the sent rounds by the round's deadline
 * (ix_referral_round_status_deadline), those with one by the extended deadline
 * (ix_referral_round_recipient_status_extended); each part stops at the limit.
 */
function dueBetween(condition: string): string {
  return `(SELECT ${RECIPIENT_COLUMNS}
             FROM referral_round rr
             JOIN referral_round_recipient r ON r.round_id = rr.id
             JOIN case_record c ON c.id = rr.case_id
             JOIN organisation o ON o.id = r.organisation_id
            WHERE rr.status = 'sent' AND rr.deadline ${condition}
              AND r.status = 'sent' AND r.extended_deadline IS NULL
            ORDER BY rr.deadline ASC, rr.id ASC
            LIMIT ?)
          UNION ALL
          (SELECT ${RECIPIENT_COLUMNS}
             FROM referral_round_recipient r
             JOIN referral_round rr ON rr.id = r.round_id
             JOIN case_record c ON c.id = rr.case_id
             JOIN organisation o ON o.id = r.organisation_id
            WHERE r.status = 'sent' AND r.extended_deadline ${condition} AND rr.status = 'sent'
            ORDER BY r.extended_deadline ASC, r.id ASC
            LIMIT ?)
          ORDER BY deadline ASC, recipientId ASC
          LIMIT ?`;
}

/** How many of the latest answers (and of the latest declines) the desk looks through. */
const RECENT_ANSWERS = 300;

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
   * (ix_referral_round_recipient_status_failed/_answered), deadlines as {@link dueBetween} says.
   */
  async desk(actor: Actor): Promise<Desk> {
    const today = this.clock.today();
    // Monday to Sunday of this Stockholm week (2026-01-05 was a Monday).
    const monday = addDays(today, -(((daysBetween('2026-01-05', today) % 7) + 7) % 7));
    const week = { from: monday, to: addDays(monday, 6) };
    const answersSince = addDays(today, -DESK_ANSWER_DAYS);
    const since = startOfDay(answersSince);
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
        // The latest answers and declines (each read newest first from its index, a few hundred
        // at most), their sent rounds by the latest, then each round's count since the day.
        `SELECT g.roundId, g.lastAnsweredAt, c.case_number AS caseNumber,
                c.confidential AS confidential, rr.title AS title, rr.deadline AS deadline,
                (SELECT COUNT(*) FROM referral_round_recipient a
                  WHERE a.round_id = g.roundId AND a.status IN ('answered', 'declined')
                    AND a.answered_at >= ?) AS answers
           FROM (SELECT x.roundId, MAX(x.answeredAt) AS lastAnsweredAt
                   FROM ((SELECT round_id AS roundId, answered_at AS answeredAt
                            FROM referral_round_recipient
                           WHERE status = 'answered' AND answered_at >= ?
                           ORDER BY answered_at DESC LIMIT ?)
                         UNION ALL
                         (SELECT round_id, answered_at
                            FROM referral_round_recipient
                           WHERE status = 'declined' AND answered_at >= ?
                           ORDER BY answered_at DESC LIMIT ?)) x
                   JOIN referral_round s ON s.id = x.roundId AND s.status = 'sent'
                  GROUP BY x.roundId
                  ORDER BY lastAnsweredAt DESC, x.roundId DESC
                  LIMIT ?) g
           JOIN referral_round rr ON rr.id = g.roundId
           JOIN case_record c ON c.id = rr.case_id
          ORDER BY g.lastAnsweredAt DESC, g.roundId DESC`,
        [since, since, RECENT_ANSWERS, since, RECENT_ANSWERS, DESK_LIMIT],
      ),
      this.dataSource.query<RecipientRow[]>(
        `SELECT ${RECIPIENT_COLUMNS} ${RECIPIENT_FROM}
          WHERE r.status = 'failed' AND rr.status = 'sent'
          ORDER BY r.failed_at DESC, r.id DESC
          LIMIT ?`,
        [DESK_LIMIT],
      ),
      this.dataSource.query<RecipientRow[]>(dueBetween('BETWEEN ? AND ?'), [
        today,
        week.to,
        DESK_LIMIT,
        today,
        week.to,
        DESK_LIMIT,
        DESK_LIMIT,
      ]),
      this.dataSource.query<RecipientRow[]>(dueBetween('< ?'), [
        today,
        DESK_LIMIT,
        today,
        DESK_LIMIT,
        DESK_LIMIT,
      ]),
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
