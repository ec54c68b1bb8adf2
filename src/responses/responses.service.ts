import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, CALENDAR_RANGE } from '../common/calendar-day.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import {
  DocumentsService,
  type StoredFile,
  type UploadedFile,
} from '../documents/documents.service.js';
import { sha256Of } from '../documents/file-inspection.js';
import { OutboxService } from '../mail/outbox.service.js';
import type { RoundRecipient } from '../referral-rounds/referral-round.entity.js';
import { WordService } from '../word/word.service.js';
import {
  isFromRecipient,
  loadAnswerContext,
  type AnswerContext,
  type LoadedAnswer,
} from './answer-context.js';
import { AnswerRegistrationService, type Submission } from './answer-registration.service.js';
import {
  assertOpen,
  findRepeat,
  hashAnswer,
  normalise,
  withOwnCase,
  type Normalised,
} from './answer-rules.js';
import type { AnswerDto, ResponseDto, SubmitResponseDto } from './dto/response.dto.js';
import { ResponseQueriesService } from './response-queries.service.js';

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
    private readonly registration: AnswerRegistrationService,
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
    // A repeat gets the earlier answer back (read with the round's case already known).
    const repeated = findRepeat(context.earlier, submission.idempotencyKey, bodyHash);
    if (repeated) return this.queries.one(repeated, submission.actor, owner);

    const stored = await Promise.all(
      submission.files.map((file) => this.documents.store(file, 'files')),
    );
    const main = stored[0] ?? (await this.storeAsPdf(submission, context, normalised, today));
    const outcome = await this.registration.register(submission, context, normalised, bodyHash, [
      main,
      ...stored.slice(1),
    ]);
    if ('repeated' in outcome) return this.queries.one(outcome.repeated, submission.actor, owner);
    this.outbox.dispatch(outcome.mails);
    return outcome.answer;
  }

  /** An answer that came without files, rendered as a PDF (its document) and stored. */
  private async storeAsPdf(
    submission: Submission,
    { round, recipient, organisation, owner }: LoadedAnswer,
    answer: Normalised,
    today: string,
  ): Promise<StoredFile> {
    return this.documents.storeBytes(
      await this.word.build('answerPdf', {
        municipalityName: this.config.municipalityName,
        organisation: organisation.name,
        caseNumber: owner.caseNumber,
        roundTitle: round.title,
        receivedOn: today,
        receivedVia: submission.via,
        late: today > (recipient.extendedDeadline ?? round.deadline),
        position: answer.position,
        summary: answer.summary,
        decision: answer.decision,
        comments: answer.comments.map((comment) => ({
          ...comment,
          sectionTitle: round.sections.find((s) => s.ref === comment.sectionRef)?.title ?? '',
        })),
      }),
      `Remissvar ${organisation.name}.pdf`,
      'application/pdf',
    );
  }

  /** The answer's context (see loadAnswerContext). */
  private load(
    which: { roundId: number } & ({ recipientId: number } | { organisationId: number }),
    answer: AnswerDto,
    idempotencyKey: string | undefined,
    actorOrganisations: readonly number[] | null,
  ): Promise<AnswerContext | null> {
    return loadAnswerContext(
      this.dataSource.manager,
      which,
      answer,
      idempotencyKey,
      actorOrganisations,
      this.clock.now(),
    );
  }
}

function forbidden(message: string): DomainError {
  return new DomainError(HttpStatus.FORBIDDEN, 'forbidden', message);
}
