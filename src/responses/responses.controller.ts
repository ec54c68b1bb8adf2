import {
  Body,
  Controller,
  Get,
  Headers,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFiles,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import { UploadThrottlerGuard } from '../auth/upload-throttler.guard.js';
import type { Actor } from '../common/actor.js';
import { parseId } from '../common/parse-id.pipe.js';
import { Readable } from 'node:stream';
import { DiscardUploadInterceptor } from '../documents/discard-upload.interceptor.js';
import { DocumentDto } from '../documents/dto/document.dto.js';
import { fileResponse } from '../documents/file-response.js';
import type { UploadedFile } from '../documents/documents.service.js';
import { ROUND_READERS } from '../referral-rounds/round-queries.service.js';
import {
  ResponseDto,
  ResponseListDto,
  ResponseQueryDto,
  SectionListDto,
  SubmitResponseDto,
} from './dto/response.dto.js';
import { CompilationService, DOCX_TYPE } from './compilation.service.js';
import { parseIdempotencyKey } from './idempotency-key.js';
import { ResponseQueriesService } from './response-queries.service.js';
import { ResponsesService } from './responses.service.js';

/** Files one answer may bring. */
export const MAX_ANSWER_FILES = 10;

export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'The same key (and answer) again registers nothing new and answers the first',
};

@ApiTags('responses')
@ApiBearerAuth()
@Controller('api/rounds/:id')
export class ResponsesController {
  constructor(
    private readonly responses: ResponsesService,
    private readonly queries: ResponseQueriesService,
    private readonly compilations: CompilationService,
  ) {}

  @Post('responses')
  @Roles('respondent', 'registrar', 'admin')
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FilesInterceptor('files', MAX_ANSWER_FILES), DiscardUploadInterceptor)
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiCreatedResponse({ type: ResponseDto, description: 'Registered in the case; receipt mailed' })
  @ApiForbiddenResponse({ description: 'Not one of your organisations among the recipients' })
  @ApiConflictResponse({ description: 'The round is closed' })
  @ApiTooManyRequestsResponse({ description: 'More than UPLOAD_RATE_LIMIT uploads a minute' })
  submit(
    @Param('id', parseId()) id: number,
    @Body() body: SubmitResponseDto,
    @UploadedFiles() files: UploadedFile[] | undefined,
    @CurrentActor() actor: Actor,
    @Headers('idempotency-key') key?: string,
  ): Promise<ResponseDto> {
    return this.responses.submitAsUser(id, body, files ?? [], actor, parseIdempotencyKey(key));
  }

  @Get('responses')
  @Roles(...ROUND_READERS, 'respondent')
  @ApiOkResponse({ type: ResponseListDto, description: 'The answer that counts per recipient' })
  async list(
    @Param('id', parseId()) id: number,
    @Query() query: ResponseQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<ResponseListDto> {
    return { items: await this.queries.listForRound(id, actor, query.history ?? false) };
  }

  @Get('compilation.docx')
  @Roles(...ROUND_READERS)
  @ApiProduces(DOCX_TYPE)
  @ApiOkResponse({ description: 'The compilation (remissammanställning) as it stands now' })
  async compilation(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    const { bytes, fileName } = await this.compilations.build(id, actor);
    return fileResponse({
      stream: Readable.from([bytes]),
      fileName,
      mimeType: DOCX_TYPE,
      size: bytes.length,
    });
  }

  @Post('compilation')
  @Roles('registrar', 'admin')
  @ApiCreatedResponse({ type: DocumentDto, description: 'Registered as an internal document' })
  registerCompilation(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<DocumentDto> {
    return this.compilations.register(id, actor);
  }

  @Get('sections')
  @Roles(...ROUND_READERS)
  @ApiOkResponse({ type: SectionListDto, description: 'Each section with every comment on it' })
  sections(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<SectionListDto> {
    return this.queries.sections(id, actor);
  }
}
