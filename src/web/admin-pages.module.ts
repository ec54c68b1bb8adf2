import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module.js';
import { AdminAuditPagesController } from './admin-audit-pages.controller.js';
import { AdminOrganisationPagesController } from './admin-organisation-pages.controller.js';
import { AdminUserPagesController } from './admin-user-pages.controller.js';
import { WebModule } from './web.module.js';

/** Administration: the directory, the users and the audit log (admin only). */
@Module({
  imports: [WebModule, OrganisationsModule],
  controllers: [
    AdminOrganisationPagesController,
    AdminUserPagesController,
    AdminAuditPagesController,
  ],
})
export class AdminPagesModule {}
