import { Module } from '@nestjs/common';
import { StorageModule } from '../documents/storage/storage.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { MailModule } from '../mail/mail.module.js';
import { WordModule } from '../word/word.module.js';
import { ConsulteeCases } from './consultee-cases.service.js';
import { RespondController } from './respond.controller.js';
import { RespondService } from './respond.service.js';
import { RoundDeskService } from './round-desk.service.js';
import { RoundDispatchService } from './round-dispatch.service.js';
import { RoundQueriesService } from './round-queries.service.js';
import {
  CaseRoundsController,
  RecipientsController,
  RoundsController,
} from './rounds.controller.js';
import { RoundsService } from './rounds.service.js';
import { SecureLinks } from './secure-links.service.js';

// remissrundor: preparing, sending, following up, and the secure links
@Module({
  imports: [MailModule, StorageModule, MeetingsModule, CasesModule, DocumentsModule, WordModule],
  controllers: [CaseRoundsController, RoundsController, RecipientsController, RespondController],
  providers: [
    RoundsService,
    RoundQueriesService,
    RoundDispatchService,
    RespondService,
    SecureLinks,
    ConsulteeCases,
    RoundDeskService,
  ],
  exports: [
    RoundDeskService,
    RoundsService,
    RoundQueriesService,
    RoundDispatchService,
    RespondService,
    SecureLinks,
  ],
})
export class ReferralRoundsModule {}
