import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ReferralRoundsModule } from '../referral-rounds/referral-rounds.module.js';
import { NewRoundController } from './new-round.controller.js';
import { StartController } from './start.controller.js';
import { WebModule } from './web.module.js';

/** The registrar's desk: the start page ("what needs doing") and opening a round on a case. */
@Module({
  imports: [WebModule, ReferralRoundsModule, CasesModule, DocumentsModule, OrganisationsModule],
  controllers: [StartController, NewRoundController],
})
export class DeskPagesModule {}
