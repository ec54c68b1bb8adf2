import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { SecurityEventPageDto, SecurityEventQueryDto } from './dto/security-event.dto.js';
import { SecurityLogService } from './security-log.service.js';

@ApiTags('security log')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/admin/security-events')
export class SecurityLogController {
  constructor(private readonly securityLog: SecurityLogService) {}

  @Get()
  @ApiOkResponse({
    type: SecurityEventPageDto,
    description: 'Failed logins, refused (403) and rate-limited (429) requests, newest first',
  })
  list(@Query() query: SecurityEventQueryDto): Promise<SecurityEventPageDto> {
    return this.securityLog.list(query);
  }
}
