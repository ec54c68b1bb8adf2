import type { EntityManager } from 'typeorm';
import { booleanTransformer, jsonTransformer } from '../database/transformers.js';
import type { RoundSection } from '../referral-rounds/referral-round.entity.js';
import type { RecipientStatus, RoundStatus } from '../referral-rounds/round-status.js';
import { earlierAnswers, parseEarlier, type EarlierAnswer } from './answer-rules.js';
import { caseNumberParts } from './decision-reference.js';
import type { AnswerDto } from './dto/response.dto.js';

/** What an answer is checked and registered against (see loadAnswerContext). */
export interface AnswerContext {
  round: {
    id: number;
    title: string;
    deadline: string;
    sections: RoundSection[];
    status: RoundStatus;
  };
  /** The round's case. */
  owner: { id: number; caseNumber: string; confidential: boolean };
  /** The organisation that owns the round's case. */
  sender: { name: string; email: string | null };
  recipient: { id: number; status: RecipientStatus; extendedDeadline: string | null } | null;
  organisation: { id: number; name: string; email: string | null } | null;
  /** The case the consultee registered the remiss in, when it keeps one here. */
  ownCase: { id: number; caseNumber: string } | null;
  knownSeries: ReadonlySet<string>;
  earlier: EarlierAnswer[];
  /** The round was sent to one of the actor's organisations (asked for answers by account). */
  addressed: boolean;
}

/** The context of an answer from a recipient of the round. */
export type LoadedAnswer = AnswerContext & {
  recipient: NonNullable<AnswerContext['recipient']>;
  organisation: NonNullable<AnswerContext['organisation']>;
};

export function isFromRecipient(context: AnswerContext): context is LoadedAnswer {
  return context.recipient !== null && context.organisation !== null;
}

/** Whether the round was sent to one of the actor's organisations (the parameter). */
const ADDRESSED_SQL = `EXISTS (SELECT 1 FROM referral_round_recipient m
                                WHERE m.round_id = rr.id AND m.organisation_id IN (?))`;

interface AnswerContextRow {
  title: string;
  deadline: string;
  sections: string;
  roundStatus: RoundStatus;
  caseId: number;
  caseNumber: string;
  confidential: number;
  senderName: string;
  senderEmail: string | null;
  recipientId: number | null;
  status: RecipientStatus | null;
  extendedDeadline: string | null;
  organisationId: number | null;
  name: string | null;
  email: string | null;
  ownCaseId: number | null;
  ownCaseNumber: string | null;
  seriesKept: number;
  earlier: string | null;
  addressed: number | null;
}

/**
 * Everything an answer is checked and registered against, in one query: the round with its
 * case and sender, the recipient (by id, or by organisation for an answer by account) with its
 * organisation and own case, whether the directory keeps the series of the decision's case
 * number, and the recipient's earlier answers a repeat would match. `actorOrganisations` (not
 * null) also asks whether the round was sent to one of them. Null when the round is missing.
 */
export async function loadAnswerContext(
  manager: EntityManager,
  which: { roundId: number } & ({ recipientId: number } | { organisationId: number }),
  answer: AnswerDto,
  idempotencyKey: string | undefined,
  actorOrganisations: readonly number[] | null,
  now: Date,
): Promise<AnswerContext | null> {
  const written = answer.decision?.caseNumber;
  const series = (written && caseNumberParts(written)?.series) || null;
  const earlier = earlierAnswers('r.id', idempotencyKey, now);
  const byRecipient = 'recipientId' in which;
  const [row] = await manager.query<AnswerContextRow[]>(
    `SELECT rr.title, rr.deadline, rr.sections, rr.status AS roundStatus,
            c.id AS caseId, c.case_number AS caseNumber, c.confidential,
            s.name AS senderName, s.email AS senderEmail,
            r.id AS recipientId, r.status, r.extended_deadline AS extendedDeadline,
            o.id AS organisationId, o.name, o.email,
            oc.id AS ownCaseId, oc.case_number AS ownCaseNumber,
            EXISTS (SELECT 1 FROM organisation k WHERE k.series_code = ?) AS seriesKept,
            ${earlier.sql} AS earlier,
            ${actorOrganisations ? ADDRESSED_SQL : 'NULL'} AS addressed
       FROM referral_round rr
       JOIN case_record c ON c.id = rr.case_id
       JOIN organisation s ON s.id = c.organisation_id
       LEFT JOIN referral_round_recipient r ON r.round_id = rr.id
            AND ${byRecipient ? 'r.id' : 'r.organisation_id'} = ?
       LEFT JOIN organisation o ON o.id = r.organisation_id
       LEFT JOIN case_record oc ON oc.id = r.own_case_id
      WHERE rr.id = ?`,
    [
      series,
      ...earlier.parameters,
      // IN (NULL) holds for no organisation.
      ...(actorOrganisations ? [actorOrganisations.length > 0 ? actorOrganisations : [null]] : []),
      byRecipient ? which.recipientId : which.organisationId,
      which.roundId,
    ],
  );
  return row ? answerContext(row, which.roundId, series) : null;
}

function answerContext(
  row: AnswerContextRow,
  roundId: number,
  series: string | null,
): AnswerContext {
  return {
    round: {
      id: roundId,
      title: row.title,
      deadline: row.deadline,
      sections: jsonTransformer.from(row.sections) as RoundSection[],
      status: row.roundStatus,
    },
    owner: {
      id: Number(row.caseId),
      caseNumber: row.caseNumber,
      confidential: booleanTransformer.from(row.confidential) as boolean,
    },
    sender: { name: row.senderName, email: row.senderEmail },
    recipient:
      row.recipientId === null
        ? null
        : {
            id: Number(row.recipientId),
            status: row.status!,
            extendedDeadline: row.extendedDeadline,
          },
    organisation:
      row.organisationId === null
        ? null
        : { id: Number(row.organisationId), name: row.name!, email: row.email },
    ownCase:
      row.ownCaseId === null ? null : { id: Number(row.ownCaseId), caseNumber: row.ownCaseNumber! },
    knownSeries: new Set(series && Number(row.seriesKept) === 1 ? [series] : []),
    earlier: parseEarlier(row.earlier),
    addressed: Number(row.addressed) === 1,
  };
}
