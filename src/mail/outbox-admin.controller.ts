import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/decorators.js';
import { OutboxReportDto } from './dto/outbox-report.dto.js';
import { OutboxReportService } from './outbox-report.service.js';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('api/admin/outbox')
export class OutboxAdminController {
  constructor(private readonly outbox: OutboxReportService) {}

  @Get()
  @Roles('admin')
  @ApiOkResponse({
    type: OutboxReportDto,
    description: 'Mails by state and age, and those pending for more than 15 minutes',
  })
  report(): Promise<OutboxReportDto> {
    return this.outbox.report();
  }
}
