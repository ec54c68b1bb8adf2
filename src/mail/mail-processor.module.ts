import { Module } from '@nestjs/common';
import { StorageModule } from '../documents/storage/storage.module.js';
import { RoundDeliveryModule } from '../referral-rounds/round-delivery.module.js';
import { MailRelay } from './mail-relay.js';
import { MailModule } from './mail.module.js';
import { MailProcessor } from './mail.processor.js';
import { MailTransport } from './mail-transport.js';

/**
 * Delivering mail (worker role): the relay from the outbox to the queue, and the processor that
 * sends. The modules with delivery hooks for their kinds of mail are imported so the hooks are
 * registered wherever mail is delivered.
 */
@Module({
  imports: [MailModule, StorageModule, RoundDeliveryModule],
  providers: [MailProcessor, MailRelay, MailTransport],
})
export class MailProcessorModule {}
