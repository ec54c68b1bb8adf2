import { Module } from '@nestjs/common';
import { OutboxAdminController } from './outbox-admin.controller.js';
import { OutboxReportService } from './outbox-report.service.js';

/** The outbox as operators see it (api role). */
@Module({
  controllers: [OutboxAdminController],
  providers: [OutboxReportService],
})
export class OutboxAdminModule {}
