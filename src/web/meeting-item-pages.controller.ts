import { Get, HttpStatus, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/decorators.js';
import { CasesService } from '../cases/cases.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { parseId } from '../common/parse-id.pipe.js';
import { fileResponse } from '../documents/file-response.js';
import {
  AdjustMeetingDto,
  CreateItemDto,
  DispatchDto,
  UpdateItemDto,
} from '../meetings/dto/meeting-input.dto.js';
import type { DispatchResultDto, ItemDto } from '../meetings/dto/meeting.dto.js';
import { ExtractDispatchService } from '../meetings/extract-dispatch.service.js';
import { ExtractsService } from '../meetings/extracts.service.js';
import { MEETING_READERS } from '../meetings/meeting-access.js';
import { MeetingAccessService } from '../meetings/meeting-access.service.js';
import { MeetingItemsService } from '../meetings/meeting-items.service.js';
import { MeetingsService } from '../meetings/meetings.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import type { OrganisationDto } from '../organisations/dto/organisation.dto.js';
import { bodyToDto, emptyForm, formToDto, typedValues, type FormState } from './forms.js';
import {
  DISPATCH_FORM,
  ITEM_ADJUST_FORM,
  ITEM_FORM,
  itemTitle,
  meetingName,
  meetingRefusal,
} from './meeting-pages.forms.js';
import {
  caseChoicesOf,
  dispatchText,
  HITS,
  hitText,
  itemBody,
  list,
  number,
  text,
  textsOf,
  valuesOf,
} from './meeting-pages.items.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { WebViews } from './web-views.js';

/**
 * One paragraph (§) of a meeting: writing it (with its case found by a search of the register,
 * the same search and secrecy as `/api/cases?q=`), reading it, omedelbar justering, the extract
 * and its dispatch (expediering). The services and rules are those of `/api/meetings/:id/items`.
 */
@WebPages('meetings/:id/items')
@Roles(...MEETING_READERS)
export class MeetingItemPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly meetings: MeetingsService,
    private readonly items: MeetingItemsService,
    private readonly extracts: ExtractsService,
    private readonly dispatches: ExtractDispatchService,
    private readonly access: MeetingAccessService,
    private readonly cases: CasesService,
    private readonly organisations: OrganisationsService,
    private readonly clock: Clock,
  ) {}

  @Get('new')
  @Roles('clerk')
  async newItem(
    @Param('id', parseId()) id: number,
    @Query('q') q: unknown,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderItemForm(
      response,
      id,
      null,
      actor,
      emptyForm({ q: text(q), caseId: '' }),
      200,
    );
  }

  @Post('new')
  @Roles('clerk')
  async add(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    if (searching(values)) {
      // "Sök ärende": the same form again with the hits, everything typed kept; nothing saved.
      await this.renderItemForm(response, id, null, actor, { values, errors: [] }, 200);
      return;
    }
    let added: ItemDto;
    try {
      const dto = await bodyToDto(CreateItemDto, itemBody(values, false));
      added = await this.items.add(id, dto, actor);
    } catch (error) {
      const errors = meetingRefusal(ITEM_FORM, error);
      if (!errors) throw error;
      await this.renderItemForm(response, id, null, actor, { values, errors }, 400);
      return;
    }
    await this.views.flash(response, `§ ${added.paragraph} ${added.title ?? ''} är tillagd`);
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}#paragrafer`);
  }

  @Get(':itemId')
  async show(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderItem(response, id, itemId, actor, {}, 200);
  }

  @Get(':itemId/extract.docx')
  async extract(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @WebActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.extracts.extract(id, itemId, actor));
  }

  @Get(':itemId/edit')
  @Roles('clerk')
  async editForm(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Query('q') q: unknown,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const item = await this.meetings.getItem(id, itemId, actor);
    if (item.adjusted) {
      // Locked: the paragraph's page says since when and why.
      response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}/items/${itemId}`);
      return;
    }
    const form = emptyForm({ ...valuesOf(item), q: text(q) });
    await this.renderItemForm(response, id, item, actor, form, 200);
  }

  @Post(':itemId/edit')
  @Roles('clerk')
  async update(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    if (searching(values)) {
      const item = await this.meetings.getItem(id, itemId, actor);
      await this.renderItemForm(response, id, item, actor, { values, errors: [] }, 200);
      return;
    }
    let changed: ItemDto;
    try {
      const dto = await bodyToDto(UpdateItemDto, itemBody(values, true));
      const version = Number(list(values.version)[0]);
      changed = await this.items.update(
        id,
        itemId,
        dto,
        actor,
        Number.isInteger(version) ? version : undefined,
      );
    } catch (error) {
      const errors = meetingRefusal(ITEM_FORM, error);
      if (!errors) throw error;
      const item = await this.meetings.getItem(id, itemId, actor);
      await this.renderItemForm(response, id, item, actor, { values, errors }, 400);
      return;
    }
    await this.views.flash(response, `§ ${changed.paragraph} är ändrad`);
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}/items/${itemId}`);
  }

  /** Omedelbar justering of this § alone. */
  @Post(':itemId/adjust')
  @Roles('clerk')
  async adjust(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    let adjusted: ItemDto;
    try {
      const dto = await formToDto(AdjustMeetingDto, ITEM_ADJUST_FORM, values);
      adjusted = await this.items.adjust(id, itemId, dto, actor);
    } catch (error) {
      const errors = meetingRefusal(ITEM_ADJUST_FORM, error);
      if (!errors) throw error;
      await this.renderItem(response, id, itemId, actor, { adjust: { values, errors } }, 400);
      return;
    }
    await this.views.flash(
      response,
      `§ ${adjusted.paragraph} är omedelbart justerad ${adjusted.adjustedOn}`,
    );
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}/items/${itemId}`);
  }

  /** Expediering: the final extract mailed and registered to each organisation picked. */
  @Post(':itemId/dispatch')
  @Roles('clerk')
  async dispatch(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    let result: DispatchResultDto;
    try {
      const dto = await bodyToDto(DispatchDto, {
        organisationIds: [
          ...new Set([...list(values.organisationIds), ...list(values.moreOrganisationIds)]),
        ]
          .filter(Boolean)
          .map(number),
      });
      result = await this.dispatches.dispatch(id, itemId, dto.organisationIds, actor);
    } catch (error) {
      const errors = meetingRefusal(DISPATCH_FORM, error);
      if (!errors) throw error;
      await this.renderItem(response, id, itemId, actor, { dispatch: { values, errors } }, 400);
      return;
    }
    await this.views.flash(response, dispatchText(result));
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}/items/${itemId}`);
  }

  private async renderItem(
    response: Response,
    id: number,
    itemId: number,
    actor: Actor,
    refused: { adjust?: FormState; dispatch?: FormState },
    status: number,
  ): Promise<void> {
    const [meeting, item] = await Promise.all([
      this.meetings.get(id, actor),
      this.meetings.getItem(id, itemId, actor),
    ]);
    const keeps =
      actor.roles.includes('clerk') && (await this.access.mayRecord(actor, meeting.organisationId));
    const receivers = item.sendTo.filter((entry) => entry.organisationId !== null);
    const others = keeps && item.adjusted ? await this.organisationsWithMail() : [];
    this.views.render(
      response,
      'meetings/item',
      {
        title: `§ ${item.paragraph} ${itemTitle(item)}`,
        meeting: { ...meeting, name: meetingName(meeting) },
        item,
        texts: textsOf(item),
        mayEdit: keeps && !item.adjusted && meeting.status !== 'adjusted',
        mayAdjust: keeps && !item.adjusted,
        mayDispatch: keeps && item.adjusted && item.caseId !== null && !item.redacted,
        adjustForm: refused.adjust ?? emptyForm({ adjustedOn: this.clock.today() }),
        dispatchForm:
          refused.dispatch ??
          emptyForm({ organisationIds: receivers.map((entry) => String(entry.organisationId)) }),
        receiverChoices: receivers.map((entry) => ({
          value: String(entry.organisationId),
          label: entry.name,
        })),
        otherChoices: others
          .filter(
            (organisation) => !receivers.some((entry) => entry.organisationId === organisation.id),
          )
          .map((organisation) => ({ value: String(organisation.id), label: organisation.name })),
      },
      { status },
    );
  }

  /** The paragraph form, with the hits of the case search (the register's, with its secrecy). */
  private async renderItemForm(
    response: Response,
    id: number,
    item: ItemDto | null,
    actor: Actor,
    form: FormState,
    status: number,
  ): Promise<void> {
    const meeting = await this.meetings.get(id, actor);
    if (!(await this.access.mayRecord(actor, meeting.organisationId))) {
      throw new DomainError(HttpStatus.FORBIDDEN, 'not_your_organisation', 'Not your minutes');
    }
    const q = text(form.values.q).trim();
    const [hits, organisations, chosen] = await Promise.all([
      q ? this.cases.list({ q, limit: HITS }, actor) : Promise.resolve(null),
      this.organisationsWithMail(),
      this.chosenCase(list(form.values.caseId)[0] ?? '', actor),
    ]);
    const action = item ? `/meetings/${id}/items/${item.id}/edit` : `/meetings/${id}/items/new`;
    this.views.render(
      response,
      'meetings/item-form',
      {
        title: item ? `Ändra § ${item.paragraph}` : 'Ny paragraf',
        meeting: { ...meeting, name: meetingName(meeting) },
        item,
        action,
        form,
        q,
        searched: hits !== null,
        hitText: hitText(hits?.items.length ?? 0, q),
        caseChoices: caseChoicesOf(chosen, hits?.items ?? []),
        sendToChoices: organisations.map((organisation) => ({
          value: String(organisation.id),
          label: organisation.name,
        })),
        sendToOpen: list(form.values.sendTo).length > 0 || text(form.values.sendToNames) !== '',
        submitLabel: item ? 'Spara ändringarna' : 'Lägg till paragrafen',
      },
      { status },
    );
  }

  /** The case already picked (kept through a search or a refused post), as the API shows it. */
  private async chosenCase(value: string, actor: Actor) {
    if (!/^\d+$/.test(value)) return null;
    try {
      const found = await this.cases.get(Number(value), actor);
      return {
        id: found.id,
        label: `${found.caseNumber} ${found.title ?? 'Sekretessbelagt ärende'}`,
      };
    } catch (error) {
      if (error instanceof DomainError && error.status === HttpStatus.NOT_FOUND) return null;
      throw error;
    }
  }

  /** The active directory, every page of it (a municipality has some hundred organisations). */
  private async organisationsWithMail(): Promise<OrganisationDto[]> {
    const all: OrganisationDto[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.organisations.list({ active: true, limit: 200, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && all.length < 10_000);
    return all.filter((organisation) => organisation.email);
  }
}

/** Whether the paragraph form was posted with its "Sök ärende" button rather than saved. */
function searching(values: Record<string, unknown>): boolean {
  return values.search !== undefined && values.search !== '';
}
