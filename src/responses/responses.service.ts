import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, CALENDAR_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { Secrecy } from '../common/secrecy.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { insertRows } from '../database/bulk-insert.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { booleanTransformer, jsonTransformer } from '../database/transformers.js';
import {
  DocumentsService,
  type StoredFile,
  type UploadedFile,
} from '../documents/documents.service.js';
import type { Document } from '../documents/document.entity.js';
import { sha256Of } from '../documents/file-inspection.js';
import { OutboxService } from '../mail/outbox.service.js';
import type { RoundRecipient, RoundSection } from '../referral-rounds/referral-round.entity.js';
import { RECIPIENT_ENTITY } from '../referral-rounds/round-mail-delivery.js';
import type { RecipientStatus, RoundStatus } from '../referral-rounds/round-status.js';
import { WordService } from '../word/word.service.js';
import type { AnswerDto, ResponseDto, SubmitResponseDto } from './dto/response.dto.js';
import { caseNumberParts, normaliseCaseNumber, normaliseParagraph } from './decision-reference.js';
import { POSITION_LABELS } from './positions.js';
import { ResponseQueriesService, toResponseDto } from './response-queries.service.js';
import type { ReceivedVia, Response } from './response.entity.js';

/** An identical answer from the same recipient within this time is the same answer. */
const REPEAT_WINDOW_MS = 60_000;

interface Submission {
  answer: AnswerDto;
  files: UploadedFile[];
  via: ReceivedVia;
  actor: Actor;
  idempotencyKey?: string;
}

interface Normalised {
  position: AnswerDto['position'];
  summary: string | null;
  comments: { sectionRef: string; text: string }[];
  decision: {
    organ: string | null;
    date: string | null;
    paragraph: string | null;
    caseNumber: string | null;
  } | null;
}

/** An answer registered earlier for the same recipient that a repeat would match. */
interface EarlierAnswer {
  id: number;
  bodyHash: string;
}

/** What an answer is checked and registered against (see ResponsesService.load). */
interface AnswerContext {
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
type LoadedAnswer = AnswerContext & {
  recipient: NonNullable<AnswerContext['recipient']>;
  organisation: NonNullable<AnswerContext['organisation']>;
};

function isFromRecipient(context: AnswerContext): context is LoadedAnswer {
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

// remissvar: taking in answers
@Injectable()
export class ResponsesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsService,
    private readonly word: WordService,
    private readonly outbox: OutboxService,
    private readonly queries: ResponseQueriesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * An answer by a signed-in user for one of their organisations, or by a registrar registering
   * one that came by mail or on paper (with the file) on the recipient's behalf.
   */
  async submitAsUser(
    roundId: number,
    input: SubmitResponseDto,
    files: UploadedFile[],
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<ResponseDto> {
    const registrar = actor.roles.includes('registrar') || actor.roles.includes('admin');
    const own = actor.organisationIds.includes(input.organisationId);
    const answer: AnswerDto = {
      position: input.position,
      summary: input.summary,
      comments: input.comments,
      decision: input.decision,
    };
    const context = await this.load(
      { roundId, organisationId: input.organisationId },
      answer,
      idempotencyKey,
      registrar ? null : actor.organisationIds,
    );
    // A round none of the actor's organisations was sent answers as one that does not exist.
    if (!context || (!registrar && !context.addressed)) {
      throw DomainError.notFound('Round', roundId);
    }
    if (input.receivedVia && !registrar) {
      throw forbidden('Only registrars register answers that came by mail or on paper');
    }
    if (!isFromRecipient(context) || (!own && !(registrar && input.receivedVia))) {
      throw forbidden(
        `Organisation ${input.organisationId} is not one of yours among this round's recipients`,
      );
    }
    if (input.receivedVia && files.length === 0) {
      throw DomainError.validation([
        { field: 'files', messages: ['files must hold the answer as it came (the scan or mail)'] },
      ]);
    }
    return this.submit(
      { answer, files, via: input.receivedVia ?? 'account', actor, idempotencyKey },
      context,
    );
  }

  /** An answer through a recipient's secure link (no account). */
  async submitThroughLink(
    recipient: RoundRecipient,
    answer: AnswerDto,
    files: UploadedFile[],
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<ResponseDto> {
    const context = await this.load(
      { roundId: recipient.roundId, recipientId: recipient.id },
      answer,
      idempotencyKey,
      null,
    );
    if (!context || !isFromRecipient(context)) {
      throw DomainError.notFound('Round', recipient.roundId);
    }
    return this.submit({ answer, files, via: 'link', actor, idempotencyKey }, context);
  }

  /**
   * Registers an answer: its files (or, without any, the answer rendered as a PDF) become incoming
   * documents of the round's case, the recipient becomes answered or declined, a receipt is mailed.
   * The same answer submitted twice (a double click, a retried request) is registered once.
   */
  private async submit(submission: Submission, context: LoadedAnswer): Promise<ResponseDto> {
    const { round, recipient, organisation, owner, ownCase } = context;
    assertOpen(round);
    if (recipient.status === 'pending') {
      throw DomainError.conflict(
        'recipient_not_sent',
        'The round has not been sent to this recipient yet',
      );
    }
    const today = this.clock.today();
    assertDaysInRange(today, [
      { field: 'decision.date', day: submission.answer.decision?.date, range: CALENDAR_RANGE },
    ]);
    const normalised = withOwnCase(
      normalise(submission.answer, round.sections, submission.files.length, context.knownSeries),
      organisation,
      ownCase?.caseNumber ?? null,
    );
    const bodyHash = hashAnswer(
      normalised,
      await Promise.all(submission.files.map((file) => sha256Of(file.path))),
    );
    const repeated = findRepeat(context.earlier, submission.idempotencyKey, bodyHash);
    if (repeated) return this.queries.one(repeated, submission.actor);

    const stored = await Promise.all(
      submission.files.map((file) => this.documents.store(file, 'files')),
    );
    const main =
      stored[0] ??
      (await this.documents.storeBytes(
        await this.word.build('answerPdf', {
          municipalityName: this.config.municipalityName,
          organisation: organisation.name,
          caseNumber: owner.caseNumber,
          roundTitle: round.title,
          receivedOn: today,
          receivedVia: submission.via,
          late: today > (recipient.extendedDeadline ?? round.deadline),
          position: normalised.position,
          summary: normalised.summary,
          decision: normalised.decision,
          comments: normalised.comments.map((comment) => ({
            ...comment,
            sectionTitle: round.sections.find((s) => s.ref === comment.sectionRef)?.title ?? '',
          })),
        }),
        `Remissvar ${organisation.name}.pdf`,
        'application/pdf',
      ));
    const outcome = await retryOnDeadlock(() =>
      this.dataSource.transaction((manager) =>
        this.register(manager, submission, context, normalised, bodyHash, [
          main,
          ...stored.slice(1),
        ]),
      ),
    );
    if ('repeated' in outcome) return this.queries.one(outcome.repeated, submission.actor);
    this.outbox.dispatch(outcome.outboxIds);
    return outcome.answer;
  }

  /**
   * Everything an answer is checked and registered against, in one query: the round with its
   * case and sender, the recipient (by id, or by organisation for an answer by account) with its
   * organisation and own case, whether the directory keeps the series of the decision's case
   * number, and the recipient's earlier answers a repeat would match. `actorOrganisations` (not
   * null) also asks whether the round was sent to one of them. Null when the round is missing.
   */
  private async load(
    which: { roundId: number } & ({ recipientId: number } | { organisationId: number }),
    answer: AnswerDto,
    idempotencyKey: string | undefined,
    actorOrganisations: readonly number[] | null,
  ): Promise<AnswerContext | null> {
    const written = answer.decision?.caseNumber;
    const series = (written && caseNumberParts(written)?.series) || null;
    const earlier = earlierAnswers('r.id', idempotencyKey, this.clock.now());
    const byRecipient = 'recipientId' in which;
    const [row] = await this.dataSource.query<AnswerContextRow[]>(
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
        ...(actorOrganisations
          ? [actorOrganisations.length > 0 ? actorOrganisations : [null]]
          : []),
        byRecipient ? which.recipientId : which.organisationId,
        which.roundId,
      ],
    );
    return row ? answerContext(row, which.roundId, series) : null;
  }

  private async register(
    manager: EntityManager,
    submission: Submission,
    context: LoadedAnswer,
    answer: Normalised,
    bodyHash: string,
    files: StoredFile[],
  ): Promise<{ repeated: number } | { answer: ResponseDto; outboxIds: number[] }> {
    const { round, organisation, owner } = context;
    const recipient = await this.lockRecipient(manager, submission, context, bodyHash);
    if ('repeated' in recipient) return recipient;
    const now = this.clock.now();
    const today = this.clock.dayOf(now);
    const late = today > recipient.deadline;
    const { registered, replies } = await this.registerDocuments(
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
    const outboxIds = await this.receipt(manager, context, {
      response,
      documentNumber: registered[0].documentNumber,
      deadline: recipient.deadline,
      submittedOn: today,
    });
    await this.audit.record(manager, submission.actor, {
      action: 'round.response_submitted',
      entity: 'referral_round',
      entityId: round.id,
      before: {
        recipientId: response.recipientId,
        status: recipient.status,
        responseId: recipient.responseId,
      },
      after: {
        recipientId: response.recipientId,
        responseId: response.id,
        position: answer.position,
        late,
        receivedVia: submission.via,
        documentNumbers: registered.map((document) => document.documentNumber),
      },
    });
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
      outboxIds,
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
  ): Promise<
    { repeated: number } | { status: RecipientStatus; responseId: number | null; deadline: string }
  > {
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
   * the remiss in a case of its own, as outgoing documents there naming the sender's case. The
   * case rows' locks are taken here, late in the transaction: the consultee's own case (locked by
   * its answers alone) first, the round's case (which every answer to the round waits for until
   * this transaction commits) last.
   */
  private async registerDocuments(
    manager: EntityManager,
    { organisation, owner, ownCase, sender }: LoadedAnswer,
    files: StoredFile[],
    today: string,
    actor: Actor,
  ): Promise<{ registered: Document[]; replies: Document[] }> {
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
      : [];
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
    return { registered, replies };
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
  ): Promise<number[]> {
    if (!organisation.email) return [];
    return this.outbox.add(manager, [
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

function forbidden(message: string): DomainError {
  return new DomainError(HttpStatus.FORBIDDEN, 'forbidden', message);
}

/** Answers are taken while the round is sent; after closing, 409. */
function assertOpen(round: { id: number; status: RoundStatus }): void {
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
function normalise(
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

function hashAnswer(answer: Normalised, fileHashes: string[]): string {
  return createHash('sha256').update(JSON.stringify({ answer, fileHashes })).digest('hex');
}

/**
 * The earlier answer a submission repeats: the one with the same Idempotency-Key (which must come
 * with the same answer, 422 otherwise, as the IETF draft says), or without a key the newest one
 * with the same content from the last minute.
 */
function findRepeat(
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

/**
 * A subquery listing a recipient's answers a repeat may match, newest first, as `id hash` pairs
 * separated by commas: the one with the key, or those of the last minute. `recipient` is the SQL
 * for the recipient's id (a column, or `?` as the first of the parameters).
 */
function earlierAnswers(
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

function parseEarlier(list: string | null): EarlierAnswer[] {
  if (!list) return [];
  return list.split(',').map((entry) => {
    const [id, bodyHash] = entry.split(' ');
    return { id: Number(id), bodyHash };
  });
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

/**
 * An answer from an organisation that registered the remiss in a case of its own names that case
 * as its decision's case number unless it gave one.
 */
function withOwnCase(
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
