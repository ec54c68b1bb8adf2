import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, In, MoreThan } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, CALENDAR_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Case } from '../cases/case.entity.js';
import { retryOnDeadlock } from '../database/transaction.js';
import {
  DocumentsService,
  type StoredFile,
  type UploadedFile,
} from '../documents/documents.service.js';
import { sha256Of } from '../documents/file-inspection.js';
import { OutboxService } from '../mail/outbox.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { ReferralRound, RoundRecipient } from '../referral-rounds/referral-round.entity.js';
import { recipientMail } from '../referral-rounds/recipient-mail.js';
import { WordService } from '../word/word.service.js';
import type { AnswerDto, ResponseDto, SubmitResponseDto } from './dto/response.dto.js';
import { caseNumberParts, normaliseCaseNumber, normaliseParagraph } from './decision-reference.js';
import { POSITION_LABELS } from './positions.js';
import { ResponseQueriesService } from './response-queries.service.js';
import {
  Response,
  ResponseComment,
  ResponseDocument,
  type ReceivedVia,
} from './response.entity.js';

/** An identical answer from the same recipient within this time is the same answer. */
const REPEAT_WINDOW_MS = 60_000;

interface Submission {
  roundId: number;
  recipientId: number;
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
    if (!(await this.dataSource.manager.existsBy(ReferralRound, { id: roundId }))) {
      throw DomainError.notFound('Round', roundId);
    }
    // A round none of the actor's organisations was sent answers as one that does not exist.
    if (
      !registrar &&
      (actor.organisationIds.length === 0 ||
        !(await this.dataSource.manager.existsBy(RoundRecipient, {
          roundId,
          organisationId: In([...actor.organisationIds]),
        })))
    ) {
      throw DomainError.notFound('Round', roundId);
    }
    const recipient = await this.dataSource.manager.findOneBy(RoundRecipient, {
      roundId,
      organisationId: input.organisationId,
    });
    if (input.receivedVia && !registrar) {
      throw forbidden('Only registrars register answers that came by mail or on paper');
    }
    if (!recipient || (!own && !(registrar && input.receivedVia))) {
      throw forbidden(
        `Organisation ${input.organisationId} is not one of yours among this round's recipients`,
      );
    }
    if (input.receivedVia && files.length === 0) {
      throw DomainError.validation([
        { field: 'files', messages: ['files must hold the answer as it came (the scan or mail)'] },
      ]);
    }
    const answer: AnswerDto = {
      position: input.position,
      summary: input.summary,
      comments: input.comments,
      decision: input.decision,
    };
    return this.submit({
      roundId,
      recipientId: recipient.id,
      answer,
      files,
      via: input.receivedVia ?? 'account',
      actor,
      idempotencyKey,
    });
  }

  /** An answer through a recipient's secure link (no account). */
  submitThroughLink(
    recipient: RoundRecipient,
    answer: AnswerDto,
    files: UploadedFile[],
    actor: Actor,
    idempotencyKey?: string,
  ): Promise<ResponseDto> {
    return this.submit({
      roundId: recipient.roundId,
      recipientId: recipient.id,
      answer,
      files,
      via: 'link',
      actor,
      idempotencyKey,
    });
  }

  /** The series of the decision's case number, when the directory has an organisation keeping it. */
  private async knownSeries(answer: AnswerDto): Promise<ReadonlySet<string>> {
    const written = answer.decision?.caseNumber;
    const parts = written ? caseNumberParts(written) : null;
    if (!parts) return new Set();
    const kept = await this.dataSource.manager.existsBy(Organisation, { seriesCode: parts.series });
    return new Set(kept ? [parts.series] : []);
  }

  /**
   * Registers an answer: its files (or, without any, the answer rendered as a PDF) become incoming
   * documents of the round's case, the recipient becomes answered or declined, a receipt is mailed.
   * The same answer submitted twice (a double click, a retried request) is registered once.
   */
  private async submit(submission: Submission): Promise<ResponseDto> {
    const { round, recipient, organisation } = await this.load(submission);
    assertDaysInRange(this.clock.today(), [
      { field: 'decision.date', day: submission.answer.decision?.date, range: CALENDAR_RANGE },
    ]);
    const ownCase = await this.ownCase(recipient);
    const normalised = withOwnCase(
      normalise(
        submission.answer,
        round,
        submission.files.length,
        await this.knownSeries(submission.answer),
      ),
      organisation,
      ownCase?.caseNumber ?? null,
    );
    const bodyHash = hashAnswer(
      normalised,
      await Promise.all(submission.files.map((file) => sha256Of(file.path))),
    );
    const repeated = await this.findRepeat(this.dataSource.manager, submission, bodyHash);
    if (repeated) {
      assertSameAnswer(repeated, bodyHash);
      return this.queries.one(repeated.id, submission.actor);
    }

    const stored = await Promise.all(
      submission.files.map((file) => this.documents.store(file, 'files')),
    );
    const owner = await this.dataSource.manager.findOneByOrFail(Case, { id: round.caseId });
    const main =
      stored[0] ??
      (await this.documents.storeBytes(
        await this.word.build('answerPdf', {
          municipalityName: this.config.municipalityName,
          organisation: organisation.name,
          caseNumber: owner.caseNumber,
          roundTitle: round.title,
          receivedOn: this.clock.today(),
          receivedVia: submission.via,
          late: this.clock.today() > (recipient.extendedDeadline ?? round.deadline),
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
    const { id, outboxIds } = await retryOnDeadlock(() =>
      this.dataSource.transaction((manager) =>
        this.register(manager, submission, normalised, bodyHash, [main, ...stored.slice(1)], {
          owner,
          organisation,
          ownCase,
        }),
      ),
    );
    this.outbox.dispatch(outboxIds);
    return this.queries.one(id, submission.actor);
  }

  private async load(submission: Submission) {
    const manager = this.dataSource.manager;
    const round = await manager.findOneByOrFail(ReferralRound, { id: submission.roundId });
    assertOpen(round);
    const recipient = await manager.findOneByOrFail(RoundRecipient, {
      id: submission.recipientId,
    });
    if (recipient.status === 'pending') {
      throw DomainError.conflict(
        'recipient_not_sent',
        'The round has not been sent to this recipient yet',
      );
    }
    const organisation = await manager.findOneByOrFail(Organisation, {
      id: recipient.organisationId,
    });
    return { round, recipient, organisation };
  }

  /** The answer already registered for this submission: same key, or same content just now. */
  private async findRepeat(
    manager: EntityManager,
    submission: Submission,
    bodyHash: string,
  ): Promise<Response | null> {
    if (submission.idempotencyKey) {
      return manager.findOneBy(Response, {
        recipientId: submission.recipientId,
        idempotencyKey: submission.idempotencyKey,
      });
    }
    return manager.findOne(Response, {
      where: {
        recipientId: submission.recipientId,
        bodyHash,
        submittedAt: MoreThan(new Date(this.clock.now().getTime() - REPEAT_WINDOW_MS)),
      },
      order: { id: 'DESC' },
    });
  }

  private async register(
    manager: EntityManager,
    submission: Submission,
    answer: Normalised,
    bodyHash: string,
    files: StoredFile[],
    // Read before the transaction; none of them changes once the round is sent.
    {
      owner,
      organisation,
      ownCase,
    }: { owner: Case; organisation: Organisation; ownCase: Case | null },
  ): Promise<{ id: number; outboxIds: number[] }> {
    // The recipient's row serialises its answers, so a repeat waiting here finds the first.
    const recipient = await manager.findOneOrFail(RoundRecipient, {
      where: { id: submission.recipientId },
      lock: { mode: 'pessimistic_write' },
    });
    const round = await manager.findOneByOrFail(ReferralRound, { id: submission.roundId });
    assertOpen(round);
    const repeated = await this.findRepeat(manager, submission, bodyHash);
    if (repeated) {
      assertSameAnswer(repeated, bodyHash);
      return { id: repeated.id, outboxIds: [] };
    }
    const now = this.clock.now();
    const today = this.clock.dayOf(now);
    const deadline = recipient.extendedDeadline ?? round.deadline;
    const late = today > deadline;
    const registered: { id: number; documentNumber: string }[] = [];
    const reference = ownCase ? ` (${ownCase.caseNumber})` : '';
    for (const [index, file] of files.entries()) {
      const { document } = await this.documents.registerStored(
        manager,
        round.caseId,
        {
          title:
            index === 0
              ? `Remissvar från ${organisation.name}${reference}`
              : `Bilaga ${index} till remissvar från ${organisation.name}${reference}`,
          direction: 'incoming',
          counterpart: organisation.name,
          date: today,
        },
        file,
        submission.actor,
      );
      registered.push(document);
    }
    // The consultee's own case keeps the same answer (and its files) as outgoing, naming the
    // sender's case.
    let replyDocumentId: number | null = null;
    if (ownCase) {
      const sender = await manager.findOneByOrFail(Organisation, { id: owner.organisationId });
      const to = `${sender.name} (${owner.caseNumber})`;
      for (const [index, file] of files.entries()) {
        const { document } = await this.documents.registerStored(
          manager,
          ownCase.id,
          {
            title:
              index === 0 ? `Remissvar till ${to}` : `Bilaga ${index} till remissvar till ${to}`,
            direction: 'outgoing',
            counterpart: sender.name,
            date: today,
          },
          file,
          submission.actor,
        );
        replyDocumentId ??= document.id;
      }
    }
    const response = manager.create(Response, {
      roundId: round.id,
      recipientId: recipient.id,
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
      replyDocumentId,
      supersedesId: recipient.responseId,
      idempotencyKey: submission.idempotencyKey ?? null,
      bodyHash,
    });
    await manager.insert(Response, response);
    if (answer.comments.length > 0) {
      await manager.insert(
        ResponseComment,
        answer.comments.map((comment, position) => ({
          responseId: response.id,
          roundId: round.id,
          sectionRef: comment.sectionRef,
          text: comment.text,
          position: position + 1,
        })),
      );
    }
    if (registered.length > 1) {
      await manager.insert(
        ResponseDocument,
        registered.slice(1).map((document, position) => ({
          responseId: response.id,
          documentId: document.id,
          position: position + 1,
        })),
      );
    }
    await manager.update(
      RoundRecipient,
      { id: recipient.id },
      {
        status: answer.position === 'declined' ? 'declined' : 'answered',
        answeredAt: now,
        late,
        responseId: response.id,
        updatedAt: now,
      },
    );
    const outboxIds = await this.receipt(manager, {
      round,
      organisation,
      response,
      documentNumber: registered[0].documentNumber,
      deadline,
    });
    await this.audit.record(manager, submission.actor, {
      action: 'round.response_submitted',
      entity: 'referral_round',
      entityId: round.id,
      before: {
        recipientId: recipient.id,
        status: recipient.status,
        responseId: recipient.responseId,
      },
      after: {
        recipientId: recipient.id,
        responseId: response.id,
        position: answer.position,
        late,
        receivedVia: submission.via,
        documentNumbers: registered.map((document) => document.documentNumber),
      },
    });
    return { id: response.id, outboxIds };
  }

  /** The case the consultee registered the remiss in, when it keeps one here. */
  private async ownCase(recipient: RoundRecipient): Promise<Case | null> {
    if (!recipient.ownCaseId) return null;
    return this.dataSource.manager.findOne(Case, {
      select: { id: true, caseNumber: true },
      where: { id: recipient.ownCaseId },
    });
  }

  /** The receipt (kvittens) to the organisation's mailbox, naming the registered document. */
  private async receipt(
    manager: EntityManager,
    {
      round,
      organisation,
      response,
      documentNumber,
      deadline,
    }: {
      round: ReferralRound;
      organisation: Organisation;
      response: Response;
      documentNumber: string;
      deadline: string;
    },
  ): Promise<number[]> {
    const mail = await recipientMail(manager, round, {
      id: response.recipientId,
      organisationId: organisation.id,
    });
    if (!mail) return [];
    return this.outbox.add(manager, [
      {
        template: 'response-received',
        dedupeKey: `response-received:${response.id}`,
        ...mail.address,
        context: {
          ...mail.header,
          documentNumber,
          positionLabel: POSITION_LABELS[response.position],
          submittedOn: this.clock.dayOf(response.submittedAt),
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
function assertOpen(round: ReferralRound): void {
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
  round: ReferralRound,
  files: number,
  knownSeries: ReadonlySet<string>,
): Normalised {
  const key = (ref: string) => ref.trim().replace(/\s+/g, ' ').toLowerCase();
  const sections = new Map(round.sections.map((section) => [key(section.ref), section.ref]));
  const problems = (answer.comments ?? []).flatMap((comment, index) =>
    sections.has(key(comment.sectionRef))
      ? []
      : [
          {
            field: `comments.${index}.sectionRef`,
            messages: [
              `comments.${index}.sectionRef ${comment.sectionRef} is not a section of the round` +
                (round.sections.length
                  ? ` (${round.sections.map((section) => section.ref).join(', ')})`
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

/** A key used again must come with the same answer (422 otherwise, as the IETF draft says). */
function assertSameAnswer(repeated: Response, bodyHash: string): void {
  if (repeated.bodyHash !== bodyHash) {
    throw new DomainError(
      HttpStatus.UNPROCESSABLE_ENTITY,
      'idempotency_key_reused',
      'This Idempotency-Key was already used for a different answer',
    );
  }
}

/**
 * An answer from an organisation that registered the remiss in a case of its own names that case
 * as its decision's case number unless it gave one.
 */
function withOwnCase(
  answer: Normalised,
  organisation: Organisation,
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
