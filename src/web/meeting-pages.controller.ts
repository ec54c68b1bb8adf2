import { Get, HttpStatus, Param, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { parseId } from '../common/parse-id.pipe.js';
import { addDays } from '../common/working-days.js';
import { fileResponse } from '../documents/file-response.js';
import {
  AdjustMeetingDto,
  CreateMeetingDto,
  MeetingQueryDto,
  NoticeDto,
  UpdateMeetingDto,
} from '../meetings/dto/meeting-input.dto.js';
import type { MeetingDetailDto, MeetingDto } from '../meetings/dto/meeting.dto.js';
import { ExtractsService } from '../meetings/extracts.service.js';
import { MEETING_READERS } from '../meetings/meeting-access.js';
import { MeetingAccessService } from '../meetings/meeting-access.service.js';
import { MeetingItemsService } from '../meetings/meeting-items.service.js';
import { MeetingsService } from '../meetings/meetings.service.js';
import { bodyToDto, emptyForm, formToDto, typedValues, type FormState } from './forms.js';
import {
  ADJUST_FORM,
  HOLD_FORM,
  itemTitle,
  lines,
  MEETING_FORM,
  MEETING_STATUS_LABELS,
  meetingName,
  meetingRefusal,
  NOTICE_FORM,
  ORDER_FORM,
} from './meeting-pages.forms.js';
import { WebActor, WebPages } from './web-auth.guard.js';
import { WebViews } from './web-views.js';

/** How far back "recent meetings" reach. */
const RECENT_DAYS = 60;

/** The forms of the meeting page, each shown with its own errors when refused. */
interface MeetingForms {
  hold: FormState;
  adjust: FormState | null;
  notice: FormState | null;
  order: FormState;
}

/**
 * Sammanträden: the meetings of the clerk's organisations and one meeting with its paragraphs,
 * hold, adjustment (justering) and notice (anslag). Reads and writes go through the services of
 * `/api/meetings` with their rules and redaction; readers, registrars and admins see the pages
 * without any action, and only a clerk may post (and only for the minutes they keep).
 */
@WebPages('meetings')
@Roles(...MEETING_READERS)
export class MeetingPagesController {
  constructor(
    private readonly views: WebViews,
    private readonly meetings: MeetingsService,
    private readonly items: MeetingItemsService,
    private readonly extracts: ExtractsService,
    private readonly access: MeetingAccessService,
    private readonly clock: Clock,
  ) {}

  @Get()
  async list(
    @Query() query: Record<string, unknown>,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderList(response, actor, query, emptyForm(), 200);
  }

  @Post()
  @Roles('clerk')
  async create(
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    let created: MeetingDto;
    try {
      const dto = await formToDto(CreateMeetingDto, MEETING_FORM, {
        ...values,
        adjusters: lines(values.adjusters),
      });
      created = await this.meetings.create(dto, actor);
    } catch (error) {
      const errors = meetingRefusal(MEETING_FORM, error);
      if (!errors) throw error;
      await this.renderList(response, actor, {}, { values, errors }, 400);
      return;
    }
    await this.views.flash(response, `Sammanträdet ${meetingName(created)} är skapat`);
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${created.id}`);
  }

  @Get(':id')
  async show(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    await this.renderMeeting(response, id, actor, {}, 200);
  }

  @Get(':id/protocol.docx')
  async protocol(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.extracts.protocol(id, actor));
  }

  @Post(':id/hold')
  @Roles('clerk')
  async hold(
    @Param('id', parseId()) id: number,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    try {
      await this.meetings.hold(id, actor);
    } catch (error) {
      const errors = meetingRefusal(HOLD_FORM, error);
      if (!errors) throw error;
      await this.renderMeeting(response, id, actor, { hold: { values: {}, errors } }, 409);
      return;
    }
    await this.views.flash(response, 'Sammanträdet är markerat som hållet');
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}`);
  }

  /** Justering with the names it needs, in one step: nothing is saved when it is refused. */
  @Post(':id/adjust')
  @Roles('clerk')
  async adjust(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    let adjusted: MeetingDto;
    try {
      const { adjustedOn, ...names } = values;
      const people = await formToDto(UpdateMeetingDto, ADJUST_FORM, {
        chair: names.chair ?? '',
        secretary: names.secretary ?? '',
        adjusters: lines(names.adjusters),
      });
      const day = await bodyToDto(AdjustMeetingDto, adjustedOn?.length ? { adjustedOn } : {});
      adjusted = await this.meetings.adjust(id, day, actor, {
        chair: people.chair ?? null,
        secretary: people.secretary ?? null,
        adjusters: people.adjusters ?? [],
      });
    } catch (error) {
      const errors = meetingRefusal(ADJUST_FORM, error);
      if (!errors) throw error;
      await this.renderMeeting(response, id, actor, { adjust: { values, errors } }, 400);
      return;
    }
    await this.views.flash(response, `Protokollet är justerat ${adjusted.adjustedOn}`);
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}`);
  }

  @Post(':id/notice')
  @Roles('clerk')
  async notice(
    @Param('id', parseId()) id: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const values = typedValues(request.body);
    let posted: MeetingDto;
    try {
      const dto = await formToDto(NoticeDto, NOTICE_FORM, values);
      posted = await this.meetings.postNotice(id, dto, actor);
    } catch (error) {
      const errors = meetingRefusal(NOTICE_FORM, error);
      if (!errors) throw error;
      await this.renderMeeting(response, id, actor, { notice: { values, errors } }, 400);
      return;
    }
    await this.views.flash(
      response,
      `Anslaget är registrerat. Sista dag att överklaga är ${posted.lastAppealDay}`,
    );
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}`);
  }

  /** Moves one paragraph a step up or down: the same reorder as PUT /api/meetings/:id/items/order. */
  @Post(':id/items/:itemId/move')
  @Roles('clerk')
  async move(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Req() request: Request,
    @WebActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    const { direction } = typedValues(request.body);
    const meeting = await this.meetings.get(id, actor);
    const order = meeting.items.map((item) => item.id);
    const from = order.indexOf(itemId);
    if (from < 0) throw DomainError.notFound('Item', itemId);
    const to = direction === 'up' ? from - 1 : direction === 'down' ? from + 1 : -1;
    if (to >= 0 && to < order.length) {
      [order[from], order[to]] = [order[to], order[from]];
      try {
        await this.items.reorder(id, { itemIds: order }, actor);
      } catch (error) {
        const errors = meetingRefusal(ORDER_FORM, error);
        if (!errors) throw error;
        await this.renderMeeting(response, id, actor, { order: { values: {}, errors } }, 409);
        return;
      }
      await this.views.flash(
        response,
        `Paragrafen är flyttad till § ${meeting.items[to].paragraph}`,
      );
    }
    response.redirect(HttpStatus.SEE_OTHER, `/meetings/${id}#paragrafer`);
  }

  private async renderList(
    response: Response,
    actor: Actor,
    query: Record<string, unknown>,
    form: FormState,
    status: number,
  ): Promise<void> {
    const today = this.clock.today();
    const mine = await this.access.recordedBy(actor);
    // A clerk sees the meetings of the organisations whose minutes they keep; others all.
    const scope = actor.roles.includes('clerk')
      ? mine.map((organisation) => organisation.id)
      : undefined;
    const cursor =
      typeof query.cursor === 'string' && query.cursor !== '' ? query.cursor : undefined;
    const [upcoming, recent] = await Promise.all([
      this.page({ from: today, limit: 50, cursor }, scope),
      this.page({ from: addDays(today, -RECENT_DAYS), to: addDays(today, -1), limit: 100 }, scope),
    ]);
    const row = (meeting: MeetingDto) => ({
      ...meeting,
      statusLabel: MEETING_STATUS_LABELS[meeting.status],
    });
    this.views.render(
      response,
      'meetings/list',
      {
        title: 'Sammanträden',
        upcoming: upcoming.items.map(row),
        recent: recent.items.reverse().map(row),
        recentDays: RECENT_DAYS,
        nextHref: upcoming.nextCursor
          ? `/meetings?cursor=${encodeURIComponent(upcoming.nextCursor)}`
          : null,
        mayCreate: actor.roles.includes('clerk') && mine.length > 0,
        form,
        organisationChoices: [
          { value: '', label: 'Välj organ' },
          ...mine.map((organisation) => ({
            value: String(organisation.id),
            label: organisation.name,
          })),
        ],
      },
      { status },
    );
  }

  /** One page of the API's list; a cursor that is not one of ours starts from the beginning. */
  private async page(query: MeetingQueryDto, scope: number[] | undefined) {
    try {
      return await this.meetings.list(query, scope);
    } catch (error) {
      if (!(error instanceof DomainError) || error.status !== HttpStatus.BAD_REQUEST) throw error;
      return this.meetings.list({ ...query, cursor: undefined }, scope);
    }
  }

  private async renderMeeting(
    response: Response,
    id: number,
    actor: Actor,
    refused: Partial<MeetingForms>,
    status: number,
  ): Promise<void> {
    const meeting = await this.meetings.get(id, actor);
    const keeps =
      actor.roles.includes('clerk') && (await this.access.mayRecord(actor, meeting.organisationId));
    const adjusted = meeting.status === 'adjusted';
    const forms: MeetingForms = {
      hold: refused.hold ?? emptyForm(),
      order: refused.order ?? emptyForm(),
      adjust: refused.adjust ?? emptyForm(namesOf(meeting)),
      notice: refused.notice ?? emptyForm({ postedOn: this.clock.today() }),
    };
    const last = meeting.items.length - 1;
    this.views.render(
      response,
      'meetings/show',
      {
        title: `Sammanträde ${meetingName(meeting)}`,
        meeting: { ...meeting, statusLabel: MEETING_STATUS_LABELS[meeting.status] },
        adjusted,
        items: meeting.items.map((item, index) => ({
          ...item,
          shownTitle: itemTitle(item),
          mayMoveUp: index > 0,
          mayMoveDown: index < last,
        })),
        mayEdit: keeps && !adjusted,
        mayHold: keeps && meeting.status === 'planned',
        mayAdjust: keeps && !adjusted && meeting.items.length > 0,
        mayPostNotice: keeps && adjusted && meeting.noticePostedOn === null,
        mayAct: keeps,
        forms,
      },
      { status },
    );
  }
}

/** The meeting's chair, secretary and adjusters as the adjustment form shows them. */
function namesOf(meeting: MeetingDetailDto): Record<string, string> {
  return {
    chair: meeting.chair ?? '',
    secretary: meeting.secretary ?? '',
    adjusters: meeting.adjusters.join('\n'),
  };
}
