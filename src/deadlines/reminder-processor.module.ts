import { Module } from '@nestjs/common';
import { ReminderSweepModule } from './reminder-sweep.module.js';
import { ReminderSweepProcessor } from './reminder-sweep.processor.js';

/** The scheduled reminder sweep (worker role). */
@Module({
  imports: [ReminderSweepModule],
  providers: [ReminderSweepProcessor],
})
export class ReminderProcessorModule {}
