import { ArchiveProcessorModule } from './archive/archive.module.js';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { coreImports } from './core-imports.js';
import type { AppConfig } from './config/env.schema.js';
import type { DatabaseEngine } from './database/data-source-options.js';
import { ReminderProcessorModule } from './deadlines/reminder-processor.module.js';
import { MailProcessorModule } from './mail/mail-processor.module.js';

/**
 * The modules that consume queues. They are imported by WorkerModule (`worker` role) and by
 * AppModule in the `all` role, never in the `api` role, so an API process never takes jobs.
 */
export const PROCESSOR_MODULES: Type[] = [
  MailProcessorModule,
  ReminderProcessorModule,
  ArchiveProcessorModule,
];

/** The queue consumers without HTTP (`worker` role). */
@Module({})
export class WorkerModule {
  static register(config: AppConfig, engine: DatabaseEngine): DynamicModule {
    return {
      module: WorkerModule,
      imports: [...coreImports(config, engine), ...PROCESSOR_MODULES],
    };
  }
}
