import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module.js';
import { ClockModule } from './common/clock.module.js';
import { LoggerModule } from './common/logger.module.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/env.schema.js';
import { buildDataSourceOptions, type DatabaseEngine } from './database/data-source-options.js';
import { QueueModule } from './queue/queue.module.js';

/** The infrastructure every role needs: configuration, clock, logs, database, Redis. */
export function coreImports(config: AppConfig, engine: DatabaseEngine) {
  return [
    ConfigModule.forRoot(config),
    ClockModule,
    LoggerModule,
    TypeOrmModule.forRoot({
      ...buildDataSourceOptions(config, engine, config.appRole === 'worker' ? 5 : 10),
      autoLoadEntities: false,
    }),
    QueueModule,
    AuditModule,
  ];
}
