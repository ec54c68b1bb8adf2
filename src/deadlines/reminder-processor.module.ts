import { Module } from '@nestjs/common';
import { SecurityLogRetentionModule } from '../security-log/security-log-retention.js';
import { ReminderSweepModule } from './reminder-sweep.module.js';
import { ReminderSweepProcessor } from './reminder-sweep.processor.js';

/** The scheduled reminder sweep and security log retention (worker role). */
@Module({
  imports: [ReminderSweepModule, SecurityLogRetentionModule],
  providers: [ReminderSweepProcessor],
})
export class ReminderProcessorModule {}
