import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { ClockModule } from './common/clock.module.js';
import { LoggerModule } from './common/logger.module.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/env.schema.js';
import { buildDataSourceOptions, DatabaseEngine } from './database/data-source-options.js';
import { HealthModule } from './health/health.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { QueueModule } from './queue/queue.module.js';
import { UsersModule } from './users/users.module.js';
import { PROCESSOR_MODULES } from './worker.module.js';

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

/** The HTTP application (`api` role; with the queue processors as well in the `all` role). */
@Module({})
export class AppModule {
  static register(config: AppConfig, engine: DatabaseEngine): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...coreImports(config, engine),
        AuthModule,
        UsersModule,
        OrganisationsModule,
        HealthModule,
        ...(config.appRole === 'all' ? PROCESSOR_MODULES : []),
      ],
    };
  }
}
