import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import { fileResponse } from '../documents/file-response.js';
import type { Actor } from '../common/actor.js';
import { PageQueryDto } from '../common/pagination.js';
import { parseId } from '../common/parse-id.pipe.js';
import { ArchiveExportsService } from './archive-exports.service.js';
import {
  ArchiveExportDto,
  ArchiveExportListDto,
  CreateArchiveExportDto,
} from './dto/archive-export.dto.js';

@ApiTags('archive export')
@ApiBearerAuth()
@Controller('api/archive/exports')
@Roles('admin', 'registrar')
export class ArchiveController {
  constructor(private readonly exports: ArchiveExportsService) {}

  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({
    type: ArchiveExportDto,
    description: 'Queued; the package is built by a job',
  })
  @ApiConflictResponse({ description: 'A named case is open, or no closed case matches' })
  create(
    @Body() body: CreateArchiveExportDto,
    @CurrentActor() actor: Actor,
  ): Promise<ArchiveExportDto> {
    return this.exports.request(body, actor);
  }

  @Get()
  @ApiOkResponse({ type: ArchiveExportListDto, description: 'Earlier exports, newest first' })
  list(@Query() query: PageQueryDto): Promise<ArchiveExportListDto> {
    return this.exports.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: ArchiveExportDto })
  get(@Param('id', parseId()) id: number): Promise<ArchiveExportDto> {
    return this.exports.get(id);
  }

  @Get(':id/package')
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The E-ARK package as a zip' })
  @ApiForbiddenResponse({ description: 'A confidential case is in it and the caller is no admin' })
  @ApiConflictResponse({ description: 'Not ready, or failed' })
  async download(
    @Param('id', parseId()) id: number,
    @CurrentActor() actor: Actor,
  ): Promise<StreamableFile> {
    return fileResponse(await this.exports.download(id, actor));
  }
}
