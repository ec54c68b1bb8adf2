import { Body, Controller, Get, Headers, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import { parseId } from '../common/parse-id.pipe.js';
import type { Actor } from '../common/actor.js';
import { parseIfMatch } from '../common/if-match.js';
import {
  CreateOrganisationDto,
  OrganisationDto,
  OrganisationPageDto,
  OrganisationPageQueryDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

const EVERY_ROLE = ['admin', 'registrar', 'clerk', 'respondent', 'reader'] as const;

@ApiTags('organisations')
@ApiBearerAuth()
@Controller('api/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: OrganisationDto })
  @ApiConflictResponse({ description: 'The name or series code is taken' })
  create(
    @Body() body: CreateOrganisationDto,
    @CurrentActor() actor: Actor,
  ): Promise<OrganisationDto> {
    return this.organisations.create(body, actor);
  }

  @Get()
  @Roles(...EVERY_ROLE)
  @ApiOkResponse({ type: OrganisationPageDto })
  list(@Query() query: OrganisationPageQueryDto): Promise<OrganisationPageDto> {
    return this.organisations.list(query);
  }

  @Get(':id')
  @Roles(...EVERY_ROLE)
  @ApiOkResponse({ type: OrganisationDto })
  get(@Param('id', parseId()) id: number): Promise<OrganisationDto> {
    return this.organisations.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version last read, e.g. "3"' })
  @ApiOkResponse({ type: OrganisationDto })
  @ApiConflictResponse({ description: 'Name or series code taken, or the version has moved on' })
  update(
    @Param('id', parseId()) id: number,
    @Body() body: UpdateOrganisationDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch?: string,
  ): Promise<OrganisationDto> {
    return this.organisations.update(id, body, actor, parseIfMatch(ifMatch));
  }
}
