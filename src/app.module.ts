import { ArchivePagesModule } from './web/archive-pages.module.js';
import { ArchiveModule } from './archive/archive.module.js';
import { DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { CasesModule } from './cases/cases.module.js';
import type { AppConfig } from './config/env.schema.js';
import { coreImports } from './core-imports.js';
import type { DatabaseEngine } from './database/data-source-options.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DocumentsModule } from './documents/documents.module.js';
import { HealthModule } from './health/health.module.js';
import { OutboxAdminModule } from './mail/outbox-admin.module.js';
import { MeetingsModule } from './meetings/meetings.module.js';
import { OrganisationsModule } from './organisations/organisations.module.js';
import { ReferralRoundsModule } from './referral-rounds/referral-rounds.module.js';
import { ResponsesModule } from './responses/responses.module.js';
import { SecurityLogModule } from './security-log/security-log.module.js';
import { UsersModule } from './users/users.module.js';
import { DeskPagesModule } from './web/desk-pages.module.js';
import { CasePagesModule } from './web/case-pages.module.js';
import { MeetingPagesModule } from './web/meeting-pages.module.js';
import { RoundPagesModule } from './web/round-pages.module.js';
import { AdminPagesModule } from './web/admin-pages.module.js';
import { InboxPagesModule } from './web/inbox-pages.module.js';
import { WebModule } from './web/web.module.js';
import { PROCESSOR_MODULES } from './worker.module.js';

/** The HTTP application (`api` role; with the queue processors as well in the `all` role). */
@Module({})
export class AppModule {
  static register(config: AppConfig, engine: DatabaseEngine): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...coreImports(config, engine),
        SecurityLogModule,
        AuthModule,
        UsersModule,
        OrganisationsModule,
        CasesModule,
        DocumentsModule,
        ReferralRoundsModule,
        DeadlinesModule,
        ResponsesModule,
        MeetingsModule,
        HealthModule,
        ArchiveModule,
        OutboxAdminModule,
        WebModule,
        DeskPagesModule,
        CasePagesModule,
        RoundPagesModule,
        AdminPagesModule,
        MeetingPagesModule,
        InboxPagesModule,
        ArchivePagesModule,
        ...(config.appRole === 'all' ? PROCESSOR_MODULES : []),
      ],
    };
  }
}
