import { Get, HttpStatus, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { describeSelection } from '../archive/selection-text.js';
import { ArchiveExportsService } from '../archive/archive-exports.service.js';
import {
  CreateArchiveExportDto,
  type ArchiveExportDto,
} from '../archive/dto/archive-export.dto.js';
import { Roles } from '../auth/decorators.js';
import { fileResponse } from '../documents/file-response.js';
import type { Actor } from '../common/actor.js';
import { PageQueryDto } from '../common/pagination.js';
import { parseId } from '../common/parse-id.pipe.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
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

const EXPORT_FORM: FormDefinition = {
  series: { label: 'Diarieserie', chosen: true },
  closedFrom: { label: 'Avslutade från och med', kind: 'date' },
  closedTo: { label: 'Avslutade till och med', kind: 'date' },
};

const STATUS_TEXT: Record<string, string> = {
  queued: 'Köad',
  building: 'Skapas',
  ready: 'Klar',
  failed: 'Misslyckades',
};

const PAGE_SIZE = 50;

/**
 * Arkivleverans: asking for an E-ARK package of closed cases, following it and downloading it,
 * through the services of `/api/archive/exports` with the same roles and the same rule that a
 * package with a confidential case is for admins only.
 */
@WebPages('archive')
@Roles('admin', 'registrar')
export class ArchivePagesController {
  constructor(
    private readonly views: WebViews,
    private readonly exports: ArchiveExportsService,
    private readonly organisations: OrganisationsService,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, string>,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderList(response, actor, query, emptyForm(), 200);
  }

  @Post()
  async create(
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    let created: ArchiveExportDto;
    try {
      const dto = await formToDto(CreateArchiveExportDto, EXPORT_FORM, request.body);
      created = await this.exports.request(dto, actor);
    } catch (error) {
      const empty = (error as { code?: unknown }).code === 'empty_selection';
      const errors = empty
        ? [{ field: 'series', message: 'Inga avslutade ärenden matchar urvalet' }]
        : formErrorsOf(EXPORT_FORM, error)?.map((problem) =>
            // The API asks for some selection; the form offers series and dates.
            problem.field === 'caseIds'
              ? { field: 'series', message: 'Välj en diarieserie eller när ärendena avslutades' }
              : problem,
          );
      if (!errors) throw error;
      await this.renderList(
        response,
        actor,
        {},
        { values: typedValues(request.body), errors },
        empty ? 409 : 400,
      );
      return;
    }
    await this.views.flash(
      response,
      `Arkivpaket ${created.id} köades: ${created.caseCount} ärenden`,
    );
    response.redirect(HttpStatus.SEE_OTHER, `/archive/${created.id}`);
  }

  /** "Leverera till arkivet" on a closed case's page. */
  @Post('cases/:caseId')
  async createForCase(
    @Param('caseId', parseId('caseId')) caseId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const created = await this.exports.request({ caseIds: [caseId] }, actor);
    await this.views.flash(response, `Arkivpaket ${created.id} köades`);
    response.redirect(HttpStatus.SEE_OTHER, `/archive/${created.id}`);
  }

  @Get(':id')
  async show(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const found = await this.exports.get(id);
    this.views.render(response, 'archive/show', {
      title: `Arkivpaket ${found.id}`,
      export: this.row(found, actor),
      unfinished: found.status === 'queued' || found.status === 'building',
    });
  }

  @Get(':id/package')
  async download(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.exports.download(id, actor));
  }

  private async renderList(
    response: Response,
    actor: Actor,
    query: Record<string, string>,
    form: FormState,
    status: number,
  ): Promise<void> {
    const page = await this.exports.list(
      await formToDto(PageQueryDto, {}, { cursor: query.cursor, limit: String(PAGE_SIZE) }),
    );
    const series = await this.organisations.registers();
    this.views.render(
      response,
      'archive/list',
      {
        title: 'Arkivleverans',
        form,
        seriesChoices: [
          { value: '', label: 'Alla diarieserier' },
          ...series.map((keeper) => ({
            value: keeper.seriesCode,
            label: `${keeper.seriesCode} – ${keeper.name}`,
          })),
        ],
        rows: page.items.map((item) => this.row(item, actor)),
        nextHref: page.nextCursor ? `/archive?cursor=${encodeURIComponent(page.nextCursor)}` : null,
      },
      { status },
    );
  }

  private row(item: ArchiveExportDto, actor: Actor) {
    const mayDownload = !item.confidential || actor.roles.includes('admin');
    return {
      ...item,
      statusText: STATUS_TEXT[item.status] ?? item.status,
      selectionText: describeSelection(item.selection, item.caseCount),
      href: `/archive/${item.id}`,
      packageHref: item.status === 'ready' && mayDownload ? `/archive/${item.id}/package` : null,
      adminsOnly: item.status === 'ready' && !mayDownload,
    };
  }
}
