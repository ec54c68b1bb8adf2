import { Injectable, Logger } from '@nestjs/common';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { Actor } from '../../common/actor.js';
import { OrganisationsService } from '../../organisations/organisations.service.js';
import { mapClaims } from './oidc-claims.js';
import { OidcClientService } from './oidc-client.service.js';

/** Signature algorithms an API access token may use: public-key ones only (never none or HS*). */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

/**
 * The algorithms to accept: those the provider advertises for its signatures that are
 * asymmetric, or (when it advertises none) RS256, the one every provider must support.
 */
export function acceptedAlgorithms(advertised: unknown): string[] {
  const list = Array.isArray(advertised) ? advertised.filter((a) => typeof a === 'string') : [];
  const accepted = list.filter((algorithm) => ASYMMETRIC_ALGORITHMS.includes(algorithm));
  return accepted.length > 0 ? accepted : ['RS256'];
}

/**
 * Checks the identity provider's access tokens presented to the API (OIDC_API_AUDIENCE): the
 * signature against the provider's JWKS (fetched again by jose when a new key id appears), the
 * issuer, the audience, the algorithm and the expiry. The caller becomes an actor without a user
 * id, with the roles and organisations its claims map to.
 */
@Injectable()
export class OidcAccessTokenVerifier {
  private readonly logger = new Logger(OidcAccessTokenVerifier.name);
  private jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

  constructor(
    private readonly oidc: OidcClientService,
    private readonly organisations: OrganisationsService,
  ) {}

  /** True when the API accepts the provider's tokens at all. */
  get enabled(): boolean {
    return Boolean(this.oidc.settings?.apiAudience);
  }

  /** The actor of a valid token, else null. */
  async actorOf(
    token: string,
    request: Pick<Actor, 'requestId' | 'clientRequestId'>,
  ): Promise<Actor | null> {
    const settings = this.oidc.settings;
    if (!settings?.apiAudience) return null;
    try {
      // A Remiss token (HS256) never goes to the provider's key set.
      const header = decodeProtectedHeader(token);
      if (!header.alg || !ASYMMETRIC_ALGORITHMS.includes(header.alg)) return null;
    } catch {
      return null;
    }
    if (!(await this.oidc.discovered())) return null;
    const metadata = this.oidc.metadata();
    if (!metadata?.jwks_uri) return null;
    this.jwks ??= createRemoteJWKSet(new URL(metadata.jwks_uri));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        issuer: metadata.issuer,
        audience: settings.apiAudience,
        algorithms: acceptedAlgorithms(metadata.id_token_signing_alg_values_supported),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      this.logger.debug(`provider access token refused: ${(error as Error).message}`);
      return null;
    }
    const mapped = mapClaims(payload, settings);
    const organisations = await this.organisations.findByKeys(mapped.organisationKeys);
    const caller =
      [payload.client_id, payload.azp, payload.sub].find((value) => typeof value === 'string') ??
      'unknown';
    return {
      userId: null,
      label: `oidc:${String(caller).slice(0, 200)}`,
      roles: mapped.roles,
      organisationIds: organisations.map((organisation) => organisation.id),
      requestId: request.requestId,
      clientRequestId: request.clientRequestId ?? null,
    };
  }
}
