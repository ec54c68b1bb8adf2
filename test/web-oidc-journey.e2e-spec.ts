import type { Browser, Page } from 'playwright-core';
import {
  describeInBrowser,
  freePort,
  journeyChecks,
  launchBrowser,
  newPage,
} from './helpers/browser.js';
import { adminAuth, createOrganisation } from './helpers/factories.js';
import { startTestIdp, type TestIdp } from './helpers/oidc-provider.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

/*
 * Single sign-on in a real browser: the sign-in page offers the municipality's provider, the
 * registrar signs in there (the role comes from the provider's roles claim), lands on the start
 * page, and signs out of Remiss and of the provider. Every Remiss page on the way passes axe.
 */

const DISPLAY_NAME = 'Logga in med Testkommunens konto';

describeInBrowser('journey: a registrar signs in through the identity provider', () => {
  let t: TestApp;
  let idp: TestIdp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const check = journeyChecks('oidc');
  const path = () => new URL(page.url()).pathname;
  const follow = async (action: () => Promise<unknown>) => {
    await Promise.all([page.waitForNavigation(), action()]);
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    idp = await startTestIdp({
      redirectUris: [`${base}/login/oidc/callback`],
      postLogoutRedirectUris: [`${base}/login`],
      organisationClaim: 'organisation',
    });
    t = await startTestApp({
      PUBLIC_URL: base,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_DISPLAY_NAME: DISPLAY_NAME,
      OIDC_ROLE_MAP: 'Remiss.Registrator=registrar,Remiss.Admin=admin',
      OIDC_ORGANISATION_CLAIM: 'organisation',
      OIDC_ORGANISATION_MAP: 'Kommunstyrelsen=KS',
    });
    await t.app.listen(port, '127.0.0.1');
    await createOrganisation(t, await adminAuth(t), {
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
    });
    idp.setUser('rita', {
      name: 'Rita Registrator',
      email: 'rita@testkommun.se',
      roles: ['Remiss.Registrator'],
      organisation: ['Kommunstyrelsen'],
    });
    browser = await launchBrowser();
    page = await newPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await idp?.stop();
  });

  it('shows the provider button on the sign-in page', async () => {
    const response = await page.goto(`${base}/login`);
    expect(response?.status()).toBe(200);
    // The provider's end-session endpoint may be reached from the "Logga ut" form's redirect.
    expect(response?.headers()['content-security-policy']).toContain(
      `form-action 'self' ${new URL(idp.issuer).origin}`,
    );
    await check(page, 'login');
    const button = page.getByRole('link', { name: DISPLAY_NAME, exact: true });
    await expect(button.getAttribute('href')).resolves.toBe('/login/oidc');
    await expect(page.getByRole('main').innerText()).resolves.toContain(
      'Inloggning med lösenord är bara för administratörer',
    );
  });

  it('signs in at the provider and lands on the start page as registrar', async () => {
    await follow(() => page.getByRole('link', { name: DISPLAY_NAME, exact: true }).click());
    expect(page.url().startsWith(idp.issuer)).toBe(true);
    await expect(
      page.getByRole('heading', { name: 'Logga in hos testleverantören' }).count(),
    ).resolves.toBe(1);
    await page.getByLabel('Användarnamn').fill('rita');
    await page.getByLabel('Lösenord').fill('vad-som-helst');
    await follow(() => page.getByRole('button', { name: 'Logga in' }).click());
    await page.waitForURL(`${base}/`);
    expect(path()).toBe('/');
    await check(page, 'start');
    await expect(page.getByRole('main').innerText()).resolves.toContain(
      'Välkommen, Rita Registrator.',
    );
    const menu = page.getByRole('navigation', { name: 'Huvudmeny' });
    expect(await menu.getByRole('link').allInnerTexts()).toEqual([
      'Remisser',
      'Ärenden',
      'Sammanträden',
    ]);
    expect(idp.logins).toEqual(['rita']);
    const [user] = await t.sql<{ roles: string }>(
      "SELECT roles FROM user WHERE oidc_subject = 'rita'",
    );
    expect(user.roles).toBe('registrar');
  });

  it('signs out of Remiss and of the provider', async () => {
    await follow(() => page.getByRole('button', { name: 'Logga ut', exact: true }).click());
    expect(page.url().startsWith(idp.issuer)).toBe(true);
    await expect(
      page.getByRole('heading', { name: 'Vill du logga ut från testleverantören?' }).count(),
    ).resolves.toBe(1);
    await follow(() => page.getByRole('button', { name: 'Ja, logga ut' }).click());
    await page.waitForURL(`${base}/login`);
    expect(idp.logouts).toBe(1);
    await check(page, 'login-after-logout');

    // Remiss's session is gone…
    await page.goto(`${base}/`);
    expect(path()).toBe('/login');
    // …and so is the provider's: signing in again asks for the account once more.
    await follow(() => page.getByRole('link', { name: DISPLAY_NAME, exact: true }).click());
    await expect(
      page.getByRole('heading', { name: 'Logga in hos testleverantören' }).count(),
    ).resolves.toBe(1);
  });
});
