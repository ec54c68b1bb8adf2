import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { RoundMailDelivery } from './round-mail-delivery.js';
import { SecureLinks } from './secure-links.service.js';

/** The delivery hooks of round invitations, for processes that deliver mail; no HTTP. */
@Module({
  imports: [MailModule],
  providers: [RoundMailDelivery, SecureLinks],
})
export class RoundDeliveryModule {}
