import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/decorators.js';
import type { Actor } from '../common/actor.js';
import { AuditService } from './audit.service.js';
import { AuditPageDto, AuditQueryDto } from './dto/audit-event.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Roles('admin', 'reader')
  @ApiOkResponse({ type: AuditPageDto })
  list(@Query() query: AuditQueryDto, @CurrentActor() actor: Actor): Promise<AuditPageDto> {
    return this.audit.list(query, actor);
  }
}
