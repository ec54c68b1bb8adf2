import {
  Get,
  Param,
  Post,
  Query,
  Req,
  Res,
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
import { GrantExtensionDto } from '../deadlines/dto/deadline.dto.js';
import { ExtensionsService } from '../deadlines/extensions.service.js';
import { RemindersService } from '../deadlines/reminders.service.js';
import { DiscardUploadInterceptor } from '../documents/discard-upload.interceptor.js';
import type { UploadedFile } from '../documents/documents.service.js';
import { fileResponse } from '../documents/file-response.js';
import type { RecipientDto, RoundDto } from '../referral-rounds/dto/round.dto.js';
import { CloseRoundDto, RoundQueryDto } from '../referral-rounds/dto/round-input.dto.js';
import { RoundDispatchService } from '../referral-rounds/round-dispatch.service.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import type { RecipientViewStatus, RoundStatus } from '../referral-rounds/round-status.js';
import { RoundsService } from '../referral-rounds/rounds.service.js';
import { CompilationService, DOCX_TYPE } from '../responses/compilation.service.js';
import { SubmitResponseDto } from '../responses/dto/response.dto.js';
import { POSITION_LABELS, RECEIVED_VIA_LABELS } from '../responses/positions.js';
import { POSITIONS } from '../responses/response.entity.js';
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
import { swedishWarnings } from './send-warnings.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { pageDate, pageTime, WebViews } from './web-views.js';

export const ROUND_STATUS_LABELS: Record<RoundStatus, string> = {
  draft: 'utkast',
  sent: 'skickad',
  closed: 'stängd',
};

/** A consultee's status as the pages name it (`queued`: the mail server has not yet taken it). */
export const RECIPIENT_STATUS_LABELS: Record<RecipientViewStatus | 'overdue', string> = {
  pending: 'ej skickad',
  queued: 'köad',
  sent: 'skickad',
  answered: 'besvarad',
  declined: 'avstått',
  failed: 'misslyckad',
  overdue: 'sen',
};

const LIST_FORM: FormDefinition = {
  status: { label: 'Status' },
  dueBefore: { label: 'Svarstid senast', kind: 'date' },
  cursor: { label: 'Sida' },
};

const CLOSE_FORM: FormDefinition = { reason: { label: 'Skäl' } };
const SEND_FORM: FormDefinition = {
  documentIds: { label: 'Handlingar' },
  recipients: { label: 'Remissinstanser' },
  deadline: { label: 'Sista svarsdag' },
};
const EXTENSION_FORM: FormDefinition = {
  deadline: { label: 'Ny svarstid', kind: 'date' },
  reason: { label: 'Skäl' },
};
const ANSWER_FORM: FormDefinition = {
  position: { label: 'Ställningstagande' },
  summary: { label: 'Sammanfattning' },
  comments: { label: 'Synpunkter per avsnitt' },
  decision: { label: 'Beslutsreferens' },
  files: { label: 'Svaret som fil' },
  organisationId: { label: 'Remissinstans' },
  receivedVia: { label: 'Inkom via' },
};

const SEND_REFUSALS: [RegExp, string][] = [
  [/no documents/, 'Remissen har inga handlingar att skicka. Lägg till handlingar i ärendet.'],
  [/no recipients/, 'Remissen har inga remissinstanser.'],
  [
    /no e-mail address in the directory for (.*)/,
    'Ingen e-postadress finns i katalogen för $1. Lägg in adressen först.',
  ],
  [/the deadline (\S+) has passed/, 'Sista svarsdag $1 har redan passerat. Ändra svarstiden.'],
];

const POSITION_CHOICES: Choice[] = POSITIONS.map((value) => ({
  value,
  label: POSITION_LABELS[value],
}));

const RECEIVED_VIA_CHOICES: Choice[] = (['paper', 'email'] as const).map((value) => ({
  value,
  label: RECEIVED_VIA_LABELS[value],
}));

/** Where a refused action's form is, so the round page shows its errors there. */
type RoundAction = 'send' | 'close' | null;

/**
 * The referral round pages: the follow-up list across cases and one round with its status per
 * consultee, answers per section and the registrar's actions. Every read and write goes through
 * the same services (and so the same secrecy rule) as the API's `/api/rounds` routes.
 */
@WebPages('rounds')
@Roles('registrar', 'admin', 'reader')
export class RoundPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly queries: RoundQueriesService,
    private readonly rounds: RoundsService,
    private readonly dispatch: RoundDispatchService,
    private readonly extensions: ExtensionsService,
    private readonly reminders: RemindersService,
    private readonly responses: ResponsesService,
    private readonly responseQueries: ResponseQueriesService,
    private readonly compilations: CompilationService,
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
    const trail = typeof rawTrail === 'string' && rawTrail ? rawTrail.split('.') : [];
    let errors: FormError[] = [];
    let page: Awaited<ReturnType<RoundQueriesService['list']>> = { items: [], nextCursor: null };
    try {
      const dto = await formToDto(RoundQueryDto, LIST_FORM, fields);
      page = await this.queries.list({ ...dto, limit: 50 }, actor);
    } catch (error) {
      const found = formErrorsOf(LIST_FORM, error);
      if (!found) throw error;
      errors = found;
    }
    const filters = new URLSearchParams();
    for (const name of ['status', 'dueBefore'] as const) {
      const value = values[name];
      if (typeof value === 'string' && value) filters.set(name, value);
    }
    const link = (cursor: string | null, nextTrail: string[]) => {
      const params = new URLSearchParams(filters);
      if (cursor) params.set('cursor', cursor);
      if (nextTrail.length) params.set('trail', nextTrail.join('.'));
      const text = params.toString();
      return text ? `/rounds?${text}` : '/rounds';
    };
    const current = typeof values.cursor === 'string' ? values.cursor : '';
    this.views.render(
      response,
      'rounds/list',
      {
        title: 'Remisser',
        form: { values, errors } satisfies FormState,
        statusChoices: [
          { value: '', label: 'Alla' },
          ...Object.entries(ROUND_STATUS_LABELS).map(([value, label]) => ({ value, label })),
        ],
        items: page.items.map((item) => ({
          ...item,
          statusLabel: ROUND_STATUS_LABELS[item.status],
        })),
        next: page.nextCursor ? link(page.nextCursor, [...trail, current || '-']) : null,
        previous: current
          ? link(
              trail.length && trail[trail.length - 1] !== '-' ? trail[trail.length - 1] : null,
              trail.slice(0, -1),
            )
          : null,
      },
      { status: errors.length ? 400 : 200 },
    );
  }

  @Get(':id')
  async show(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderRound(response, id, actor, null, emptyForm());
  }

  @Get(':id/compilation.docx')
  async compilation(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const { bytes, fileName } = await this.compilations.build(id, actor);
    const file = fileResponse({
      stream: Readable.from([bytes]),
      fileName,
      mimeType: DOCX_TYPE,
      size: bytes.length,
    });
    const headers = file.getHeaders();
    response
      .status(200)
      .setHeader('Content-Type', String(headers.type))
      .setHeader('Content-Length', String(headers.length))
      .setHeader('Content-Disposition', String(headers.disposition))
      .setHeader('Cache-Control', 'no-store')
      .end(bytes);
  }

  /** The first step of sending: the deadline's warnings, to be confirmed; nothing is sent yet. */
  @Post(':id/send/check')
  @Roles('registrar', 'admin')
  async checkSend(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const round = await this.queries.get(id, actor);
    const today = this.clock.today();
    this.views.render(response, 'rounds/confirm-send', {
      title: 'Bekräfta utskick',
      round: { ...round, label: roundLabel(round) },
      unsent: consultees(round.recipients.filter((r) => r.status === 'pending').length),
      warnings: swedishWarnings(round.deadline, today),
    });
  }

  @Post(':id/send')
  @Roles('registrar', 'admin')
  async send(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    try {
      const result = await this.dispatch.send(id, actor);
      await this.views.flash(response, `Remissen är skickad till ${consultees(result.queued)}`);
      response.redirect(303, `/rounds/${id}`);
    } catch (error) {
      const errors = sendRefusal(error);
      if (!errors) throw error;
      await this.renderRound(response, id, actor, 'send', { values: {}, errors });
    }
  }

  @Post(':id/close')
  @Roles('registrar', 'admin')
  async close(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    try {
      const dto = await formToDto(CloseRoundDto, CLOSE_FORM, request.body);
      await this.rounds.close(id, dto.reason, actor);
      await this.views.flash(response, 'Remissen är stängd');
      response.redirect(303, `/rounds/${id}`);
    } catch (error) {
      const errors = formErrorsOf(CLOSE_FORM, error);
      if (!errors) throw error;
      await this.renderRound(response, id, actor, 'close', {
        values: typedValues(request.body),
        errors,
      });
    }
  }

  @Post(':id/recipients/:recipientId/resend')
  @Roles('registrar', 'admin')
  async resend(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const result = await this.dispatch.resend(id, recipientId, actor);
    const name = result.round.recipients.find((recipient) => recipient.id === recipientId)
      ?.organisation.name;
    await this.views.flash(response, `Remissen är skickad igen till ${name ?? 'remissinstansen'}`);
    response.redirect(303, `/rounds/${id}`);
  }

  /** One consultee in a round: its dates, reminders and extensions, and the actions on it. */
  @Get(':id/recipients/:recipientId')
  async recipient(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const [round, sentReminders] = await Promise.all([
      this.queries.get(id, actor),
      this.reminders.sentCountsForRound(id),
    ]);
    const recipient = recipientOf(round, recipientId);
    const may = recipientActions(actor, round, recipient);
    this.views.render(response, 'rounds/recipient', {
      title: recipient.organisation.name,
      round: { ...round, label: roundLabel(round) },
      recipient: { ...recipient, ...recipientTexts(recipient, sentReminders.get(recipient.id)) },
      ...may,
      mayAct: may.mayExtend || may.mayAnswer || may.mayResend,
    });
  }

  @Get(':id/recipients/:recipientId/extension')
  @Roles('registrar', 'admin')
  async extensionForm(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderExtension(response, id, recipientId, actor, emptyForm(), 200);
  }

  @Post(':id/recipients/:recipientId/extension')
  @Roles('registrar', 'admin')
  async extend(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    try {
      const dto = await formToDto(GrantExtensionDto, EXTENSION_FORM, request.body);
      const granted = await this.extensions.grant(id, recipientId, dto, actor);
      await this.views.flash(response, `Anstånd beviljat till ${granted.deadline}`);
      response.redirect(303, `/rounds/${id}`);
    } catch (error) {
      const errors = extensionRefusal(error) ?? formErrorsOf(EXTENSION_FORM, error);
      if (!errors) throw error;
      const form = { values: typedValues(request.body), errors };
      await this.renderExtension(response, id, recipientId, actor, form, 400);
    }
  }

  @Get(':id/recipients/:recipientId/answer')
  @Roles('registrar', 'admin')
  async answerForm(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const form = emptyForm({ receivedVia: 'paper' });
    await this.renderAnswer(response, id, recipientId, actor, form, 200);
  }

  /** An answer that came by mail or on paper, registered with its file (multipart). */
  @Post(':id/recipients/:recipientId/answer')
  @Roles('registrar', 'admin')
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FilesInterceptor('files', MAX_ANSWER_FILES), DiscardUploadInterceptor)
  async answer(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @Req() request: Request,
    @UploadedFiles() files: UploadedFile[] | undefined,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const round = await this.queries.get(id, actor);
    const recipient = recipientOf(round, recipientId);
    const posted = typedValues(request.body);
    const text = (name: string) => {
      const value = posted[name];
      return typeof value === 'string' ? value : '';
    };
    const comments = round.sections.flatMap((section, index) =>
      text(`comment_${index}`).trim()
        ? [{ sectionRef: section.ref, text: text(`comment_${index}`) }]
        : [],
    );
    const decision = Object.fromEntries(
      (['organ', 'date', 'paragraph', 'caseNumber'] as const).flatMap((key) => {
        const value = text(`decision_${key}`).trim();
        return value ? [[key, value]] : [];
      }),
    );
    const body: Record<string, unknown> = {
      organisationId: recipient.organisation.id,
      position: text('position') || undefined,
      summary: text('summary') || undefined,
      receivedVia: text('receivedVia') || undefined,
      comments: comments.length ? JSON.stringify(comments) : undefined,
      decision: Object.keys(decision).length ? JSON.stringify(decision) : undefined,
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    let errors: FormError[] = [];
    let dto: SubmitResponseDto | null = null;
    try {
      dto = await bodyToDto(SubmitResponseDto, body);
    } catch (error) {
      const found = formErrorsOf(ANSWER_FORM, error);
      if (!found) throw error;
      errors = found;
    }
    // The paper or the mail is the record: it is registered with the answer.
    if (!files?.length) errors.push({ field: 'files', message: 'Välj filen med svaret' });
    try {
      if (errors.length === 0 && dto) {
        const registered = await this.responses.submitAsUser(id, dto, files ?? [], actor);
        await this.views.flash(
          response,
          `Svaret från ${recipient.organisation.name} är registrerat som ${registered.documentNumber}`,
        );
        return response.redirect(303, `/rounds/${id}`);
      }
    } catch (error) {
      const found = formErrorsOf(ANSWER_FORM, error);
      if (!found) throw error;
      errors = found;
    }
    const order = Object.keys(ANSWER_FORM);
    errors.sort((a, b) => order.indexOf(a.field) - order.indexOf(b.field));
    await this.renderAnswer(response, id, recipientId, actor, { values: posted, errors }, 400);
  }

  private async renderRound(
    response: Response,
    id: number,
    actor: Actor,
    action: RoundAction,
    form: FormState,
  ): Promise<void> {
    // The API's batched reads, side by side: a fixed number of queries however many consultees.
    const [round, { sections, register: answers }, sentReminders] = await Promise.all([
      this.queries.get(id, actor),
      this.responseQueries.overview(id, actor),
      this.reminders.sentCountsForRound(id),
    ]);
    const actions = mayActOnRounds(actor);
    const open = round.status !== 'closed';
    this.views.render(
      response,
      'rounds/show',
      {
        title: roundLabel(round),
        round,
        statusLabel: ROUND_STATUS_LABELS[round.status],
        recipients: round.recipients.map((recipient) => ({
          id: recipient.id,
          name: recipient.organisation.name,
          failureReason: recipient.failureReason,
          extended: recipient.extended,
          deadline: recipient.deadline,
          ownCaseNumber: recipient.ownCaseNumber,
          ...recipientTexts(recipient, sentReminders.get(recipient.id)),
        })),
        sections: sections.items,
        answers: answers.map((answer) => ({
          ...answer,
          positionLabel: POSITION_LABELS[answer.position],
          receivedViaLabel: RECEIVED_VIA_LABELS[answer.receivedVia],
        })),
        // Per-consultee actions (on each consultee's page) exist only while the round is out.
        mayActOnRecipients: actions && round.status === 'sent',
        maySend: actions && open && round.recipients.some((r) => r.status === 'pending'),
        mayClose: actions && open,
        sendForm: action === 'send' ? form : emptyForm(),
        closeForm: action === 'close' ? form : emptyForm(),
      },
      { status: action ? 400 : 200 },
    );
  }

  private async renderExtension(
    response: Response,
    id: number,
    recipientId: number,
    actor: Actor,
    form: FormState,
    status: number,
  ): Promise<void> {
    const round = await this.queries.get(id, actor);
    const recipient = recipientOf(round, recipientId);
    this.views.render(
      response,
      'rounds/extension',
      {
        title: `Anstånd för ${recipient.organisation.name}`,
        round: { ...round, label: roundLabel(round) },
        recipient,
        form,
      },
      { status },
    );
  }

  private async renderAnswer(
    response: Response,
    id: number,
    recipientId: number,
    actor: Actor,
    form: FormState,
    status: number,
  ): Promise<void> {
    const round = await this.queries.get(id, actor);
    const recipient = recipientOf(round, recipientId);
    const value = (name: string) => {
      const typed = form.values[name];
      return typeof typed === 'string' ? typed : '';
    };
    const commentsError = form.errors.find((error) => error.field === 'comments') ?? null;
    const decisionError = form.errors.find((error) => error.field === 'decision') ?? null;
    this.views.render(
      response,
      'rounds/answer',
      {
        title: `Registrera svar från ${recipient.organisation.name}`,
        round: { ...round, label: roundLabel(round) },
        recipient,
        form,
        positions: POSITION_CHOICES,
        receivedVia: RECEIVED_VIA_CHOICES,
        sections: round.sections.map((section, index) => ({
          ...section,
          name: `comment_${index}`,
          value: value(`comment_${index}`),
        })),
        commentsError: commentsError?.message ?? null,
        decisionError: decisionError?.message ?? null,
        decision: {
          organ: value('decision_organ'),
          date: value('decision_date'),
          paragraph: value('decision_paragraph'),
          caseNumber: value('decision_caseNumber'),
        },
      },
      { status },
    );
  }
}

function consultees(count: number): string {
  return count === 1 ? '1 remissinstans' : `${count} remissinstanser`;
}

function roundLabel(round: RoundDto): string {
  return round.title ?? `Remiss i ärende ${round.caseNumber}`;
}

const mayActOnRounds = (actor: Actor): boolean =>
  actor.roles.includes('registrar') || actor.roles.includes('admin');

/** What the actor may do with one consultee: only while the round is out, and by its state. */
function recipientActions(
  actor: Actor,
  round: RoundDto,
  recipient: RecipientDto,
): { mayResend: boolean; mayExtend: boolean; mayAnswer: boolean } {
  const out = mayActOnRounds(actor) && round.status === 'sent';
  return {
    mayResend: out && ['sent', 'queued', 'failed'].includes(recipient.status),
    mayExtend: out && ['sent', 'queued'].includes(recipient.status),
    mayAnswer: out && recipient.status !== 'pending',
  };
}

function recipientOf(round: RoundDto, recipientId: number): RecipientDto {
  const recipient = round.recipients.find((candidate) => candidate.id === recipientId);
  if (!recipient) {
    throw DomainError.notFound('Recipient', recipientId);
  }
  return recipient;
}

/**
 * A consultee's status and dates as the pages write them, ready-made: a round may have hundreds
 * of consultees, and a template helper call per date would cost more than the rest of the row.
 */
function recipientTexts(
  recipient: RecipientDto,
  reminders: { count: number; last: string | null } | undefined,
) {
  return {
    statusLabel: recipientStatusLabel(recipient),
    reminderCount: reminders?.count ?? 0,
    reminderLast: reminders?.last ? pageDate(reminders.last) : null,
    sent: moment(recipient.sentAt),
    opened: moment(recipient.openedAt),
    answered: moment(recipient.answeredAt),
  };
}

/** An instant as a page shows it in a table: its day and time in Stockholm. */
function moment(value: string | null): { date: string; time: string } | null {
  return value === null ? null : { date: pageDate(value), time: pageTime(value) };
}

function recipientStatusLabel(recipient: RecipientDto): string {
  if (recipient.overdue) return RECIPIENT_STATUS_LABELS.overdue;
  const label = RECIPIENT_STATUS_LABELS[recipient.status];
  return recipient.late && recipient.status === 'answered' ? `${label} (sent)` : label;
}

/** The send refusal's reasons, each in Swedish, as the send form's errors; null if not one. */
function sendRefusal(error: unknown): FormError[] | null {
  if (!(error instanceof DomainError)) return null;
  if (error.code !== 'round_not_sendable' && error.code !== 'invalid_transition') return null;
  if (error.code === 'invalid_transition') {
    return [{ field: 'send', message: 'Remissen är stängd och kan inte skickas.' }];
  }
  const problems = Array.isArray(error.details)
    ? (error.details as { field: string; messages: string[] }[])
    : [];
  const errors = problems.flatMap((problem) =>
    problem.messages.map((message) => {
      for (const [pattern, swedish] of SEND_REFUSALS) {
        if (pattern.test(message)) {
          return {
            field: 'send',
            message: message.replace(new RegExp(`^.*?${pattern.source}.*$`), swedish),
          };
        }
      }
      return {
        field: 'send',
        message: `Kontrollera ${SEND_FORM[problem.field]?.label.toLowerCase() ?? 'remissen'}`,
      };
    }),
  );
  return errors.length ? errors : null;
}

/** The extension service's refusals that are about this form, in Swedish; null otherwise. */
function extensionRefusal(error: unknown): FormError[] | null {
  if (!(error instanceof DomainError)) return null;
  if (error.code === 'round_not_sent' || error.code === 'recipient_not_awaiting_answer') {
    return [
      {
        field: 'deadline',
        message:
          'Anstånd ges bara till en remissinstans som ännu inte har svarat i en skickad remiss',
      },
    ];
  }
  const later = /later than the current deadline (\S+)/.exec(error.message);
  return later
    ? [
        {
          field: 'deadline',
          message: `Ny svarstid måste vara senare än nuvarande svarstid ${later[1]}`,
        },
      ]
    : null;
}
