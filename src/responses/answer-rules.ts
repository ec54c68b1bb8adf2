import { createHash } from 'node:crypto';
import { HttpStatus } from '@nestjs/common';
import { DomainError } from '../common/domain-error.js';
import type { RoundSection } from '../referral-rounds/referral-round.entity.js';
import type { RoundStatus } from '../referral-rounds/round-status.js';
import type { AnswerDecision } from './answer-pdf.js';
import { normaliseCaseNumber, normaliseParagraph } from './decision-reference.js';
import type { AnswerDto } from './dto/response.dto.js';

/** An answer as it is stored and compared: trimmed, sections and references in one form. */
export interface Normalised {
  position: AnswerDto['position'];
  summary: string | null;
  comments: { sectionRef: string; text: string }[];
  decision: AnswerDecision | null;
}

/** An answer registered earlier for the same recipient that a repeat would match. */
export interface EarlierAnswer {
  id: number;
  bodyHash: string;
}

/** Answers are taken while the round is sent; after closing, 409. */
export function assertOpen(round: { id: number; status: RoundStatus }): void {
  if (round.status !== 'sent') {
    throw DomainError.conflict(
      'round_not_open',
      round.status === 'closed'
        ? `Round ${round.id} is closed and takes no more answers`
        : `Round ${round.id} has not been sent`,
    );
  }
}

/** Positions whose answer must say something: what is criticised, or why it is rejected. */
const POSITIONS_NEEDING_CONTENT: ReadonlySet<string> = new Set(['approve_with_comments', 'reject']);

/**
 * Trims the answer and checks each comment names one of the round's sections (compared without
 * regard to case and spacing, stored as the round writes it). The decision's paragraph and case
 * number are stored in one form however they were written ("§ 45", "45 §" → "45").
 */
export function normalise(
  answer: AnswerDto,
  roundSections: RoundSection[],
  files: number,
  knownSeries: ReadonlySet<string>,
): Normalised {
  const key = (ref: string) => ref.trim().replace(/\s+/g, ' ').toLowerCase();
  const sections = new Map(roundSections.map((section) => [key(section.ref), section.ref]));
  const problems = (answer.comments ?? []).flatMap((comment, index) =>
    sections.has(key(comment.sectionRef))
      ? []
      : [
          {
            field: `comments.${index}.sectionRef`,
            messages: [
              `comments.${index}.sectionRef ${comment.sectionRef} is not a section of the round` +
                (roundSections.length
                  ? ` (${roundSections.map((section) => section.ref).join(', ')})`
                  : ''),
            ],
          },
        ],
  );
  if (problems.length > 0) throw DomainError.validation(problems);
  const summary = answer.summary?.trim() || null;
  const comments = (answer.comments ?? []).map((comment) => ({
    sectionRef: sections.get(key(comment.sectionRef))!,
    text: comment.text.trim(),
  }));
  // "Tillstyrker" and "Inget att invända" are complete answers on their own; comments and
  // rejections must say what they are.
  if (
    !summary &&
    comments.length === 0 &&
    files === 0 &&
    POSITIONS_NEEDING_CONTENT.has(answer.position)
  ) {
    throw DomainError.validation([
      {
        field: 'summary',
        messages: [
          `summary, comments or files must hold the answer when position is ${answer.position}`,
        ],
      },
    ]);
  }
  const decision = answer.decision
    ? {
        organ: answer.decision.organ?.trim() || null,
        date: answer.decision.date ?? null,
        paragraph: answer.decision.paragraph ? normaliseParagraph(answer.decision.paragraph) : null,
        caseNumber: answer.decision.caseNumber
          ? normaliseCaseNumber(answer.decision.caseNumber, (series) => knownSeries.has(series))
          : null,
      }
    : null;
  const hasDecision = decision && Object.values(decision).some((value) => value !== null);
  return { position: answer.position, summary, comments, decision: hasDecision ? decision : null };
}

/**
 * An answer from an organisation that registered the remiss in a case of its own names that case
 * as its decision's case number unless it gave one.
 */
export function withOwnCase(
  answer: Normalised,
  organisation: { name: string },
  ownCaseNumber: string | null,
): Normalised {
  if (!ownCaseNumber || answer.decision?.caseNumber) return answer;
  return {
    ...answer,
    decision: {
      organ: answer.decision?.organ ?? organisation.name,
      date: answer.decision?.date ?? null,
      paragraph: answer.decision?.paragraph ?? null,
      caseNumber: ownCaseNumber,
    },
  };
}

/** What makes two answers the same: the normalised answer and the files' SHA-256 sums. */
export function hashAnswer(answer: Normalised, fileHashes: string[]): string {
  return createHash('sha256').update(JSON.stringify({ answer, fileHashes })).digest('hex');
}

/**
 * The earlier answer a submission repeats: the one with the same Idempotency-Key (which must come
 * with the same answer, 422 otherwise, as the IETF draft says), or without a key the newest one
 * with the same content from the last minute.
 */
export function findRepeat(
  earlier: EarlierAnswer[],
  idempotencyKey: string | undefined,
  bodyHash: string,
): number | null {
  if (idempotencyKey) {
    const [keyed] = earlier;
    if (!keyed) return null;
    if (keyed.bodyHash !== bodyHash) {
      throw new DomainError(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'idempotency_key_reused',
        'This Idempotency-Key was already used for a different answer',
      );
    }
    return keyed.id;
  }
  return earlier.find((candidate) => candidate.bodyHash === bodyHash)?.id ?? null;
}

/** The `id hash` pairs of {@link earlierAnswers}, newest first. */
export function parseEarlier(list: string | null): EarlierAnswer[] {
  if (!list) return [];
  return list.split(',').map((entry) => {
    const [id, bodyHash] = entry.split(' ');
    return { id: Number(id), bodyHash };
  });
}

/** An identical answer from the same recipient within this time is the same answer. */
const REPEAT_WINDOW_MS = 60_000;

/**
 * A subquery listing a recipient's answers a repeat may match, newest first, as `id hash` pairs
 * separated by commas: the one with the key, or those of the last minute. `recipient` is the SQL
 * for the recipient's id (a column, or `?` as the first of the parameters).
 */
export function earlierAnswers(
  recipient: string,
  idempotencyKey: string | undefined,
  now: Date,
): { sql: string; parameters: unknown[] } {
  return {
    sql: `(SELECT GROUP_CONCAT(a.id, ' ', a.body_hash ORDER BY a.id DESC)
             FROM referral_round_response a
            WHERE a.recipient_id = ${recipient}
              AND ${idempotencyKey ? 'a.idempotency_key = ?' : 'a.submitted_at > ?'})`,
    parameters: [idempotencyKey ?? new Date(now.getTime() - REPEAT_WINDOW_MS)],
  };
}
