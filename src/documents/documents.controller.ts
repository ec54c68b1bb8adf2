import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiTooManyRequestsResponse,
  ApiProduces,
  ApiTags,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import { UploadThrottlerGuard } from '../auth/upload-throttler.guard.js';
import { CASE_READERS } from '../cases/cases.controller.js';
import type { Actor } from '../common/actor.js';
import { parseId } from '../common/parse-id.pipe.js';
import { AuditPageDto } from '../audit/dto/audit-event.dto.js';
import { PageQueryDto } from '../common/pagination.js';
import { CaseHistoryService } from './case-history.service.js';
import { DiscardUploadInterceptor } from './discard-upload.interceptor.js';
import { fileResponse } from './file-response.js';
import { DocumentsService, type UploadedFile as UploadedFileData } from './documents.service.js';
import {
  DocumentDto,
  DocumentListDto,
  DocumentPageDto,
  DocumentQueryDto,
  RegisterDocumentDto,
  RegisterDocumentFormDto,
} from './dto/document.dto.js';

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/cases/:caseId/documents')
export class CaseDocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post()
  @Roles('registrar', 'clerk', 'admin')
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FileInterceptor('file'), DiscardUploadInterceptor)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: RegisterDocumentFormDto })
  @ApiCreatedResponse({ type: DocumentDto })
  @ApiPayloadTooLargeResponse({ description: 'The file is larger than UPLOAD_MAX_MB' })
  @ApiTooManyRequestsResponse({ description: 'More than UPLOAD_RATE_LIMIT uploads a minute' })
  @ApiUnsupportedMediaTypeResponse({
    description: 'Not on the allow-list, or bytes contradict the name',
  })
  register(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Body() body: RegisterDocumentDto,
    @UploadedFile() file: UploadedFileData | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<DocumentDto> {
    return this.documents.register(caseId, body, file, actor);
  }

  @Get()
  @Roles(...CASE_READERS)
  @ApiOkResponse({ type: DocumentListDto })
  async list(
    @Param('caseId', parseId('caseId')) caseId: number,
    @CurrentActor() actor: Actor,
  ): Promise<DocumentListDto> {
    return { items: await this.documents.listForCase(caseId, actor) };
  }
}

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get()
  @Roles(...CASE_READERS)
  @ApiOkResponse({ type: DocumentPageDto, description: 'The register (diarium), oldest first' })
  list(@Query() query: DocumentQueryDto, @CurrentActor() actor: Actor): Promise<DocumentPageDto> {
    return this.documents.list(query, actor);
  }

  @Get(':id')
  @Roles(...CASE_READERS)
  @ApiOkResponse({ type: DocumentDto })
  get(@Param('id', parseId()) id: number, @CurrentActor() actor: Actor): Promise<DocumentDto> {
    return this.documents.get(id, actor);
  }

  @Get(':id/content')
  @Roles(...CASE_READERS)
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file, byte for byte' })
  @ApiForbiddenResponse({ description: 'Confidential, and the user may not read it' })
  async content(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.documents.content(id, actor));
  }
}

@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/cases/:caseId/history')
export class CaseHistoryController {
  constructor(private readonly history: CaseHistoryService) {}

  /** What happened to the case and its documents, newest first: the audit rows, redacted. */
  @Get()
  @Roles(...CASE_READERS)
  @ApiOkResponse({ type: AuditPageDto })
  list(
    @Param('caseId', parseId('caseId')) caseId: number,
    @Query() query: PageQueryDto,
    @CurrentActor() actor: Actor,
  ): Promise<AuditPageDto> {
    return this.history.history(caseId, query, actor);
  }
}
