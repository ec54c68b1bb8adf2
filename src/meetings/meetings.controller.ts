import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { parseIfMatch } from '../common/if-match.js';
import { parseId } from '../common/parse-id.pipe.js';
import { fileResponse } from '../documents/file-response.js';
import { DOCX_TYPE } from '../responses/compilation.service.js';
import {
  AdjustMeetingDto,
  CreateItemDto,
  CreateMeetingDto,
  DispatchDto,
  MeetingQueryDto,
  NoticeDto,
  ParagraphSequenceDto,
  ReorderItemsDto,
  UpdateItemDto,
  UpdateMeetingDto,
} from './dto/meeting-input.dto.js';
import {
  DispatchResultDto,
  ItemDto,
  MeetingDetailDto,
  MeetingDto,
  MeetingPageDto,
  ParagraphSequenceResultDto,
} from './dto/meeting.dto.js';
import { ExtractDispatchService } from './extract-dispatch.service.js';
import { ExtractsService } from './extracts.service.js';
import { MEETING_READERS } from './meeting-access.js';
import { MeetingItemsService } from './meeting-items.service.js';
import { MeetingsService } from './meetings.service.js';

const IF_MATCH = {
  name: 'If-Match',
  required: false,
  description: 'The version last read, e.g. "3"',
};

@ApiTags('meetings')
@ApiBearerAuth()
@Controller('api/meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly items: MeetingItemsService,
    private readonly extracts: ExtractsService,
    private readonly dispatches: ExtractDispatchService,
  ) {}

  @Post()
  @Roles('clerk', 'admin')
  @ApiCreatedResponse({ type: MeetingDto, description: 'A planned meeting' })
  @ApiForbiddenResponse({ description: 'Not a clerk of the organisation (or one above it)' })
  create(@Body() body: CreateMeetingDto, @CurrentActor() actor: Actor): Promise<MeetingDto> {
    return this.meetings.create(body, actor);
  }

  @Get()
  @Roles(...MEETING_READERS)
  @ApiOkResponse({ type: MeetingPageDto, description: 'Earliest first' })
  list(@Query() query: MeetingQueryDto): Promise<MeetingPageDto> {
    return this.meetings.list(query);
  }

  @Get(':id')
  @Roles(...MEETING_READERS)
  @ApiOkResponse({ type: MeetingDetailDto })
  @ApiNotFoundResponse()
  get(@Param('id', parseId()) id: number, @CurrentActor() actor: Actor): Promise<MeetingDetailDto> {
    return this.meetings.get(id, actor);
  }

  @Patch(':id')
  @Roles('clerk', 'admin')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: MeetingDto })
  @ApiConflictResponse({ description: 'Adjusted, or changed since read' })
  update(
    @Param('id', parseId()) id: number,
    @Body() body: UpdateMeetingDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch?: string,
  ): Promise<MeetingDto> {
    return this.meetings.update(id, body, actor, parseIfMatch(ifMatch));
  }

  @Post(':id/hold')
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiOkResponse({ type: MeetingDto, description: 'The meeting took place' })
  @ApiConflictResponse({ description: 'Not planned, or its day has not come' })
  hold(@Param('id', parseId()) id: number, @CurrentActor() actor: Actor): Promise<MeetingDto> {
    return this.meetings.hold(id, actor);
  }

  @Post(':id/adjust')
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiOkResponse({ type: MeetingDto, description: 'Adjusted (justerat): every § is locked' })
  @ApiConflictResponse({
    description: 'Already adjusted, no paragraphs, or chair/adjusters missing',
  })
  adjust(
    @Param('id', parseId()) id: number,
    @Body() body: AdjustMeetingDto,
    @CurrentActor() actor: Actor,
  ): Promise<MeetingDto> {
    return this.meetings.adjust(id, body, actor);
  }

  @Post(':id/notice')
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiOkResponse({ type: MeetingDto, description: 'With the last appeal day derived' })
  @ApiConflictResponse({ description: 'Not adjusted, or already posted' })
  notice(
    @Param('id', parseId()) id: number,
    @Body() body: NoticeDto,
    @CurrentActor() actor: Actor,
  ): Promise<MeetingDto> {
    return this.meetings.postNotice(id, body, actor);
  }

  @Get(':id/protocol.docx')
  @Roles(...MEETING_READERS)
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({ description: 'The whole protocol; marked UTKAST until adjusted' })
  async protocol(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.extracts.protocol(id, actor));
  }

  @Post(':id/items')
  @Roles('clerk', 'admin')
  @ApiCreatedResponse({ type: ItemDto, description: 'With the next § number' })
  @ApiConflictResponse({ description: 'The meeting is adjusted' })
  addItem(
    @Param('id', parseId()) id: number,
    @Body() body: CreateItemDto,
    @CurrentActor() actor: Actor,
  ): Promise<ItemDto> {
    return this.items.add(id, body, actor);
  }

  @Put(':id/items/order')
  @Roles('clerk', 'admin')
  @ApiOkResponse({ type: [ItemDto], description: 'The same § numbers, in the new order' })
  @ApiConflictResponse({ description: 'The meeting or one of its paragraphs is adjusted' })
  reorder(
    @Param('id', parseId()) id: number,
    @Body() body: ReorderItemsDto,
    @CurrentActor() actor: Actor,
  ): Promise<ItemDto[]> {
    return this.items.reorder(id, body, actor);
  }

  @Get(':id/items/:itemId')
  @Roles(...MEETING_READERS)
  @ApiOkResponse({ type: ItemDto })
  @ApiNotFoundResponse()
  getItem(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @CurrentActor() actor: Actor,
  ): Promise<ItemDto> {
    return this.meetings.getItem(id, itemId, actor);
  }

  @Patch(':id/items/:itemId')
  @Roles('clerk', 'admin')
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: ItemDto })
  @ApiConflictResponse({ description: 'Adjusted (locked), or changed since read' })
  updateItem(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Body() body: UpdateItemDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ItemDto> {
    return this.items.update(id, itemId, body, actor, parseIfMatch(ifMatch));
  }

  @Post(':id/items/:itemId/adjust')
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiOkResponse({ type: ItemDto, description: 'Adjusted at once (omedelbar justering)' })
  @ApiConflictResponse({ description: 'Already adjusted' })
  adjustItem(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Body() body: AdjustMeetingDto,
    @CurrentActor() actor: Actor,
  ): Promise<ItemDto> {
    return this.items.adjust(id, itemId, body, actor);
  }

  @Get(':id/items/:itemId/extract.docx')
  @Roles(...MEETING_READERS)
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({
    description: 'The protocol extract: UTKAST until adjusted, then final and registered once',
  })
  async extract(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.extracts.extract(id, itemId, actor));
  }

  @Post(':id/items/:itemId/dispatch')
  @HttpCode(200)
  @Roles('clerk', 'admin')
  @ApiOkResponse({
    type: DispatchResultDto,
    description: 'Mailed and registered once per organisation',
  })
  @ApiConflictResponse({ description: 'Not adjusted, no case, or a confidential case' })
  dispatch(
    @Param('id', parseId()) id: number,
    @Param('itemId', parseId('itemId')) itemId: number,
    @Body() body: DispatchDto,
    @CurrentActor() actor: Actor,
  ): Promise<DispatchResultDto> {
    return this.dispatches.dispatch(id, itemId, body.organisationIds, actor);
  }
}

@ApiTags('meetings')
@ApiBearerAuth()
@Controller('api/organisations')
export class ParagraphSequenceController {
  constructor(private readonly items: MeetingItemsService) {}

  @Put(':id/paragraph-sequence')
  @Roles('admin')
  @ApiOkResponse({ type: ParagraphSequenceResultDto })
  @ApiConflictResponse({ description: 'A number at or above `next` is already used' })
  set(
    @Param('id', parseId()) id: number,
    @Body() body: ParagraphSequenceDto,
    @CurrentActor() actor: Actor,
  ): Promise<ParagraphSequenceResultDto> {
    return this.items.setSequence(id, body, actor);
  }
}
