import { Module } from '@nestjs/common';
import { ArchiveModule } from '../archive/archive.module.js';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { ArchivePagesController } from './archive-pages.controller.js';
import { WebModule } from './web.module.js';

/** Arkivleverans: the archive export pages (registrar and admin). */
@Module({
  imports: [WebModule, ArchiveModule, OrganisationsModule],
  controllers: [ArchivePagesController],
})
export class ArchivePagesModule {}
