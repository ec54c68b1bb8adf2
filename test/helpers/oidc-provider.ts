// A real OpenID Connect provider for the single sign-on tests: oidc-provider v9 on 127.0.0.1 over
// plain http, with one confidential test client (authorization code + PKCE, client credentials),
// test users whose claims can change between sign-ins, JWT access tokens for the API audience, an
// end-session endpoint and signing-key rotation. It stands in for the municipality's IdP.
//
// Signing in at the provider (the login page is this file's own, in Swedish, no JavaScript):
//   The app's `/login/oidc` redirects the browser to `<issuer>/auth?…`, which redirects to
//   `<issuer>/interaction/<uid>`: a page with the heading "Logga in hos testleverantören", a text
//   field labelled "Användarnamn" (the account id given to `setUser`), a password field labelled
//   "Lösenord" (any value; it must not be empty) and the buttons "Logga in" and "Avbryt". With
//   Playwright:
//     await page.getByLabel('Användarnamn').fill('anna');
//     await page.getByLabel('Lösenord').fill('vad-som-helst');
//     await page.getByRole('button', { name: 'Logga in' }).click();
//   There is no consent step: every client is first-party, so the browser goes straight back to
//   `<PUBLIC_URL>/login/oidc/callback?code=…&state=…&iss=…`. An unknown account id shows the form
//   again with the alert "Okänt användarnamn" (role "alert"); "Avbryt" returns to the app with
//   `error=access_denied`. While the provider's session lives (same browser context) a second
//   sign-in does not show the form at all.
// Signing out at the provider: the app redirects to `<issuer>/session/end?…` (end_session_endpoint
//   in discovery), a page with the heading "Vill du logga ut från testleverantören?" and the buttons
//   "Ja, logga ut" and "Nej, förbli inloggad":
//     await page.getByRole('button', { name: 'Ja, logga ut' }).click();
//   then the browser lands on the `post_logout_redirect_uri` the app sent (it must be one of
//   `postLogoutRedirectUris`), or, without one, on a page headed "Du är utloggad".
//   `idp.logouts` counts the sessions ended there; `idp.logins` lists the accounts that signed in.
// Without a browser: `signInAtIdp(authorizationUrl, 'anna')` below drives the same pages with fetch.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type OidcContext, type OidcToken } from 'oidc-provider';

/** A private RSA signing key as a JWK (with `kid`, `alg: RS256`, `use: sig`). */
export interface SigningJwk {
  kid: string;
  kty: 'RSA';
  alg: 'RS256';
  use: 'sig';
  [member: string]: unknown;
}

export interface TestIdpOptions {
  /** Where the test client may return after sign-in (`<PUBLIC_URL>/login/oidc/callback`). */
  redirectUris: string[];
  /** Where the test client may return after sign-out at the end-session endpoint. */
  postLogoutRedirectUris: string[];
  /** Default `remiss-test`. */
  clientId?: string;
  /** Default `remiss-test-secret`. */
  clientSecret?: string;
  /**
   * How the client authenticates at the token endpoint. Default `client_secret_post`, which is
   * what openid-client v6 uses when given a client secret and no ClientAuth of its own
   * (`client.ClientSecretBasic(secret)` needs `client_secret_basic` here).
   */
  tokenEndpointAuthMethod?: 'client_secret_post' | 'client_secret_basic';
  /** The audience (resource indicator) of API access tokens by default. Default `api://remiss`. */
  apiAudience?: string;
  /** The roles claim of the client's client-credentials tokens. Default none. */
  apiClientRoles?: string[];
  /** Further clients for the client-credentials grant only: client id → roles. Same secret. */
  extraApiClients?: Record<string, string[]>;
  /** Name of the roles claim in ID tokens and access tokens. Default `roles`. */
  rolesClaim?: string;
  /** Name of the organisation claim in ID tokens. Default `organisation`. */
  organisationClaim?: string;
  /** Further claim names released in the ID token (with the `openid` scope). */
  extraClaims?: string[];
  /** Port to listen on (127.0.0.1). Default a free one. */
  port?: number;
  /**
   * The issuer URL when the provider is reached through a proxy (see oidc-tamper.ts); the proxy
   * must keep the Host header so that discovery names the proxy's endpoints. Default `url`.
   */
  issuer?: string;
}

export interface TestIdp {
  /** The issuer identifier: OIDC_ISSUER for the app (discovery at `<issuer>/.well-known/…`). */
  readonly issuer: string;
  /** Where the provider itself listens (equals `issuer` unless it sits behind a proxy). */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly apiAudience: string;
  readonly rolesClaim: string;
  readonly organisationClaim: string;
  /** Account ids in the order they signed in at the login form. */
  readonly logins: string[];
  /** How many provider sessions were ended at the end-session endpoint. */
  readonly logouts: number;
  /**
   * Adds or replaces a user. `claims` are what the provider releases for that account (`email`,
   * `name`, the roles claim as an array, the organisation claim …); `sub` is the account id. Takes
   * effect at the next sign-in.
   */
  setUser(sub: string, claims: Record<string, unknown>): void;
  /** Removes a user: the login form then refuses the account id. */
  removeUser(sub: string): void;
  /** Changes the roles carried by a client's client-credentials tokens. */
  setClientRoles(clientId: string, roles: string[]): void;
  /**
   * A real JWT access token (`typ: at+jwt`, RS256) issued by the provider's token endpoint with the
   * client-credentials grant: `iss` the issuer, `aud` the audience (default `apiAudience`), `sub`
   * and `client_id` the client, and the roles claim of the client.
   */
  clientCredentialsToken(options?: {
    audience?: string;
    clientId?: string;
    scope?: string;
  }): Promise<string>;
  /**
   * Adds a new signing key and signs with it from now on; the old keys stay in the JWKS. The
   * provider's sessions and grants survive. Returns the new key's `kid`.
   */
  rotateKeys(): string;
  /** The private key the provider signs with now (for forging tokens with the genuine key). */
  signingKey(): SigningJwk;
  /** The key ids in the provider's JWKS, newest first. */
  keyIds(): string[];
  stop(): Promise<void>;
}

function newSigningKey(): SigningJwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    ...(privateKey.export({ format: 'jwk' }) as Record<string, unknown>),
    kty: 'RSA',
    kid: randomBytes(8).toString('hex'),
    alg: 'RS256',
    use: 'sig',
  };
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (character) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[character]!,
  );
}

function page(title: string, body: string): string {
  return (
    `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>${escapeHtml(title)}` +
    `</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>` +
    `<body><main>${body}</main></body></html>`
  );
}

function loginPage(uid: string, error?: string, login = ''): string {
  const alert = error ? `<p role="alert">${escapeHtml(error)}</p>` : '';
  return page(
    'Logga in – testleverantören',
    `<h1>Logga in hos testleverantören</h1>${alert}` +
      `<form method="post" action="/interaction/${escapeHtml(uid)}/login">` +
      `<p><label for="login">Användarnamn</label> <input id="login" name="login" type="text" ` +
      `required autocomplete="username" value="${escapeHtml(login)}"></p>` +
      `<p><label for="password">Lösenord</label> <input id="password" name="password" ` +
      `type="password" required autocomplete="current-password"></p>` +
      `<p><button type="submit">Logga in</button></p></form>` +
      `<form method="post" action="/interaction/${escapeHtml(uid)}/abort">` +
      `<p><button type="submit">Avbryt</button></p></form>`,
  );
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** Starts the provider on 127.0.0.1 (plain http). Stop it with `stop()`. */
export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  const clientId = options.clientId ?? 'remiss-test';
  const clientSecret = options.clientSecret ?? 'remiss-test-secret';
  const authMethod = options.tokenEndpointAuthMethod ?? 'client_secret_post';
  const apiAudience = options.apiAudience ?? 'api://remiss';
  const rolesClaim = options.rolesClaim ?? 'roles';
  const organisationClaim = options.organisationClaim ?? 'organisation';
  const users = new Map<string, Record<string, unknown>>();
  const clientRoles = new Map<string, string[]>([
    [clientId, options.apiClientRoles ?? []],
    ...Object.entries(options.extraApiClients ?? {}),
  ]);
  const keys: SigningJwk[] = [newSigningKey()];
  const cookieKeys = [randomBytes(32).toString('hex')];
  const logins: string[] = [];
  let logouts = 0;

  let handle: (request: IncomingMessage, response: ServerResponse) => void = (_, response) => {
    response.statusCode = 503;
    response.end();
  };
  const server: Server = createServer((request, response) => handle(request, response));
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = options.issuer ?? url;

  const clients = [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: options.redirectUris,
      post_logout_redirect_uris: options.postLogoutRedirectUris,
      grant_types: ['authorization_code', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
    },
    ...Object.keys(options.extraApiClients ?? {}).map((id) => ({
      client_id: id,
      client_secret: clientSecret,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: authMethod,
    })),
  ];

  const configuration = (): Record<string, unknown> => ({
    clients,
    // The newest key comes first and signs; the older ones stay published for verification.
    jwks: { keys: [...keys] },
    cookies: { keys: cookieKeys },
    claims: {
      openid: ['sub', rolesClaim, organisationClaim, ...(options.extraClaims ?? [])],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
    },
    // Release the scopes' claims in the ID token itself, not only at the userinfo endpoint.
    conformIdTokenClaims: false,
    findAccount: (_context: unknown, sub: string) => {
      const claims = users.get(sub);
      if (!claims) return undefined;
      return { accountId: sub, claims: () => ({ ...claims, sub }) };
    },
    // Every client is first-party: the grant covers whatever OpenID scopes were asked for, so
    // there is no consent page.
    loadExistingGrant: async (context: OidcContext) => {
      const { oidc } = context;
      const grant = new oidc.provider.Grant({
        clientId: oidc.client!.clientId,
        accountId: oidc.session.accountId!,
      });
      grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
      await grant.save();
      return grant;
    },
    pkce: { required: () => true },
    clientBasedCORS: () => false,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (context: OidcContext, form: string) => {
          context.type = 'html';
          context.body = page(
            'Logga ut – testleverantören',
            `<h1>Vill du logga ut från testleverantören?</h1>${form}` +
              '<p><button type="submit" form="op.logoutForm" name="logout" value="yes">' +
              'Ja, logga ut</button> <button type="submit" form="op.logoutForm">' +
              'Nej, förbli inloggad</button></p>',
          );
        },
        postLogoutSuccessSource: (context: OidcContext) => {
          context.type = 'html';
          context.body = page('Utloggad – testleverantören', '<h1>Du är utloggad</h1>');
        },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_context: unknown, _client: unknown, oneOf?: string) => oneOf,
        useGrantedResource: () => false,
        // Any resource indicator is an API whose access tokens are RS256 JWTs for that audience.
        getResourceServerInfo: (_context: unknown, resource: string) => ({
          scope: 'api',
          audience: resource,
          accessTokenTTL: 10 * 60,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    extraTokenClaims: (_context: unknown, token: OidcToken) =>
      token.kind === 'ClientCredentials' && token.clientId
        ? { [rolesClaim]: clientRoles.get(token.clientId) ?? [] }
        : undefined,
    renderError: (context: OidcContext, out: { error: string; error_description?: string }) => {
      context.type = 'html';
      context.body = page(
        'Fel – testleverantören',
        `<h1>Något gick fel</h1><p id="error">${escapeHtml(out.error)}</p>` +
          `<p id="error-description">${escapeHtml(out.error_description ?? '')}</p>`,
      );
    },
    ttl: {
      AccessToken: 10 * 60,
      AuthorizationCode: 60,
      ClientCredentials: 10 * 60,
      IdToken: 60 * 60,
      Interaction: 10 * 60,
      Session: 60 * 60,
      Grant: 60 * 60,
    },
  });

  let provider: Provider;
  let providerCallback: (request: IncomingMessage, response: ServerResponse) => void;
  const build = () => {
    // The in-memory adapter is what a test wants; its warning would only clutter the output.
    const warn = console.warn;
    console.warn = (...parts: unknown[]) => {
      if (!String(parts[0]).includes('in-memory adapter')) warn(...parts);
    };
    try {
      provider = new Provider(issuer, configuration());
    } finally {
      console.warn = warn;
    }
    provider.on('end_session.success', () => (logouts += 1));
    provider.on('server_error', (_context, error) => console.error('test IdP error', error));
    providerCallback = provider.callback();
  };
  build();

  async function interaction(request: IncomingMessage, response: ServerResponse, path: string) {
    const [, , uid, action] = path.split('/');
    const details = await provider.interactionDetails(request, response);
    if (details.uid !== uid) throw new Error('interaction does not match its cookie');
    if (request.method === 'GET' && !action) {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(loginPage(uid));
      return;
    }
    if (request.method === 'POST' && action === 'login') {
      const form = await readForm(request);
      const login = form.get('login') ?? '';
      if (!users.has(login) || !form.get('password')) {
        response.statusCode = 400;
        response.setHeader('content-type', 'text/html; charset=utf-8');
        response.end(loginPage(uid, 'Okänt användarnamn', login));
        return;
      }
      logins.push(login);
      await provider.interactionFinished(
        request,
        response,
        { login: { accountId: login } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (request.method === 'POST' && action === 'abort') {
      await provider.interactionFinished(
        request,
        response,
        { error: 'access_denied', error_description: 'End-User aborted interaction' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    response.statusCode = 404;
    response.end();
  }

  handle = (request, response) => {
    const path = new URL(request.url ?? '/', url).pathname;
    if (!path.startsWith('/interaction/')) {
      providerCallback(request, response);
      return;
    }
    interaction(request, response, path).catch((error: unknown) => {
      if (response.headersSent) return void response.end();
      response.statusCode = 400;
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(page('Fel – testleverantören', `<h1>${escapeHtml(String(error))}</h1>`));
    });
  };

  async function clientCredentialsToken(
    tokenOptions: { audience?: string; clientId?: string; scope?: string } = {},
  ): Promise<string> {
    const id = tokenOptions.clientId ?? clientId;
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      resource: tokenOptions.audience ?? apiAudience,
    });
    if (tokenOptions.scope) body.set('scope', tokenOptions.scope);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (authMethod === 'client_secret_basic') {
      const encode = (value: string) => encodeURIComponent(value);
      headers.authorization =
        'Basic ' + Buffer.from(`${encode(id)}:${encode(clientSecret)}`).toString('base64');
    } else {
      body.set('client_id', id);
      body.set('client_secret', clientSecret);
    }
    // Straight to the provider, not through a proxy: the token is what the provider issues.
    const response = await fetch(`${url}/token`, { method: 'POST', headers, body });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200 || typeof json.access_token !== 'string') {
      throw new Error(
        `client credentials grant failed: ${response.status} ${JSON.stringify(json)}`,
      );
    }
    return json.access_token;
  }

  return {
    issuer,
    url,
    clientId,
    clientSecret,
    apiAudience,
    rolesClaim,
    organisationClaim,
    logins,
    get logouts() {
      return logouts;
    },
    setUser: (sub, claims) => void users.set(sub, { ...claims }),
    removeUser: (sub) => void users.delete(sub),
    setClientRoles: (id, roles) => void clientRoles.set(id, [...roles]),
    clientCredentialsToken,
    rotateKeys: () => {
      keys.unshift(newSigningKey());
      build();
      return keys[0].kid;
    },
    signingKey: () => ({ ...keys[0] }),
    keyIds: () => keys.map((key) => key.kid),
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((done, fail) =>
        server.close((error) => (error ? fail(error) : done())),
      );
    },
  };
}

/**
 * Moves `Date.now()` of this whole process (the app started in it, the provider, openid-client,
 * jose) `seconds` ahead until the returned function is called. For key rotation: openid-client
 * fetches the JWKS again for an unknown `kid` only when its copy is at least 60 s old (every 300 s
 * otherwise), jose's createRemoteJWKSet only 30 s after its last fetch (cooldownDuration).
 */
export function pretendTimePassed(seconds: number): () => void {
  const realNow = Date.now.bind(Date);
  const spy = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + seconds * 1000);
  return () => spy.mockRestore();
}

/** Cookies for one user agent at the provider, by name (paths and expiry are not tracked). */
export type IdpCookies = Map<string, string>;

function keepCookies(response: Response, cookies: IdpCookies): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';');
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    const expired = attributes.some((attribute) => {
      const [key, date] = attribute.trim().split('=');
      return key.toLowerCase() === 'expires' && Date.parse(date) <= Date.now();
    });
    if (expired || value === '') cookies.delete(name);
    else cookies.set(name, value);
  }
}

function cookieHeader(cookies: IdpCookies): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

/**
 * Signs `login` in at the provider without a browser: follows `authorizationUrl` (the Location the
 * app's `/login/oidc` answered with) through the provider's login form and returns the URL the
 * provider sends the browser back to (the app's callback with `code`, `state` and `iss`, or with
 * `error`). Pass the same `cookies` again to reuse the provider's session (no login form then).
 * Throws when the login form refuses the account.
 */
export async function signInAtIdp(
  authorizationUrl: string,
  login: string,
  cookies: IdpCookies = new Map(),
): Promise<string> {
  const origin = new URL(authorizationUrl).origin;
  let next = authorizationUrl;
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let step = 0; step < 10; step += 1) {
    const response = await fetch(next, {
      method,
      body,
      redirect: 'manual',
      headers: {
        cookie: cookieHeader(cookies),
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
    });
    keepCookies(response, cookies);
    const location = response.headers.get('location');
    if (location) {
      const target = new URL(location, next);
      if (target.origin !== origin) return target.href;
      [next, method, body] = [target.href, 'GET', undefined];
      continue;
    }
    const html = await response.text();
    const action = /action="(\/interaction\/[^"]+\/login)"/.exec(html)?.[1];
    if (response.status !== 200 || !action) {
      throw new Error(`sign-in at the IdP stopped at ${next}: ${response.status} ${html}`);
    }
    [next, method, body] = [
      new URL(action, origin).href,
      'POST',
      new URLSearchParams({ login, password: 'test' }),
    ];
  }
  throw new Error('sign-in at the IdP did not return to the app within 10 steps');
}

/**
 * Signs out at the provider without a browser: opens `endSessionUrl` (the Location the app's
 * logout answered with), confirms with "Ja, logga ut" and returns the URL the provider sends the
 * browser on to (the `post_logout_redirect_uri`, or its own "Du är utloggad" page).
 */
export async function signOutAtIdp(endSessionUrl: string, cookies: IdpCookies): Promise<string> {
  const question = await fetch(endSessionUrl, {
    redirect: 'manual',
    headers: { cookie: cookieHeader(cookies) },
  });
  keepCookies(question, cookies);
  const html = await question.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
  if (question.status !== 200 || !action || !xsrf) {
    throw new Error(`sign-out at the IdP stopped at ${endSessionUrl}: ${question.status} ${html}`);
  }
  let next = new URL(action, endSessionUrl).href;
  let response = await fetch(next, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookieHeader(cookies), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }),
  });
  keepCookies(response, cookies);
  // Without a post_logout_redirect_uri the provider redirects to its own success page.
  for (let step = 0; step < 5; step += 1) {
    const location = response.headers.get('location');
    if (!location) return next;
    const target = new URL(location, next);
    if (target.origin !== new URL(endSessionUrl).origin) return target.href;
    next = target.href;
    response = await fetch(next, {
      redirect: 'manual',
      headers: { cookie: cookieHeader(cookies) },
    });
    keepCookies(response, cookies);
  }
  throw new Error('sign-out at the IdP did not finish within 5 steps');
}
