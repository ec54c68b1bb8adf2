import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { ReminderSweepService } from './reminder-sweep.service.js';

/** The reminder sweep, for the HTTP trigger and the scheduled job alike. */
@Module({
  imports: [MailModule],
  providers: [ReminderSweepService],
  exports: [ReminderSweepService],
})
export class ReminderSweepModule {}
