// The single sign-on test harness checks itself, without the app: the test provider
// (test/helpers/oidc-provider.ts) works with openid-client as the app will use it, and the tamper
// proxy's forgeries (test/helpers/oidc-tamper.ts) are each refused for the reason they were made.

import * as client from 'openid-client';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { describeInBrowser, launchBrowser, newPage } from './helpers/browser.js';
import {
  pretendTimePassed,
  signInAtIdp,
  signOutAtIdp,
  startTestIdp,
  type IdpCookies,
  type TestIdp,
} from './helpers/oidc-provider.js';
import {
  forgeJwt,
  OTHER_AUDIENCE,
  OTHER_ISSUER,
  startTamperedIdp,
  type Forgery,
  type TamperProxy,
} from './helpers/oidc-tamper.js';

// Nothing listens here: the helpers return the callback URL without opening it.
const APP = 'http://127.0.0.1:9';
const CALLBACK = `${APP}/login/oidc/callback`;
const SIGNED_OUT = `${APP}/login`;

describe('test OpenID provider and tamper proxy', () => {
  let idp: TestIdp;
  let proxy: TamperProxy;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ idp, proxy, stop } = await startTamperedIdp({
      redirectUris: [CALLBACK],
      postLogoutRedirectUris: [SIGNED_OUT],
      apiAudience: 'api://remiss',
      apiClientRoles: ['Remiss.Registrator'],
      extraApiClients: { 'remiss-reader-robot': ['Remiss.Lasare'] },
      organisationClaim: 'remiss_org',
    }));
    idp.setUser('anna', {
      email: 'anna@sigtuna.example',
      name: 'Anna Andersson',
      roles: ['Remiss.Registrator', 'Ovrigt.Annat'],
      remiss_org: 'KS',
    });
  });

  afterAll(() => stop());

  /** openid-client's configuration from discovery, as the app will make it (plain http). */
  function discover(nonRepudiation = true): Promise<client.Configuration> {
    return client.discovery(new URL(idp.issuer), idp.clientId, idp.clientSecret, undefined, {
      execute: nonRepudiation
        ? [client.allowInsecureRequests, client.enableNonRepudiationChecks]
        : [client.allowInsecureRequests],
    });
  }

  /** One sign-in up to the provider's redirect back to the app, with PKCE, state and nonce. */
  async function signIn(config: client.Configuration, login = 'anna', cookies?: IdpCookies) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = new URL(await signInAtIdp(authorizationUrl.href, login, cookies));
    const exchange = () =>
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
      });
    return { callback, state, nonce, verifier, exchange };
  }

  it('is discovered by openid-client at its issuer (the proxy) with every endpoint the app needs', async () => {
    const metadata = (await discover()).serverMetadata();
    expect(idp.issuer).toBe(proxy.url);
    expect(idp.url).not.toBe(proxy.url);
    expect(metadata).toMatchObject({
      issuer: idp.issuer,
      authorization_endpoint: `${idp.issuer}/auth`,
      token_endpoint: `${idp.issuer}/token`,
      jwks_uri: `${idp.issuer}/jwks`,
      userinfo_endpoint: `${idp.issuer}/me`,
      end_session_endpoint: `${idp.issuer}/session/end`,
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: expect.arrayContaining(['RS256']),
      claims_supported: expect.arrayContaining(['sub', 'roles', 'remiss_org', 'email', 'name']),
    });
    expect(proxy.requests).toContain('GET /.well-known/openid-configuration');
  });

  it('signs a user in with code + PKCE and puts roles and organisation in the ID token', async () => {
    const config = await discover();
    const { callback, state, exchange } = await signIn(config);
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.get('iss')).toBe(idp.issuer);

    const tokens = await exchange();
    expect(tokens.claims()).toMatchObject({
      iss: idp.issuer,
      aud: idp.clientId,
      sub: 'anna',
      email: 'anna@sigtuna.example',
      name: 'Anna Andersson',
      roles: ['Remiss.Registrator', 'Ovrigt.Annat'],
      remiss_org: 'KS',
    });
    expect(decodeProtectedHeader(tokens.id_token!)).toMatchObject({
      alg: 'RS256',
      kid: idp.keyIds()[0],
    });
    expect(idp.logins.at(-1)).toBe('anna');

    // The same code again is refused by the provider.
    await expect(exchange()).rejects.toMatchObject({
      constructor: client.ResponseBodyError,
      error: 'invalid_grant',
    });
  });

  it('refuses a callback whose state is not the one sent', async () => {
    const config = await discover();
    const { callback, verifier, nonce } = await signIn(config);
    await expect(
      client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: client.randomState(),
        expectedNonce: nonce,
      }),
    ).rejects.toMatchObject({
      constructor: client.ClientError,
      code: 'OAUTH_INVALID_RESPONSE',
      message: 'invalid response encountered',
      cause: { message: 'unexpected "state" response parameter value' },
    });
  });

  it('refuses an authorization request without PKCE', async () => {
    const config = await discover();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: 'openid',
      state: 'no-pkce',
    });
    const callback = new URL(await signInAtIdp(url.href, 'anna'));
    expect(Object.fromEntries(callback.searchParams)).toMatchObject({
      error: 'invalid_request',
      state: 'no-pkce',
    });
  });

  it('refuses an unknown account at its login form', async () => {
    const config = await discover();
    await expect(signIn(config, 'okand')).rejects.toThrow(/Okänt användarnamn/);
  });

  it('releases changed claims at the next sign-in, reuses its session and ends it at sign-out', async () => {
    const config = await discover();
    const cookies: IdpCookies = new Map();
    idp.setUser('bertil', { name: 'Bertil', roles: ['Remiss.Sekreterare'], remiss_org: 'BUN' });
    const first = await (await signIn(config, 'bertil', cookies)).exchange();
    expect(first.claims()).toMatchObject({
      sub: 'bertil',
      roles: ['Remiss.Sekreterare'],
      remiss_org: 'BUN',
    });

    idp.setUser('bertil', { name: 'Bertil', roles: [], remiss_org: 'KS' });
    const loginsBefore = idp.logins.length;
    const second = await (await signIn(config, 'bertil', cookies)).exchange();
    expect(second.claims()).toMatchObject({ sub: 'bertil', roles: [], remiss_org: 'KS' });
    expect(idp.logins.length).toBe(loginsBefore); // the provider's session: no login form

    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: second.id_token!,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'bye',
    });
    const logoutsBefore = idp.logouts;
    expect(await signOutAtIdp(endSession.href, cookies)).toBe(`${SIGNED_OUT}?state=bye`);
    expect(idp.logouts).toBe(logoutsBefore + 1);

    await (await signIn(config, 'bertil', cookies)).exchange();
    expect(idp.logins.length).toBe(loginsBefore + 1); // signed out: the login form again
  });

  it('issues client-credentials JWT access tokens for the audience with the client roles', async () => {
    const { jwks_uri } = (await discover()).serverMetadata();
    const jwks = createRemoteJWKSet(new URL(jwks_uri!));
    const token = await idp.clientCredentialsToken();
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: idp.issuer,
      audience: 'api://remiss',
      algorithms: ['RS256'],
      typ: 'at+jwt',
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: idp.issuer,
      aud: 'api://remiss',
      sub: idp.clientId,
      client_id: idp.clientId,
      roles: ['Remiss.Registrator'],
    });

    const robot = decodeJwt(await idp.clientCredentialsToken({ clientId: 'remiss-reader-robot' }));
    expect(robot).toMatchObject({ sub: 'remiss-reader-robot', roles: ['Remiss.Lasare'] });

    const elsewhere = await idp.clientCredentialsToken({ audience: 'api://other' });
    expect(decodeJwt(elsewhere).aud).toBe('api://other');
    await expect(
      jwtVerify(elsewhere, jwks, { issuer: idp.issuer, audience: 'api://remiss' }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'aud' });
  });

  describe('forged ID tokens swapped in by the proxy', () => {
    const claimRefusal = (claim: string, message: string) => ({
      code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
      message: 'unexpected JWT claim value encountered',
      cause: { message, cause: { claim } },
    });
    const refusals: [Forgery, Record<string, unknown>][] = [
      ['other-issuer', claimRefusal('iss', 'unexpected JWT "iss" (issuer) claim value')],
      ['other-audience', claimRefusal('aud', 'unexpected JWT "aud" (audience) claim value')],
      [
        'expired',
        {
          code: 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
          message: 'JWT timestamp claim value failed validation',
          cause: { cause: { claim: 'exp' } },
        },
      ],
      [
        'alg-none',
        {
          code: 'OAUTH_INVALID_RESPONSE',
          message: 'invalid response encountered',
          cause: { message: 'unexpected JWT "alg" header parameter' },
        },
      ],
      [
        'foreign-key',
        {
          code: 'OAUTH_INVALID_RESPONSE',
          message: 'invalid response encountered',
          cause: { message: 'JWT signature verification failed' },
        },
      ],
      [
        'unknown-kid',
        {
          code: 'OAUTH_KEY_SELECTION_FAILED',
          message: 'error when selecting a JWT verification key, no applicable keys found',
        },
      ],
    ];

    it.each(refusals)('openid-client refuses %s', async (forgery, refusal) => {
      const config = await discover();
      const { exchange } = await signIn(config);
      let forged = '';
      proxy.nextTokenResponse = async (body) => {
        forged = await forgeJwt(String(body.id_token), idp, forgery);
        return { ...body, id_token: forged };
      };
      await expect(exchange()).rejects.toMatchObject({
        constructor: client.ClientError,
        ...refusal,
      });
      expect(proxy.nextTokenResponse).toBeUndefined();
      expect(decodeJwt(forged).nonce).toEqual(expect.any(String));
    });

    it('the forged claims are what the forgery says', async () => {
      const config = await discover();
      const { exchange } = await signIn(config);
      const forgeries: Record<string, string> = {};
      proxy.nextTokenResponse = async (body) => {
        for (const forgery of ['other-issuer', 'other-audience', 'expired', 'alg-none'] as const) {
          forgeries[forgery] = await forgeJwt(String(body.id_token), idp, forgery);
        }
        return body;
      };
      await exchange();
      expect(decodeJwt(forgeries['other-issuer']).iss).toBe(OTHER_ISSUER);
      expect(decodeJwt(forgeries['other-audience']).aud).toBe(OTHER_AUDIENCE);
      expect(decodeJwt(forgeries.expired).exp).toBeLessThan(Date.now() / 1000 - 3000);
      expect(decodeProtectedHeader(forgeries['alg-none'])).toEqual({ alg: 'none' });
    });

    it('without enableNonRepudiationChecks openid-client accepts a token signed by a foreign key', async () => {
      const config = await discover(false);
      const { exchange } = await signIn(config);
      proxy.nextTokenResponse = async (body) => ({
        ...body,
        id_token: await forgeJwt(String(body.id_token), idp, 'foreign-key'),
      });
      expect((await exchange()).claims()?.sub).toBe('anna');
    });
  });

  it('refuses forged access tokens with jose against the JWKS', async () => {
    const { jwks_uri } = (await discover()).serverMetadata();
    const jwks = createRemoteJWKSet(new URL(jwks_uri!));
    const genuine = await idp.clientCredentialsToken();
    const verify = async (forgery: Forgery) =>
      jwtVerify(await forgeJwt(genuine, idp, forgery, { audience: 'api://other' }), jwks, {
        issuer: idp.issuer,
        audience: 'api://remiss',
        algorithms: ['RS256'],
      });
    await expect(verify('other-issuer')).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'iss',
    });
    await expect(verify('other-audience')).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    await expect(verify('expired')).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
      claim: 'exp',
    });
    await expect(verify('alg-none')).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    await expect(verify('foreign-key')).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
    await expect(verify('unknown-kid')).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('rotates its signing key: new tokens carry the new kid, the JWKS keeps both', async () => {
    const config = await discover();
    const before = await idp.clientCredentialsToken();
    const oldKid = idp.keyIds()[0];
    const newKid = idp.rotateKeys();
    expect(idp.keyIds()).toEqual([newKid, oldKid]);

    const tokens = await (await signIn(config)).exchange();
    expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(newKid);
    const jwks = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((key) => key.kid)).toEqual([newKid, oldKid]);
    const remote = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    await expect(jwtVerify(before, remote)).resolves.toMatchObject({
      protectedHeader: { kid: oldKid },
    });
    await expect(jwtVerify(await idp.clientCredentialsToken(), remote)).resolves.toMatchObject({
      protectedHeader: { kid: newKid },
    });
  });

  it('after a rotation, a client with a cached JWKS takes the new key once its copy is old enough', async () => {
    const config = await discover();
    await (await signIn(config)).exchange(); // openid-client now holds the JWKS
    const remote = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    await jwtVerify(await idp.clientCredentialsToken(), remote); // and so does jose
    const newKid = idp.rotateKeys();

    await expect((await signIn(config)).exchange()).rejects.toMatchObject({
      code: 'OAUTH_KEY_SELECTION_FAILED',
    });
    await expect(jwtVerify(await idp.clientCredentialsToken(), remote)).rejects.toMatchObject({
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });

    const restore = pretendTimePassed(61);
    try {
      const tokens = await (await signIn(config)).exchange();
      expect(decodeProtectedHeader(tokens.id_token!).kid).toBe(newKid);
      await expect(jwtVerify(await idp.clientCredentialsToken(), remote)).resolves.toMatchObject({
        protectedHeader: { kid: newKid },
      });
    } finally {
      restore();
    }
  });

  it('drops connections while offline', async () => {
    proxy.offline = true;
    try {
      await expect(discover()).rejects.toThrow();
    } finally {
      proxy.offline = false;
    }
    await expect(discover()).resolves.toBeInstanceOf(client.Configuration);
  });

  it('also runs on its own, without the proxy', async () => {
    const alone = await startTestIdp({
      redirectUris: [CALLBACK],
      postLogoutRedirectUris: [],
      clientId: 'alone',
      rolesClaim: 'groups',
      organisationClaim: 'org',
      tokenEndpointAuthMethod: 'client_secret_basic',
      apiClientRoles: ['Remiss.Lasare'],
    });
    try {
      alone.setUser('cecilia', { groups: ['Remiss.Lasare'], org: 'MN' });
      const config = await client.discovery(
        new URL(alone.issuer),
        alone.clientId,
        undefined,
        client.ClientSecretBasic(alone.clientSecret),
        { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
      );
      expect(alone.issuer).toBe(alone.url);
      expect(config.serverMetadata().token_endpoint).toBe(`${alone.url}/token`);
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const callback = new URL(await signInAtIdp(url.href, 'cecilia'));
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
      });
      expect(tokens.claims()).toMatchObject({
        sub: 'cecilia',
        groups: ['Remiss.Lasare'],
        org: 'MN',
      });
      expect(decodeJwt(await alone.clientCredentialsToken())).toMatchObject({
        aud: 'api://remiss',
        groups: ['Remiss.Lasare'],
      });
    } finally {
      await alone.stop();
    }
  });

  describeInBrowser('in Chromium', () => {
    it('signs in at the login page by its labels and signs out by its button', async () => {
      const config = await discover();
      const browser = await launchBrowser();
      try {
        const page = await newPage(browser);
        // The app is not running: answer its callback and sign-out pages here.
        await page.route(`${APP}/**`, (route) =>
          route.fulfill({ contentType: 'text/html', body: '<title>app</title><h1>app</h1>' }),
        );
        const authorizationUrl = client.buildAuthorizationUrl(config, {
          redirect_uri: CALLBACK,
          scope: 'openid profile email',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          state: 'browser',
          nonce: 'browser-nonce',
        });
        await page.goto(authorizationUrl.href);
        await expect(
          page.getByRole('heading', { name: 'Logga in hos testleverantören' }).count(),
        ).resolves.toBe(1);
        await page.getByLabel('Användarnamn').fill('okand');
        await page.getByLabel('Lösenord').fill('x');
        await page.getByRole('button', { name: 'Logga in' }).click();
        await expect(page.getByRole('alert').textContent()).resolves.toBe('Okänt användarnamn');
        await page.getByLabel('Användarnamn').fill('anna');
        await page.getByLabel('Lösenord').fill('vad-som-helst');
        await page.getByRole('button', { name: 'Logga in' }).click();
        await page.waitForURL(`${CALLBACK}?**`);
        const back = new URL(page.url());
        expect(back.searchParams.get('state')).toBe('browser');
        expect(back.searchParams.get('code')).toBeTruthy();

        const logoutsBefore = idp.logouts;
        await page.goto(
          client.buildEndSessionUrl(config, {
            client_id: idp.clientId,
            post_logout_redirect_uri: SIGNED_OUT,
          }).href,
        );
        await expect(
          page.getByRole('heading', { name: 'Vill du logga ut från testleverantören?' }).count(),
        ).resolves.toBe(1);
        await page.getByRole('button', { name: 'Ja, logga ut' }).click();
        await page.waitForURL(SIGNED_OUT);
        expect(idp.logouts).toBe(logoutsBefore + 1);
      } finally {
        await browser.close();
      }
    });
  });
});
