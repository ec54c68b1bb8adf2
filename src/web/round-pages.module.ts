import { Module } from '@nestjs/common';
import { DeadlinesModule } from '../deadlines/deadlines.module.js';
import { uploadsModule } from '../documents/uploads.js';
import { ReferralRoundsModule } from '../referral-rounds/referral-rounds.module.js';
import { MAX_ANSWER_FILES } from '../responses/responses.controller.js';
import { ResponsesModule } from '../responses/responses.module.js';
import { RoundPagesController } from './round-pages.controller.js';
import { WebModule } from './web.module.js';

/** The staff pages for referral rounds: the follow-up list and one round with its actions. */
@Module({
  imports: [
    WebModule,
    ReferralRoundsModule,
    ResponsesModule,
    DeadlinesModule,
    uploadsModule({ files: MAX_ANSWER_FILES, fields: 600, fieldSize: 1024 * 1024 }),
  ],
  controllers: [RoundPagesController],
})
export class RoundPagesModule {}
