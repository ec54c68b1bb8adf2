import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { uploadsModule } from '../documents/uploads.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ReferralRoundsModule } from '../referral-rounds/referral-rounds.module.js';
import { CasePagesController } from './case-pages.controller.js';
import { WebModule } from './web.module.js';

/** The case register's pages (Ärenden). */
@Module({
  imports: [
    WebModule,
    AuditModule,
    CasesModule,
    DocumentsModule,
    MeetingsModule,
    OrganisationsModule,
    ReferralRoundsModule,
    uploadsModule({ files: 1, fields: 10, fieldSize: 64 * 1024 }),
  ],
  controllers: [CasePagesController],
})
export class CasePagesModule {}
