import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { StorageModule } from '../documents/storage/storage.module.js';
import { MailModule } from '../mail/mail.module.js';
import { WordModule } from '../word/word.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ExtractDispatchService } from './extract-dispatch.service.js';
import { ExtractsService } from './extracts.service.js';
import { MeetingAccessService } from './meeting-access.service.js';
import { MeetingItemsService } from './meeting-items.service.js';
import { MeetingsController, ParagraphSequenceController } from './meetings.controller.js';
import { MeetingsService } from './meetings.service.js';

// sammanträden, paragrafer, justering, protokollsutdrag, expediering
@Module({
  imports: [OrganisationsModule, DocumentsModule, StorageModule, MailModule, WordModule],
  controllers: [MeetingsController, ParagraphSequenceController],
  providers: [
    MeetingsService,
    MeetingItemsService,
    ExtractsService,
    ExtractDispatchService,
    MeetingAccessService,
  ],
  exports: [
    ExtractsService,
    MeetingsService,
    MeetingItemsService,
    ExtractDispatchService,
    MeetingAccessService,
  ],
})
export class MeetingsModule {}
