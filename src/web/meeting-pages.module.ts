import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { MeetingsModule } from '../meetings/meetings.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { MeetingItemPagesController } from './meeting-item-pages.controller.js';
import { MeetingPagesController } from './meeting-pages.controller.js';
import { WebModule } from './web.module.js';

/** The clerk's pages for meetings (Sammanträden): meetings, paragraphs, extracts, dispatch. */
@Module({
  imports: [WebModule, MeetingsModule, CasesModule, OrganisationsModule],
  controllers: [MeetingPagesController, MeetingItemPagesController],
})
export class MeetingPagesModule {}
