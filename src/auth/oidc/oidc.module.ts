import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../../organisations/organisations.module.js';
import { OidcAccessTokenVerifier } from './oidc-access-token.js';
import { OidcClientService } from './oidc-client.service.js';

/** Single sign-on through an OpenID provider: the web flow's client and the API token check. */
@Module({
  imports: [OrganisationsModule],
  providers: [OidcClientService, OidcAccessTokenVerifier],
  exports: [OidcClientService, OidcAccessTokenVerifier],
})
export class OidcModule {}
