import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { InvitationDelivery } from './invitation-delivery.js';
import { SecureLinks } from './secure-links.service.js';

/** The delivery hooks of round invitations, for processes that deliver mail; no HTTP. */
@Module({
  imports: [MailModule],
  providers: [InvitationDelivery, SecureLinks],
})
export class RoundDeliveryModule {}
