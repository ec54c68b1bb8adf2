import {
  Get,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UploadedFiles,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { Roles } from '../auth/decorators.js';
import { UploadThrottlerGuard } from '../auth/upload-throttler.guard.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { parseId } from '../common/parse-id.pipe.js';
import { DiscardUploadInterceptor } from '../documents/discard-upload.interceptor.js';
import { DocumentsService, type UploadedFile } from '../documents/documents.service.js';
import { fileResponse } from '../documents/file-response.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { RecipientQueryDto } from '../referral-rounds/dto/round-input.dto.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import { isOverdue } from '../referral-rounds/round-rules.js';
import { answerFromForm } from '../responses/answer-form.js';
import { DOCX_TYPE } from '../responses/compilation.service.js';
import { SubmitResponseDto } from '../responses/dto/response.dto.js';
import { MemoService } from '../responses/memo.service.js';
import { POSITION_LABELS } from '../responses/positions.js';
import { ResponseQueriesService } from '../responses/response-queries.service.js';
import { MAX_ANSWER_FILES } from '../responses/responses.controller.js';
import { ResponsesService } from '../responses/responses.service.js';
import type { Choice } from './form-fields.js';
import {
  bodyToDto,
  emptyForm,
  formErrorsOf,
  formToDto,
  typedValues,
  type FormDefinition,
  type FormError,
  type FormState,
} from './forms.js';
import {
  answerFormParts,
  answerRefusal,
  entryTexts,
  hasAnswered,
  inboxItem,
  inFormOrder,
  pager,
  REPLACE,
  sizeText,
  withoutEmpty,
} from './inbox-pages.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { pageDate, pageTime, WebViews } from './web-views.js';

/** Remisses on one inbox page. */
const PAGE_SIZE = 50;

const LIST_FORM: FormDefinition = {
  organisationId: { label: 'Organisation', kind: 'number', chosen: true },
  cursor: { label: 'Sida' },
};

/**
 * The respondent's inbox (Inkorg): the remisses sent to their organisations, one remiss with its
 * documents and memo draft, and the answer form with its receipt. Reads and the answer go through
 * the same services, with the same scope, as the API's `/api/inbox` and
 * `POST /api/rounds/:id/responses`: a respondent sees only their own organisations' entries.
 */
@WebPages('inbox')
@Roles('respondent')
export class InboxPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly queries: RoundQueriesService,
    private readonly memos: MemoService,
    private readonly responses: ResponsesService,
    private readonly responseQueries: ResponseQueriesService,
    private readonly documents: DocumentsService,
    private readonly organisations: OrganisationsService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const { trail: rawTrail, ...fields } = query;
    const values = typedValues(fields);
    let errors: FormError[] = [];
    let page: Awaited<ReturnType<RoundQueriesService['listRecipients']>> = {
      items: [],
      nextCursor: null,
    };
    try {
      const dto = await formToDto(RecipientQueryDto, LIST_FORM, fields);
      // The API's inbox scope: the user's own organisations, whatever the filter asks for.
      page = await this.queries.listRecipients({ ...dto, limit: PAGE_SIZE }, actor, {
        organisationIds: actor.organisationIds,
      });
    } catch (error) {
      const found = formErrorsOf(LIST_FORM, error);
      if (!found) throw error;
      errors = found;
    }
    const organisations = await this.ownOrganisations(actor);
    const trail = typeof rawTrail === 'string' && rawTrail ? rawTrail.split('.') : [];
    const filter = typeof values.organisationId === 'string' ? values.organisationId : '';
    this.views.render(
      response,
      'inbox/list',
      {
        title: 'Inkorg',
        form: { values, errors } satisfies FormState,
        several: organisations.length > 1,
        filtered: filter !== '',
        organisationChoices: [{ value: '', label: 'Alla' }, ...organisations],
        items: page.items.map(inboxItem),
        ...pager(filter, typeof values.cursor === 'string' ? values.cursor : '', trail, page),
      },
      { status: errors.length ? 400 : 200 },
    );
  }

  @Get(':recipientId')
  async show(
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderEntry(response, recipientId, actor, emptyForm(), false, 200);
  }

  /** A document of the remiss: only those of this entry's round, as far as secrecy lets the user. */
  @Get(':recipientId/documents/:documentId')
  async document(
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @Param('documentId', parseId('documentId')) documentId: number,
    @WebActor() actor: Actor,
  ): Promise<StreamableFile> {
    const { round, recipient } = await this.entry(recipientId, actor);
    if (!round.documents.some((document) => document.id === documentId)) {
      throw DomainError.notFound('Document', documentId);
    }
    return fileResponse(
      await this.documents.content(documentId, actor, [recipient.organisation.id]),
    );
  }

  /** The draft memo (tjänsteskrivelse) for the organisation's own committee, in Word. */
  @Get(':recipientId/memo.docx')
  async memo(
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @WebActor() actor: Actor,
  ): Promise<StreamableFile> {
    await this.entry(recipientId, actor);
    const { bytes, fileName } = await this.memos.build(recipientId, actor);
    return fileResponse({
      stream: Readable.from([bytes]),
      fileName,
      mimeType: DOCX_TYPE,
      size: bytes.length,
    });
  }

  /**
   * The organisation's answer (multipart, with files). An answer given before is replaced only
   * when the user ticks that they mean to replace it; otherwise nothing is written.
   */
  @Post(':recipientId/answer')
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FilesInterceptor('files', MAX_ANSWER_FILES), DiscardUploadInterceptor)
  async answer(
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @Req() request: Request,
    @UploadedFiles() files: UploadedFile[] | undefined,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const { round, recipient } = await this.entry(recipientId, actor);
    const posted = (request.body ?? {}) as Record<string, unknown>;
    const { answer, values, commentFields } = answerFromForm(posted, round.sections);
    const errors: FormError[] = [];
    if (hasAnswered(recipient) && values.replace !== REPLACE) {
      errors.push({
        field: 'replace',
        message: 'Kryssa i att du vill ersätta det tidigare svaret för att skicka ett nytt svar.',
      });
    }
    try {
      const body = { ...answer, organisationId: recipient.organisation.id };
      const dto = await bodyToDto(SubmitResponseDto, withoutEmpty(body));
      if (errors.length === 0) {
        const registered = await this.responses.submitAsUser(round.id, dto, files ?? [], actor);
        return response.redirect(
          HttpStatus.SEE_OTHER,
          `/inbox/${recipientId}/responses/${registered.id}`,
        );
      }
    } catch (error) {
      const found = answerRefusal(error, commentFields);
      if (!found) throw error;
      errors.unshift(...found);
    }
    const form = { values: typedValues(posted), errors: inFormOrder(errors) };
    await this.renderEntry(response, recipientId, actor, form, Boolean(files?.length), 400);
  }

  /** The receipt: where the answer was registered, in the sender's case and in our own. */
  @Get(':recipientId/responses/:responseId')
  async receipt(
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @Param('responseId', parseId('responseId')) responseId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const { round, recipient, sender } = await this.entry(recipientId, actor);
    const answers = await this.responseQueries.listForRound(round.id, actor, true);
    const answer = answers.find((a) => a.id === responseId && a.recipientId === recipientId);
    if (!answer) throw DomainError.notFound('Response', responseId);
    this.views.render(response, 'inbox/receipt', {
      title: 'Ert svar är registrerat',
      entry: entryTexts(round, recipient, sender),
      answer: {
        ...answer,
        positionLabel: POSITION_LABELS[answer.position],
        submittedOn: pageDate(answer.submittedAt),
        submittedAt: pageTime(answer.submittedAt),
        superseded: !answer.current,
      },
    });
  }

  /** The entry as the API scopes the inbox: a recipient of one of the user's own organisations. */
  private async entry(recipientId: number, actor: Actor) {
    const found = await this.queries.getForRecipient(recipientId, actor);
    if (!actor.organisationIds.includes(found.recipient.organisation.id)) {
      throw DomainError.notFound('Recipient', recipientId);
    }
    return found;
  }

  private async renderEntry(
    response: Response,
    recipientId: number,
    actor: Actor,
    form: FormState,
    filesAgain: boolean,
    status: number,
  ): Promise<void> {
    const { round, recipient, sender } = await this.entry(recipientId, actor);
    const answers = hasAnswered(recipient)
      ? await this.responseQueries.listForRound(round.id, actor, false)
      : [];
    const current = answers.find((answer) => answer.recipientId === recipientId) ?? null;
    const entry = entryTexts(round, recipient, sender);
    this.views.render(
      response,
      'inbox/show',
      {
        // A refused form says so in the window's title, read first by screen readers.
        title: form.errors.length ? `Fel i svaret: ${entry.title}` : entry.title,
        entry,
        documents: round.documents.map((document) => ({
          ...document,
          href: `/inbox/${recipientId}/documents/${document.id}`,
          sizeText: sizeText(document.size),
        })),
        current: current && {
          positionLabel: POSITION_LABELS[current.position],
          documentNumber: current.documentNumber,
          submittedOn: pageDate(current.submittedAt),
        },
        mayAnswer: round.status === 'sent' && recipient.status !== 'pending',
        // Past the deadline (with any extension): the answer is still taken, marked late.
        late: isOverdue({ status: 'sent', deadline: recipient.deadline }, this.clock.today()),
        form,
        filesAgain,
        ...answerFormParts(round, recipient),
        closed: round.status === 'closed',
      },
      { status },
    );
  }

  /** The user's organisations by name, for the filter; none when there is only one. */
  private async ownOrganisations(actor: Actor): Promise<Choice[]> {
    if (actor.organisationIds.length < 2) return [];
    const found = await Promise.all(actor.organisationIds.map((id) => this.organisations.get(id)));
    return found
      .map((organisation) => ({ value: String(organisation.id), label: organisation.name }))
      .sort((a, b) => a.label.localeCompare(b.label, 'sv'));
  }
}
