import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Readable } from 'node:stream';
import { CurrentActor, Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { parseId } from '../common/parse-id.pipe.js';
import { fileResponse } from '../documents/file-response.js';
import { RecipientPageDto } from '../referral-rounds/dto/round.dto.js';
import { RecipientQueryDto } from '../referral-rounds/dto/round-input.dto.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import { DOCX_TYPE } from './compilation.service.js';
import { MemoService } from './memo.service.js';

/** The receiving side: the remisses addressed to the caller's organisations. */
@ApiTags('inbox')
@ApiBearerAuth()
@Controller('api/inbox')
export class InboxController {
  constructor(
    private readonly rounds: RoundQueriesService,
    private readonly memos: MemoService,
  ) {}

  @Get()
  @Roles('respondent', 'clerk', 'registrar', 'admin')
  @ApiOkResponse({
    type: RecipientPageDto,
    description:
      'Rounds addressed to your organisations (an admin sees all), soonest deadline first, each with its own case',
  })
  list(@Query() query: RecipientQueryDto, @CurrentActor() actor: Actor): Promise<RecipientPageDto> {
    const scope = actor.roles.includes('admin')
      ? undefined
      : { organisationIds: actor.organisationIds };
    return this.rounds.listRecipients(query, actor, scope);
  }

  @Get(':recipientId/memo.docx')
  @Roles('respondent', 'clerk', 'registrar', 'admin')
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({ description: "A draft memo (tjänsteskrivelse) for the consultee's committee" })
  @ApiConflictResponse({ description: 'The organisation keeps no case of its own for the remiss' })
  async memo(
    @Param('recipientId', parseId('recipientId')) recipientId: number,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    const { bytes, fileName } = await this.memos.build(recipientId, actor);
    return fileResponse({
      stream: Readable.from([bytes]),
      fileName,
      mimeType: DOCX_TYPE,
      size: bytes.length,
    });
  }
}
