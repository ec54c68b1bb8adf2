import { Module } from '@nestjs/common';
import { MailQueue } from './mail-queue.js';
import { MailRenderer } from './mail-renderer.js';
import { OutboxHandlers } from './outbox-handlers.js';
import { OutboxService } from './outbox.service.js';

/** Writing mail: the outbox, the templates and the queue. Delivery is MailProcessorModule's. */
@Module({
  providers: [MailRenderer, MailQueue, OutboxService, OutboxHandlers],
  exports: [OutboxService, OutboxHandlers, MailQueue, MailRenderer],
})
export class MailModule {}
