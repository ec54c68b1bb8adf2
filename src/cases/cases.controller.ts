import {
  Body,
  Controller,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import { compileDtoSerializer } from '../common/dto-json.js';
import type { Actor } from '../common/actor.js';
import { parseIfMatch } from '../common/if-match.js';
import { parseId } from '../common/parse-id.pipe.js';
import { CasesService } from './cases.service.js';
import {
  CaseDetailDto,
  CaseDto,
  CasePageDto,
  CaseQueryDto,
  CaseStatusChangeDto,
  CreateCaseDto,
  UpdateCaseDto,
} from './dto/case.dto.js';

/** Roles that read the register; respondents reach cases only through the rounds sent to them. */
export const CASE_READERS = ['admin', 'registrar', 'clerk', 'reader'] as const;

const serializeCasePage = compileDtoSerializer<CasePageDto>(CasePageDto);
@ApiTags('cases')
@ApiBearerAuth()
@Controller('api/cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @Roles('registrar', 'admin')
  @ApiCreatedResponse({ type: CaseDto })
  @ApiBadRequestResponse({
    description: 'A field is invalid, or the organisation has no seriesCode',
  })
  create(@Body() body: CreateCaseDto, @CurrentActor() actor: Actor): Promise<CaseDto> {
    return this.cases.create(body, actor);
  }

  @Get()
  @Roles(...CASE_READERS)
  @ApiOkResponse({ type: CasePageDto })
  @Header('Content-Type', 'application/json; charset=utf-8')
  async list(@Query() query: CaseQueryDto, @CurrentActor() actor: Actor): Promise<string> {
    // The register's hottest read: serialised by a schema compiled from CasePageDto.
    return serializeCasePage(await this.cases.list(query, actor));
  }

  @Get(':id')
  @Roles(...CASE_READERS)
  @ApiOkResponse({
    type: CaseDetailDto,
    description: 'With the cases on the other side of its remisses',
  })
  @ApiNotFoundResponse()
  get(@Param('id', parseId()) id: number, @CurrentActor() actor: Actor): Promise<CaseDetailDto> {
    return this.cases.get(id, actor);
  }

  @Patch(':id')
  @Roles('registrar', 'admin')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last read, e.g. "3"' })
  @ApiOkResponse({ type: CaseDto })
  update(
    @Param('id', parseId()) id: number,
    @Body() body: UpdateCaseDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CaseDto> {
    return this.cases.update(id, body, actor, parseIfMatch(ifMatch));
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: CaseDto })
  close(
    @Param('id', parseId()) id: number,
    @Body() body: CaseStatusChangeDto,
    @CurrentActor() actor: Actor,
  ): Promise<CaseDto> {
    return this.cases.setStatus(id, 'closed', body.reason, actor);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Roles('registrar', 'admin')
  @ApiOkResponse({ type: CaseDto })
  reopen(
    @Param('id', parseId()) id: number,
    @Body() body: CaseStatusChangeDto,
    @CurrentActor() actor: Actor,
  ): Promise<CaseDto> {
    return this.cases.setStatus(id, 'open', body.reason, actor);
  }
}
