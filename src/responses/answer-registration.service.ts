import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { Secrecy } from '../common/secrecy.js';
import { insertRows } from '../database/bulk-insert.js';
import { retryOnDeadlock } from '../database/transaction.js';
import type { Document } from '../documents/document.entity.js';
import {
  DocumentsService,
  type StoredFile,
  type UploadedFile,
} from '../documents/documents.service.js';
import { OutboxService, type StoredMails } from '../mail/outbox.service.js';
import { RECIPIENT_ENTITY } from '../referral-rounds/round-mail-delivery.js';
import type { RecipientStatus, RoundStatus } from '../referral-rounds/round-status.js';
import type { LoadedAnswer } from './answer-context.js';
import {
  assertOpen,
  earlierAnswers,
  findRepeat,
  parseEarlier,
  type Normalised,
} from './answer-rules.js';
import type { AnswerDto, ResponseDto } from './dto/response.dto.js';
import { POSITION_LABELS } from './positions.js';
import { toResponseDto } from './response-queries.service.js';
import type { ReceivedVia, Response } from './response.entity.js';

/** One submission of an answer, as it came. */
export interface Submission {
  answer: AnswerDto;
  files: UploadedFile[];
  via: ReceivedVia;
  actor: Actor;
  idempotencyKey?: string;
}

/** An answer registered, with its receipt to hand to the mail queue; or the earlier one it repeats. */
export type Registration = { repeated: number } | { answer: ResponseDto; mails: StoredMails };

/** The recipient's row as its lock found it. */
interface LockedRecipient {
  status: RecipientStatus;
  responseId: number | null;
  deadline: string;
}

/**
 * Registers an answer in one transaction: the recipient locked, the files as documents of the
 * round's case (and of the consultee's own case), the answer and its comments, the recipient
 * answered or declined, the receipt in the outbox and one multi-row audit insert.
 */
@Injectable()
export class AnswerRegistrationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly documents: DocumentsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Registers the normalised answer with its stored files (the answer's document first), unless
   * the lock finds it already registered. Retried whole when InnoDB picks it as a deadlock victim.
   */
  register(
    submission: Submission,
    context: LoadedAnswer,
    answer: Normalised,
    bodyHash: string,
    files: StoredFile[],
  ): Promise<Registration> {
    return retryOnDeadlock(() =>
      this.dataSource.transaction((manager) =>
        this.registerIn(manager, submission, context, answer, bodyHash, files),
      ),
    );
  }

  private async registerIn(
    manager: EntityManager,
    submission: Submission,
    context: LoadedAnswer,
    answer: Normalised,
    bodyHash: string,
    files: StoredFile[],
  ): Promise<Registration> {
    const { round, organisation, owner } = context;
    const recipient = await this.lockRecipient(manager, submission, context, bodyHash);
    if ('repeated' in recipient) return recipient;
    const now = this.clock.now();
    const today = this.clock.dayOf(now);
    const late = today > recipient.deadline;
    const { registered, replies, audit } = await this.registerDocuments(
      manager,
      context,
      files,
      today,
      submission.actor,
    );
    const response: Response = {
      id: 0,
      roundId: round.id,
      recipientId: context.recipient.id,
      position: answer.position,
      summary: answer.summary,
      decisionOrgan: answer.decision?.organ ?? null,
      decisionDate: answer.decision?.date ?? null,
      decisionParagraph: answer.decision?.paragraph ?? null,
      decisionCaseNumber: answer.decision?.caseNumber ?? null,
      receivedVia: submission.via,
      submittedBy: submission.actor.userId,
      submittedAt: now,
      late,
      documentId: registered[0].id,
      replyDocumentId: replies[0]?.id ?? null,
      supersedesId: recipient.responseId,
      idempotencyKey: submission.idempotencyKey ?? null,
      bodyHash,
    };
    response.id = await insertAnswer(manager, response, answer.comments, registered.slice(1));
    const mails = await this.receipt(manager, context, {
      response,
      documentNumber: registered[0].documentNumber,
      deadline: recipient.deadline,
      submittedOn: today,
    });
    // The documents' registrations and the answer's in one insert, in that order.
    await this.audit.recordMany(manager, submission.actor, [
      ...audit,
      submittedEntry(response, recipient, registered),
    ]);
    // The reply is the answer as just written, with nothing read back.
    const parts = {
      organisation: { id: organisation.id, name: organisation.name },
      comments: answer.comments,
      documents: new Map([...registered, ...replies].map((document) => [document.id, document])),
      attachmentIds: registered.slice(1).map((document) => document.id),
      current: true,
    };
    return {
      answer: toResponseDto(response, parts, submission.actor, owner.confidential),
      mails,
    };
  }

  /**
   * Locks the recipient's row, which serialises its answers, and checks again under the lock that
   * the round is open and the answer not already registered (a repeat waiting here finds the first).
   */
  private async lockRecipient(
    manager: EntityManager,
    submission: Submission,
    context: LoadedAnswer,
    bodyHash: string,
  ): Promise<{ repeated: number } | LockedRecipient> {
    const [recipient] = await manager.query<
      { status: RecipientStatus; responseId: number | null; extendedDeadline: string | null }[]
    >(
      `SELECT status, response_id AS responseId, extended_deadline AS extendedDeadline
         FROM referral_round_recipient WHERE id = ? FOR UPDATE`,
      [context.recipient.id],
    );
    // A plain read after the lock: it sees every answer committed before the lock was granted.
    const earlier = earlierAnswers('?', submission.idempotencyKey, this.clock.now());
    const [round] = await manager.query<
      { status: RoundStatus; deadline: string; earlier: string | null }[]
    >(`SELECT status, deadline, ${earlier.sql} AS earlier FROM referral_round WHERE id = ?`, [
      context.recipient.id,
      ...earlier.parameters,
      context.round.id,
    ]);
    assertOpen({ id: context.round.id, status: round.status });
    const repeated = findRepeat(parseEarlier(round.earlier), submission.idempotencyKey, bodyHash);
    if (repeated) return { repeated };
    return {
      status: recipient.status,
      responseId: recipient.responseId === null ? null : Number(recipient.responseId),
      deadline: recipient.extendedDeadline ?? round.deadline,
    };
  }

  /**
   * The answer's files as incoming documents of the round's case and, when the consultee keeps
   * the remiss in a case of its own, as outgoing documents there naming the sender's case, with
   * the registrations' audit entries (to record with the answer's). The case rows' locks are
   * taken here, late in the transaction: the consultee's own case (locked by its answers alone)
   * first, the round's case (which every answer to the round waits for until this transaction
   * commits) last.
   */
  private async registerDocuments(
    manager: EntityManager,
    { organisation, owner, ownCase, sender }: LoadedAnswer,
    files: StoredFile[],
    today: string,
    actor: Actor,
  ): Promise<{ registered: Document[]; replies: Document[]; audit: AuditEntry[] }> {
    const to = `${sender.name} (${owner.caseNumber})`;
    const replies = ownCase
      ? await this.documents.registerStoredIn(
          manager,
          ownCase,
          files.map((stored, index) => ({
            fields: {
              title:
                index === 0 ? `Remissvar till ${to}` : `Bilaga ${index} till remissvar till ${to}`,
              direction: 'outgoing',
              counterpart: sender.name,
              date: today,
            },
            stored,
          })),
          actor,
        )
      : { documents: [], audit: [] };
    const from = `${organisation.name}${ownCase ? ` (${ownCase.caseNumber})` : ''}`;
    const registered = await this.documents.registerStoredIn(
      manager,
      owner,
      files.map((stored, index) => ({
        fields: {
          title:
            index === 0 ? `Remissvar från ${from}` : `Bilaga ${index} till remissvar från ${from}`,
          direction: 'incoming',
          counterpart: organisation.name,
          date: today,
        },
        stored,
      })),
      actor,
    );
    return {
      registered: registered.documents,
      replies: replies.documents,
      audit: [...replies.audit, ...registered.audit],
    };
  }

  /** The receipt (kvittens) to the organisation's mailbox, naming the registered document. */
  private async receipt(
    manager: EntityManager,
    { round, organisation, owner, sender }: LoadedAnswer,
    {
      response,
      documentNumber,
      deadline,
      submittedOn,
    }: { response: Response; documentNumber: string; deadline: string; submittedOn: string },
  ): Promise<StoredMails> {
    if (!organisation.email) return { ids: [], inserted: [] };
    return this.outbox.store(manager, [
      {
        template: 'response-received',
        dedupeKey: `response-received:${response.id}`,
        to: { address: organisation.email, name: organisation.name },
        entity: RECIPIENT_ENTITY,
        entityId: response.recipientId,
        context: {
          recipientName: organisation.name,
          senderName: sender.name,
          senderEmail: sender.email,
          caseNumber: owner.caseNumber,
          roundTitle: Secrecy.mailRoundTitle(round.title, {
            caseConfidential: owner.confidential,
          }),
          documentNumber,
          positionLabel: POSITION_LABELS[response.position],
          submittedOn,
          late: response.late,
          deadline,
          supersedes: response.supersedesId !== null,
        },
      },
    ]);
  }
}

/** The audit entry of an answer: the recipient's state before it, and what was registered. */
function submittedEntry(
  response: Response,
  before: LockedRecipient,
  registered: Document[],
): AuditEntry {
  return {
    action: 'round.response_submitted',
    entity: 'referral_round',
    entityId: response.roundId,
    before: {
      recipientId: response.recipientId,
      status: before.status,
      responseId: before.responseId,
    },
    after: {
      recipientId: response.recipientId,
      responseId: response.id,
      position: response.position,
      late: response.late,
      receivedVia: response.receivedVia,
      documentNumbers: registered.map((document) => document.documentNumber),
    },
  };
}

/**
 * Writes the answer (its row, comments and further files) and makes it the recipient's current
 * one; returns its id.
 */
async function insertAnswer(
  manager: EntityManager,
  response: Response,
  comments: Normalised['comments'],
  attachments: Document[],
): Promise<number> {
  const inserted = await manager.query<{ insertId: number }>(
    `INSERT INTO referral_round_response (round_id, recipient_id, position, summary,
       decision_organ, decision_date, decision_paragraph, decision_case_number, received_via,
       submitted_by, submitted_at, late, document_id, reply_document_id, supersedes_id,
       idempotency_key, body_hash) VALUES (?)`,
    [
      [
        response.roundId,
        response.recipientId,
        response.position,
        response.summary,
        response.decisionOrgan,
        response.decisionDate,
        response.decisionParagraph,
        response.decisionCaseNumber,
        response.receivedVia,
        response.submittedBy,
        response.submittedAt,
        response.late ? 1 : 0,
        response.documentId,
        response.replyDocumentId,
        response.supersedesId,
        response.idempotencyKey,
        response.bodyHash,
      ],
    ],
  );
  const id = Number(inserted.insertId);
  await insertRows(
    manager,
    'referral_round_comment',
    ['response_id', 'round_id', 'section_ref', 'text', 'position'],
    comments.map((comment, index) => [
      id,
      response.roundId,
      comment.sectionRef,
      comment.text,
      index + 1,
    ]),
  );
  await insertRows(
    manager,
    'referral_round_response_document',
    ['response_id', 'document_id', 'position'],
    attachments.map((document, index) => [id, document.id, index + 1]),
  );
  await manager.query(
    `UPDATE referral_round_recipient
        SET status = ?, answered_at = ?, late = ?, response_id = ?, updated_at = ?
      WHERE id = ?`,
    [
      response.position === 'declined' ? 'declined' : 'answered',
      response.submittedAt,
      response.late ? 1 : 0,
      id,
      response.submittedAt,
      response.recipientId,
    ],
  );
  return id;
}
