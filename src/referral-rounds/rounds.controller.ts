import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { parseIfMatch } from '../common/if-match.js';
import { parseId } from '../common/parse-id.pipe.js';
import { RecipientPageDto, RoundDto, RoundPageDto, SendResultDto } from './dto/round.dto.js';
import {
  AddRecipientsDto,
  CloseRoundDto,
  CreateRoundDto,
  RecipientQueryDto,
  RoundQueryDto,
  UpdateRoundDto,
} from './dto/round-input.dto.js';
import { RoundDispatchService } from './round-dispatch.service.js';
import { ROUND_READERS, RoundQueriesService } from './round-queries.service.js';
import { RoundsService } from './rounds.service.js';

@ApiTags('referral rounds')
@ApiBearerAuth()
@Controller('api/cases/:caseId/rounds')
export class CaseRoundsController {
  constructor(
    private readonly rounds: RoundsService,
    private readonly queries: RoundQueriesService,
  ) {}

  @Post()
  @Roles('registrar', 'admin')
  @ApiCreatedResponse({ type: RoundDto, description: 'A draft round' })
  @ApiConflictResponse({ description: 'The case is closed' })
  create(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Body() body: CreateRoundDto,
    @CurrentActor() actor: Actor,
  ): Promise<RoundDto> {
    return this.rounds.create(caseId, body, actor);
  }

  @Get()
  @Roles(...ROUND_READERS)
  @ApiOkResponse({ type: RoundPageDto })
  list(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Query() query: RoundQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<RoundPageDto> {
    return this.queries.list({ ...query, caseId }, actor);
  }
}

@ApiTags('referral rounds')
@ApiBearerAuth()
@Controller('api/rounds')
export class RoundsController {
  constructor(
    private readonly rounds: RoundsService,
    private readonly queries: RoundQueriesService,
    private readonly dispatch: RoundDispatchService,
  ) {}

  @Get()
  @Roles(...ROUND_READERS)
  @ApiOkResponse({ type: RoundPageDto, description: 'Soonest deadline first' })
  list(@Query() query: RoundQueryDto, @CurrentActor() actor: Actor): Promise<RoundPageDto> {
    return this.queries.list(query, actor);
  }

  @Get(':id')
  @Roles(...ROUND_READERS, 'respondent')
  @ApiOkResponse({ type: RoundDto, description: 'Respondents see only their own organisations' })
  @ApiNotFoundResponse()
  get(@Param('id', parseId()) id: number, @CurrentActor() actor: Actor): Promise<RoundDto> {
    return this.queries.get(id, actor);
  }

  @Patch(':id')
  @Roles('registrar', 'admin')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last read, e.g. "3"' })
  @ApiOkResponse({ type: RoundDto })
  @ApiConflictResponse({ description: 'Not a draft any more, or changed since read' })
  update(
    @Param('id', parseId()) id: number,
    @Body() body: UpdateRoundDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch?: string,
  ): Promise<RoundDto> {
    return this.rounds.update(id, body, actor, parseIfMatch(ifMatch));
  }

  @Post(':id/send')
  @HttpCode(200)
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: SendResultDto, description: 'Queued invitations, and warnings' })
  @ApiConflictResponse({ description: 'No documents, no recipients, no e-mail, or past deadline' })
  send(@Param('id', parseId()) id: number, @CurrentActor() actor: Actor): Promise<SendResultDto> {
    return this.dispatch.send(id, actor);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: RoundDto })
  close(
    @Param('id', parseId()) id: number,
    @Body() body: CloseRoundDto,
    @CurrentActor() actor: Actor,
  ): Promise<RoundDto> {
    return this.rounds.close(id, body.reason, actor);
  }

  @Post(':id/recipients')
  @HttpCode(200)
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: RoundDto, description: 'Added ones are sent to on the next send' })
  addRecipients(
    @Param('id', parseId()) id: number,
    @Body() body: AddRecipientsDto,
    @CurrentActor() actor: Actor,
  ): Promise<RoundDto> {
    return this.rounds.addRecipients(id, body, actor);
  }

  @Delete(':id/recipients/:recipientId')
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: RoundDto })
  @ApiConflictResponse({ description: 'The recipient has been sent the round' })
  removeRecipient(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @CurrentActor() actor: Actor,
  ): Promise<RoundDto> {
    return this.rounds.removeRecipient(id, recipientId, actor);
  }

  @Post(':id/recipients/:recipientId/resend')
  @HttpCode(200)
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: SendResultDto, description: 'A new invitation with a new link' })
  resend(
    @Param('id', parseId()) id: number,
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @CurrentActor() actor: Actor,
  ): Promise<SendResultDto> {
    return this.dispatch.resend(id, recipientId, actor);
  }
}

@ApiTags('referral rounds')
@ApiBearerAuth()
@Controller('api/recipients')
export class RecipientsController {
  constructor(private readonly queries: RoundQueriesService) {}

  @Get()
  @Roles(...ROUND_READERS)
  @ApiOkResponse({
    type: RecipientPageDto,
    description: 'Recipients across rounds by their own deadline, soonest first',
  })
  list(@Query() query: RecipientQueryDto, @CurrentActor() actor: Actor): Promise<RecipientPageDto> {
    return this.queries.listRecipients(query, actor);
  }
}
