import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { InvitationDelivery } from './invitation-delivery.js';

/** The delivery hooks of round invitations, for processes that deliver mail; no HTTP. */
@Module({
  imports: [MailModule],
  providers: [InvitationDelivery],
})
export class RoundDeliveryModule {}
