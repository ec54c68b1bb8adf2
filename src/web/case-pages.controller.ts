import { CaseHistoryService } from '../documents/case-history.service.js';
import {
  Get,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import type { AuditEventDto } from '../audit/dto/audit-event.dto.js';
import { Roles } from '../auth/decorators.js';
import { UploadThrottlerGuard } from '../auth/upload-throttler.guard.js';
import { CASE_READERS } from '../cases/cases.controller.js';
import { CasesService } from '../cases/cases.service.js';
import {
  CaseQueryDto,
  CaseStatusChangeDto,
  CreateCaseDto,
  type CaseDetailDto,
  type CaseDto,
} from '../cases/dto/case.dto.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { parseId } from '../common/parse-id.pipe.js';
import { DiscardUploadInterceptor } from '../documents/discard-upload.interceptor.js';
import {
  DocumentsService,
  type UploadedFile as UploadedFileData,
} from '../documents/documents.service.js';
import { RegisterDocumentDto, type DocumentDto } from '../documents/dto/document.dto.js';
import { fileResponse } from '../documents/file-response.js';
import { MeetingsService } from '../meetings/meetings.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import type { Role } from '../users/role.js';
import {
  emptyForm,
  formErrorsOf,
  formToDto,
  typedValues,
  type FormDefinition,
  type FormState,
} from './forms.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { WebViews } from './web-views.js';

/** Swedish names of what the pages show in English codes. */
export const CASE_STATUS_TEXT: Record<string, string> = { open: 'öppet', closed: 'avslutat' };
export const DIRECTION_TEXT: Record<string, string> = {
  incoming: 'inkommande',
  outgoing: 'utgående',
  internal: 'upprättad',
};
export const ROUND_STATUS_TEXT: Record<string, string> = {
  draft: 'utkast',
  sent: 'skickad',
  closed: 'stängd',
};
const ACTION_TEXT: Record<string, string> = {
  'case.created': 'Ärendet registrerades',
  'case.updated': 'Ärendet ändrades',
  'case.closed': 'Ärendet avslutades',
  'case.reopened': 'Ärendet återupptogs',
  'document.registered': 'Handlingen registrerades',
};
const RELATION_TEXT: Record<string, string> = {
  remiss_sent_to: 'Remissinstansens ärende',
  remiss_received_from: 'Avsändarens ärende',
};

const SEARCH_FORM: FormDefinition = {
  q: { label: 'Sökord eller diarienummer' },
  status: { label: 'Status' },
  organisationId: { label: 'Organisation', kind: 'number' },
};
const CASE_FORM: FormDefinition = {
  title: { label: 'Rubrik' },
  organisationId: { label: 'Organisation', kind: 'number', chosen: true },
  description: { label: 'Beskrivning' },
  classification: { label: 'Klassificering' },
  confidential: { label: 'Sekretess', kind: 'boolean' },
};
const DOCUMENT_FORM: FormDefinition = {
  file: { label: 'Fil', chosen: true },
  title: { label: 'Rubrik' },
  direction: { label: 'Riktning', chosen: true },
  counterpart: { label: 'Avsändare eller mottagare' },
  date: { label: 'Handlingens datum', kind: 'date' },
  confidentiality: { label: 'Sekretessmarkering' },
};
const STATUS_FORM: FormDefinition = { reason: { label: 'Skäl' } };

const PAGE_SIZE = 50;
/** How many earlier cursors the "Föregående" link carries back. */
const BACK_LIMIT = 40;
const HISTORY_SIZE = 50;

const may = (actor: Actor, roles: readonly Role[]) =>
  roles.some((role) => actor.roles.includes(role));
const REGISTERS_CASES: readonly Role[] = ['registrar', 'admin'];
const REGISTERS_DOCUMENTS: readonly Role[] = ['registrar', 'clerk', 'admin'];

/**
 * Ärenden: the register with search and paging, registering a case, and one case with its
 * documents, rounds, paragraphs, related cases and history. Every read and write goes through the
 * services (and the redaction) of `/api/cases`, `/api/documents`, `/api/rounds`, the meetings and
 * `/api/cases/:id/history`, with the same roles.
 */
@WebPages('cases')
@Roles(...CASE_READERS)
export class CasePagesController {
  constructor(
    private readonly views: WebViews,
    private readonly cases: CasesService,
    private readonly documents: DocumentsService,
    private readonly rounds: RoundQueriesService,
    private readonly meetings: MeetingsService,
    private readonly caseHistory: CaseHistoryService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(query);
    const filters: Record<string, unknown> = {
      q: query.q,
      status: query.status,
      organisationId: query.organisationId,
    };
    const organisations = await this.organisations.registers();
    const context = {
      title: 'Ärenden',
      form: emptyForm(values),
      organisationChoices: [
        { value: '', label: 'Alla organisationer' },
        ...organisations.map((organisation) => ({
          value: String(organisation.id),
          label: organisation.name,
        })),
      ],
      statusChoices: [
        { value: '', label: 'Alla' },
        { value: 'open', label: 'Öppna' },
        { value: 'closed', label: 'Avslutade' },
      ],
      mayRegister: may(actor, REGISTERS_CASES),
      rows: [] as unknown[],
      searched: false,
      previousHref: null as string | null,
      nextHref: null as string | null,
    };
    let dto: CaseQueryDto;
    try {
      dto = await formToDto(CaseQueryDto, SEARCH_FORM, filters);
    } catch (error) {
      const errors = formErrorsOf(SEARCH_FORM, error);
      if (!errors) throw error;
      this.views.render(
        response,
        'cases/list',
        { ...context, form: { values, errors } },
        { status: 400 },
      );
      return;
    }
    const cursor = typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : null;
    const back =
      typeof query.back === 'string' && query.back !== ''
        ? query.back.split('.').slice(-BACK_LIMIT)
        : [];
    let page;
    try {
      page = await this.cases.list(
        { ...dto, limit: PAGE_SIZE, ...(cursor ? { cursor } : {}) },
        actor,
      );
    } catch (error) {
      if (error instanceof DomainError && error.status === HttpStatus.BAD_REQUEST) {
        // A cursor that is not one of ours: start again from the first page.
        response.redirect(HttpStatus.SEE_OTHER, `/cases${searchOf(filters)}`);
        return;
      }
      throw error;
    }
    const names = new Map(
      organisations.map((organisation) => [organisation.id, organisation.name]),
    );
    const base = searchOf(filters);
    const link = (at: string | null, earlier: string[]) => {
      const params = new URLSearchParams(base.slice(1));
      if (at) params.set('cursor', at);
      if (earlier.length > 0) params.set('back', earlier.join('.'));
      const text = params.toString();
      return `/cases${text ? `?${text}` : ''}`;
    };
    this.views.render(response, 'cases/list', {
      ...context,
      searched: Object.values(filters).some((value) => typeof value === 'string' && value !== ''),
      rows: page.items.map((item) => ({
        ...item,
        statusText: CASE_STATUS_TEXT[item.status],
        organisation: names.get(item.organisationId) ?? '',
      })),
      // "-" stands for the first page, which has no cursor.
      previousHref:
        cursor === null
          ? null
          : link(
              back.length > 0 && back[back.length - 1] !== '-' ? back[back.length - 1] : null,
              back.slice(0, -1),
            ),
      nextHref: page.nextCursor
        ? link(page.nextCursor, [...back, cursor ?? '-'].slice(-BACK_LIMIT))
        : null,
    });
  }

  @Get('new')
  @Roles(...REGISTERS_CASES)
  async newCase(@Res() response: Response): Promise<void> {
    await this.renderNewCase(response, emptyForm(), 200);
  }

  @Post('new')
  @Roles(...REGISTERS_CASES)
  async create(
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    let created: CaseDto;
    try {
      const dto = await formToDto(CreateCaseDto, CASE_FORM, request.body);
      created = await this.cases.create(dto, actor);
    } catch (error) {
      const errors = formErrorsOf(CASE_FORM, error);
      if (!errors) throw error;
      await this.renderNewCase(response, { values: typedValues(request.body), errors }, 400);
      return;
    }
    await this.views.flash(response, `Ärendet ${created.caseNumber} registrerades`);
    response.redirect(HttpStatus.SEE_OTHER, `/cases/${created.id}`);
  }

  @Get(':id')
  async show(
    @Param('id', parseId()) id: number,
    @Query('history') historyCursor: string | undefined,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderCase(response, id, actor, {
      documentForm: emptyForm({ direction: 'incoming' }),
      statusForm: emptyForm(),
      historyCursor: typeof historyCursor === 'string' ? historyCursor : undefined,
    });
  }

  @Post(':id/documents')
  @Roles(...REGISTERS_DOCUMENTS)
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FileInterceptor('file'), DiscardUploadInterceptor)
  async registerDocument(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @UploadedFile() file: UploadedFileData | undefined,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    let document: DocumentDto;
    try {
      const dto = await formToDto(RegisterDocumentDto, DOCUMENT_FORM, withoutFile(request.body));
      document = await this.documents.register(id, dto, file, actor);
    } catch (error) {
      const errors = formErrorsOf(DOCUMENT_FORM, error) ?? fileErrorOf(error);
      if (!errors) throw error;
      await this.renderCase(
        response,
        id,
        actor,
        {
          documentForm: { values: typedValues(withoutFile(request.body)), errors },
          statusForm: emptyForm(),
        },
        400,
      );
      return;
    }
    await this.views.flash(response, `Handlingen ${document.documentNumber} registrerades`);
    response.redirect(HttpStatus.SEE_OTHER, `/cases/${id}#handlingar`);
  }

  @Get(':id/documents/:documentId/content')
  async download(
    @Param('id', parseId()) id: number,
    @Param('documentId', parseId('documentId')) documentId: number,
    @WebActor() actor: Actor,
  ): Promise<StreamableFile> {
    const document = await this.documents.get(documentId, actor);
    if (document.caseId !== id) throw DomainError.notFound('Document', documentId);
    return fileResponse(await this.documents.content(documentId, actor));
  }

  @Post(':id/close')
  @Roles(...REGISTERS_CASES)
  close(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    return this.changeStatus(id, 'closed', request, actor, response);
  }

  @Post(':id/reopen')
  @Roles(...REGISTERS_CASES)
  reopen(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    return this.changeStatus(id, 'open', request, actor, response);
  }

  private async changeStatus(
    id: number,
    status: 'open' | 'closed',
    request: Request,
    actor: Actor,
    response: Response,
  ): Promise<void> {
    let changed: CaseDto;
    try {
      const dto = await formToDto(CaseStatusChangeDto, STATUS_FORM, request.body);
      changed = await this.cases.setStatus(id, status, dto.reason, actor);
    } catch (error) {
      const errors = formErrorsOf(STATUS_FORM, error);
      if (!errors) throw error;
      await this.renderCase(
        response,
        id,
        actor,
        {
          documentForm: emptyForm({ direction: 'incoming' }),
          statusForm: { values: typedValues(request.body), errors },
        },
        400,
      );
      return;
    }
    await this.views.flash(
      response,
      `Ärendet ${changed.caseNumber} ${status === 'closed' ? 'avslutades' : 'återupptogs'}`,
    );
    response.redirect(HttpStatus.SEE_OTHER, `/cases/${id}`);
  }

  private async renderNewCase(response: Response, form: FormState, status: number): Promise<void> {
    const organisations = (await this.organisations.registers()).filter(
      (organisation) => organisation.active,
    );
    this.views.render(
      response,
      'cases/new',
      {
        title: 'Registrera ärende',
        form,
        organisationChoices: [
          { value: '', label: 'Välj organisation' },
          ...organisations.map((organisation) => ({
            value: String(organisation.id),
            label: `${organisation.name} (${organisation.seriesCode})`,
          })),
        ],
        confidentialChoices: [{ value: 'true', label: 'Ärendet omfattas av sekretess' }],
      },
      { status },
    );
  }

  private async renderCase(
    response: Response,
    id: number,
    actor: Actor,
    forms: { documentForm: FormState; statusForm: FormState; historyCursor?: string },
    status = 200,
  ): Promise<void> {
    const found: CaseDetailDto = await this.cases.get(id, actor);
    const [owner, documents, rounds, paragraphs] = await Promise.all([
      this.organisations.get(found.organisationId),
      this.documents.listForCase(id, actor),
      this.rounds.list({ caseId: id, limit: 200 }, actor),
      this.meetings.itemsForCase(id, actor),
    ]);
    const documentNumbers = new Map(documents.map((document) => [document.id, document]));
    // Everyone who may open the case may read its history, as through /api/cases/:id/history.
    const page = await this.caseHistory
      .history(id, { cursor: forms.historyCursor, limit: HISTORY_SIZE }, actor)
      .catch((error: unknown) => {
        if (error instanceof DomainError && error.status === HttpStatus.BAD_REQUEST) return null;
        throw error;
      });
    const history = page && {
      rows: page.items.map((event) => historyRow(event, id, found, documentNumbers)),
      nextHref: page.nextCursor
        ? `/cases/${id}?history=${encodeURIComponent(page.nextCursor)}#historik`
        : null,
    };
    const mayRegisterDocuments = may(actor, REGISTERS_DOCUMENTS);
    this.views.render(
      response,
      'cases/show',
      {
        title: `Ärende ${found.caseNumber}`,
        case: {
          ...found,
          statusText: CASE_STATUS_TEXT[found.status],
          organisation: owner.name,
        },
        documents: documents.map((document) => ({
          ...document,
          directionText: DIRECTION_TEXT[document.direction],
          href: `/cases/${id}/documents/${document.id}/content`,
        })),
        rounds: rounds.items.map((round) => ({
          ...round,
          statusText: ROUND_STATUS_TEXT[round.status] ?? round.status,
        })),
        paragraphs: paragraphs.map(({ item, meeting }) => ({
          paragraph: item.paragraph,
          title: item.title,
          redacted: item.redacted,
          adjusted: item.adjusted,
          adjustedOn: item.adjustedOn,
          meeting: meeting.organisationName,
          date: meeting.date,
        })),
        related: found.relatedCases.map((related) => ({
          ...related,
          relationText: RELATION_TEXT[related.relation] ?? related.relation,
        })),
        history,
        mayRegisterDocuments,
        mayRegisterCases: may(actor, REGISTERS_CASES),
        documentForm: forms.documentForm,
        statusForm: forms.statusForm,
        directionChoices: [
          { value: 'incoming', label: 'Inkommande' },
          { value: 'outgoing', label: 'Utgående' },
          { value: 'internal', label: 'Upprättad' },
        ],
        isOpen: found.status === 'open',
      },
      { status },
    );
  }
}

/** The query string of the search's filters (without cursor), `?…` or empty. */
function searchOf(filters: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if (typeof value === 'string' && value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The posted fields without the file (multer leaves the file out of the body anyway). */
function withoutFile(body: unknown): Record<string, unknown> {
  const fields = { ...((body ?? {}) as Record<string, unknown>) };
  delete fields.file;
  return fields;
}

/** A refused file (wrong type, empty, bad name) as a message on the file field. */
function fileErrorOf(error: unknown) {
  if (!(error instanceof DomainError)) return null;
  if (error.status === HttpStatus.UNSUPPORTED_MEDIA_TYPE) {
    return [
      {
        field: 'file',
        message:
          'Filen kan inte registreras: filtypen är inte tillåten eller stämmer inte med namnet',
      },
    ];
  }
  return null;
}

function historyRow(
  event: AuditEventDto,
  caseId: number,
  found: CaseDetailDto,
  documents: Map<number, DocumentDto>,
) {
  const document = event.entity === 'document' ? documents.get(Number(event.entityId)) : undefined;
  const reason =
    !event.redacted && event.after && typeof event.after === 'object'
      ? (event.after as { reason?: unknown }).reason
      : undefined;
  return {
    occurredAt: event.occurredAt,
    actorLabel: event.actorLabel,
    what: ACTION_TEXT[event.action] ?? event.action,
    subject:
      event.entity === 'case' && Number(event.entityId) === caseId
        ? found.caseNumber
        : (document?.documentNumber ?? `${event.entity} ${event.entityId}`),
    reason: typeof reason === 'string' ? reason : null,
  };
}
