// Signing in on the staff pages in a browser, as a journey does it: through the login form only.

import type { Page } from 'playwright-core';

/**
 * Opens `/login` on `base`, fills "E-postadress" and "Lösenord" by their labels and presses
 * "Logga in"; waits for the page the form leads to and fails if it is the login form again.
 */
export async function signInPage(
  page: Page,
  base: string,
  email: string,
  password: string,
): Promise<void> {
  const loaded = await page.goto(`${base}/login`);
  if (loaded?.status() !== 200) {
    throw new Error(`GET /login answered ${loaded?.status() ?? 'nothing'}`);
  }
  await page.getByLabel('E-postadress', { exact: true }).fill(email);
  await page.getByLabel('Lösenord', { exact: true }).fill(password);
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Logga in', exact: true }).click(),
  ]);
  if (new URL(page.url()).pathname === '/login') {
    const alert = await page
      .getByRole('alert')
      .textContent()
      .catch(() => null);
    throw new Error(`sign-in as ${email} was refused${alert ? `: ${alert.trim()}` : ''}`);
  }
}

/** Signs out through the page's "Logga ut" button (a form post with the CSRF token). */
export async function signOutPage(page: Page): Promise<void> {
  await Promise.all([
    page.waitForNavigation(),
    page.getByRole('button', { name: 'Logga ut', exact: true }).click(),
  ]);
}
