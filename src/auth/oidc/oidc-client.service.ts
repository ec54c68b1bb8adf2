import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createHash, randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig, OidcSettings } from '../../config/env.schema.js';
import { REDIS_CLIENT } from '../../queue/redis-client.js';

/** Where the provider stands as far as this process knows. */
export interface OidcStatus {
  state: 'disabled' | 'ready' | 'unavailable';
  /** The last discovery error while unavailable. */
  lastError: string | null;
  checkedAt: string | null;
}

/** What a sign-in started at `/login/oidc` keeps server-side until the provider sends the user back. */
interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** A person the provider has vouched for: the checked ID token's claims, with userinfo's. */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  claims: Record<string, unknown>;
  idToken: string;
}

/** A sign-in started this long ago is no longer accepted back. */
export const PENDING_SIGN_IN_MS = 10 * 60_000;
/** After a failed discovery, the next attempt waits this long (requests meanwhile see `unavailable`). */
const RETRY_AFTER_MS = 15_000;
const DISCOVERY_TIMEOUT_SECONDS = 5;

/** Thrown when the provider's answer fails a check; its message is for the logs only. */
export class OidcRefusal extends Error {}

/**
 * The client side of single sign-on (authorization code with PKCE, state and nonce) through
 * openid-client. Discovery is lazy and retried, so Remiss starts and serves password sign-in
 * while the provider is unreachable; {@link status} says how it stands.
 */
@Injectable()
export class OidcClientService implements OnApplicationBootstrap {
  private readonly logger = new Logger(OidcClientService.name);
  private configuration: client.Configuration | null = null;
  private discovering: Promise<client.Configuration | null> | null = null;
  private lastError: string | null = null;
  private lastAttemptAt: number | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  get settings(): OidcSettings | null {
    return this.config.oidc;
  }

  onApplicationBootstrap(): void {
    // Not awaited: an unreachable provider must not hold up the start.
    if (this.config.oidc) void this.discovered();
  }

  status(): OidcStatus {
    if (!this.config.oidc) return { state: 'disabled', lastError: null, checkedAt: null };
    return {
      state: this.configuration ? 'ready' : 'unavailable',
      lastError: this.configuration ? null : (this.lastError ?? 'not yet discovered'),
      checkedAt: this.lastAttemptAt === null ? null : new Date(this.lastAttemptAt).toISOString(),
    };
  }

  /** The provider's configuration, discovering it now if due; null while it is unreachable. */
  async discovered(): Promise<client.Configuration | null> {
    const settings = this.config.oidc;
    if (!settings) return null;
    if (this.configuration) return this.configuration;
    if (this.discovering) return this.discovering;
    if (this.lastAttemptAt !== null && Date.now() - this.lastAttemptAt < RETRY_AFTER_MS) {
      return null;
    }
    this.discovering = this.discover(settings).finally(() => {
      this.discovering = null;
    });
    return this.discovering;
  }

  private async discover(settings: OidcSettings): Promise<client.Configuration | null> {
    this.lastAttemptAt = Date.now();
    try {
      // Plain http only for a test provider on this machine, never in production.
      const insecure = settings.issuer.protocol === 'http:' && this.config.nodeEnv !== 'production';
      this.configuration = await client.discovery(
        settings.issuer,
        settings.clientId,
        // client_secret_post, openid-client's default for a secret.
        settings.clientSecret,
        undefined,
        {
          timeout: DISCOVERY_TIMEOUT_SECONDS,
          ...(insecure ? { execute: [client.allowInsecureRequests] } : {}),
        },
      );
      // Check the ID token's signature against the provider's keys even though it came straight
      // from the token endpoint: without this openid-client relies on TLS alone.
      client.enableNonRepudiationChecks(this.configuration);
      this.lastError = null;
      this.logger.log(`OpenID provider ${settings.issuer.href} discovered`);
    } catch (error) {
      this.lastError = describe(error);
      this.logger.warn(`OpenID provider ${settings.issuer.href} unavailable: ${this.lastError}`);
    }
    return this.configuration;
  }

  /** The server metadata once discovered (issuer, jwks_uri, algorithms, end_session_endpoint). */
  metadata(): client.ServerMetadata | null {
    return this.configuration?.serverMetadata() ?? null;
  }

  /**
   * Starts a sign-in: keeps state, nonce and the PKCE verifier in Redis under a random id (the
   * cookie value) and returns the provider's authorization URL. Null when it is unreachable.
   */
  async start(): Promise<{ flowId: string; url: URL } | null> {
    const configuration = await this.discovered();
    const settings = this.config.oidc;
    if (!configuration || !settings) return null;
    const pending: PendingSignIn = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
    };
    const flowId = randomBytes(32).toString('base64url');
    await this.redis.set(this.flowKey(flowId), JSON.stringify(pending), 'PX', PENDING_SIGN_IN_MS);
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.callbackUrl().href,
      scope: settings.scopes.join(' '),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { flowId, url };
  }

  /**
   * Completes a sign-in at the callback: the pending sign-in is consumed (single use), then the
   * code is exchanged and the ID token checked (issuer, audience, expiry, signature against the
   * provider's keys, nonce; state and PKCE). Throws {@link OidcRefusal} on any failure.
   */
  async complete(flowId: string | undefined, query: string): Promise<OidcIdentity> {
    const configuration = await this.discovered();
    if (!configuration) throw new OidcRefusal('provider unavailable');
    const raw = flowId ? await this.redis.getdel(this.flowKey(flowId)) : null;
    if (!raw) throw new OidcRefusal('no pending sign-in (cookie missing, expired or used)');
    const pending = JSON.parse(raw) as PendingSignIn;
    const currentUrl = new URL(this.callbackUrl());
    currentUrl.search = query;
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw new OidcRefusal(describe(error));
    }
    const idClaims = tokens.claims();
    if (!idClaims || !tokens.id_token) throw new OidcRefusal('no ID token');
    let userInfo: Record<string, unknown> = {};
    if (configuration.serverMetadata().userinfo_endpoint && tokens.access_token) {
      try {
        userInfo = await client.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
      } catch (error) {
        // The ID token alone may carry everything (and the access token be for an API).
        this.logger.debug(`userinfo not read: ${describe(error)}`);
      }
    }
    return {
      issuer: idClaims.iss,
      subject: idClaims.sub,
      claims: { ...userInfo, ...idClaims },
      idToken: tokens.id_token,
    };
  }

  /** The provider's end-session URL for a session that came from it, or null when it has none. */
  endSessionUrl(idToken: string): URL | null {
    if (!this.configuration?.serverMetadata().end_session_endpoint) return null;
    return client.buildEndSessionUrl(this.configuration, {
      id_token_hint: idToken,
      post_logout_redirect_uri: new URL('/login', this.config.publicUrl).href,
    });
  }

  callbackUrl(): URL {
    return new URL('/login/oidc/callback', this.config.publicUrl);
  }

  private flowKey(flowId: string): string {
    const hash = createHash('sha256').update(flowId).digest('hex');
    return `${this.config.queuePrefix}:oidc:pending:${hash}`;
  }
}

function describe(error: unknown): string {
  // openid-client wraps the cause ("something went wrong" → "fetch failed" → ECONNREFUSED …).
  // Duck-typed: fetch's errors may come from another realm than this module's Error.
  const messages: string[] = [];
  let cause: unknown = error;
  while (typeof cause === 'object' && cause !== null && messages.length < 4) {
    const { message, code } = cause as { message?: unknown; code?: unknown };
    if (typeof message !== 'string') break;
    messages.push(typeof code === 'string' ? `${message} (${code})` : message);
    cause = (cause as { cause?: unknown }).cause;
  }
  return (messages.join(': ') || 'unknown error').slice(0, 300);
}
