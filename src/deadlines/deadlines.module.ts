import { Module } from '@nestjs/common';
import { MailModule } from '../mail/mail.module.js';
import { DeadlinesController } from './deadlines.controller.js';
import { ExtensionsService } from './extensions.service.js';
import { ReminderSweepModule } from './reminder-sweep.module.js';
import { RemindersService } from './reminders.service.js';

// svarstider: anstånd, påminnelser
@Module({
  imports: [MailModule, ReminderSweepModule],
  controllers: [DeadlinesController],
  providers: [ExtensionsService, RemindersService],
  exports: [ExtensionsService, RemindersService],
})
export class DeadlinesModule {}
