import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { uploadsModule } from '../documents/uploads.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ReferralRoundsModule } from '../referral-rounds/referral-rounds.module.js';
import { MAX_ANSWER_FILES } from '../responses/responses.controller.js';
import { ResponsesModule } from '../responses/responses.module.js';
import { InboxPagesController } from './inbox-pages.controller.js';
import { WebModule } from './web.module.js';

/** The respondent's pages (Inkorg): the remisses to their organisations, and answering them. */
@Module({
  imports: [
    WebModule,
    DocumentsModule,
    OrganisationsModule,
    ReferralRoundsModule,
    ResponsesModule,
    // The same limits as the API's answer and the registrar's paper-answer form.
    uploadsModule({ files: MAX_ANSWER_FILES, fields: 600, fieldSize: 1024 * 1024 }),
  ],
  controllers: [InboxPagesController],
})
export class InboxPagesModule {}
