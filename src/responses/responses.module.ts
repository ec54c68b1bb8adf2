import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module.js';
import { uploadsModule } from '../documents/uploads.js';
import { MailModule } from '../mail/mail.module.js';
import { WordModule } from '../word/word.module.js';
import { ReferralRoundsModule } from '../referral-rounds/referral-rounds.module.js';
import { AnswerRegistrationService } from './answer-registration.service.js';
import { CompilationService } from './compilation.service.js';
import { InboxController } from './inbox.controller.js';
import { LinkResponsesController } from './link-responses.controller.js';
import { MemoService } from './memo.service.js';
import { ResponsePage } from './response-page.js';
import { ResponseQueriesService } from './response-queries.service.js';
import { MAX_ANSWER_FILES, ResponsesController } from './responses.controller.js';
import { ResponsesService } from './responses.service.js';

// remissvar: answers, the response page, the compilation
@Module({
  imports: [
    ReferralRoundsModule,
    DocumentsModule,
    MailModule,
    WordModule,
    // An answer's comments arrive as one form field each, or as one JSON field.
    uploadsModule({ files: MAX_ANSWER_FILES, fields: 600, fieldSize: 1024 * 1024 }),
  ],
  controllers: [ResponsesController, LinkResponsesController, InboxController],
  providers: [
    ResponsesService,
    AnswerRegistrationService,
    ResponseQueriesService,
    ResponsePage,
    CompilationService,
    MemoService,
  ],
  exports: [ResponsesService, ResponseQueriesService, CompilationService, MemoService],
})
export class ResponsesModule {}
