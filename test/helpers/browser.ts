// The browser side of the page tests: whether Chromium is there, launching it, the WCAG check
// with axe, screenshots at desktop and phone width, and keyboard-only moves.

import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const MISSING =
  `the browser tests need Chromium at ${CHROMIUM}: install Debian's chromium package ` +
  '(apt-get install chromium) or set CHROMIUM_PATH.';

/**
 * Outside CI a machine without Chromium skips the browser tests with a notice; under CI=true they
 * run (and fail in launchBrowser). Use as `(browserMissing ? describe.skip : describe)(…)`.
 */
export const browserMissing = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (browserMissing) console.warn(`SKIPPED: ${MISSING}`);

/** `describe`, or `describe.skip` when Chromium is missing outside CI. */
export const describeInBrowser: jest.Describe = browserMissing ? describe.skip : describe;

/** Debian's headless Chromium, without sandbox, GPU or any traffic of its own. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Missing Chromium: ${MISSING}`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A new page in its own context. axe runs as a script in the page, so the page has JavaScript on
 * and the service's Content-Security-Policy is bypassed for the injected script only; a test that
 * proves a page works without JavaScript opens its own page with `javaScriptEnabled: false`. The
 * page's locale is Swedish (navigator.language, Accept-Language), as the users' browsers are.
 */
export async function newPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<Page> {
  const context = await browser.newContext({ bypassCSP: true, viewport, locale: 'sv-SE' });
  const page = await context.newPage();
  // Closing the browser closes the page too; the context then goes with it, so a failed close of
  // its own must not surface as an unhandled rejection in whichever test runs at that moment.
  page.once('close', () => void context.close().catch(() => undefined));
  return page;
}

/** The axe rule sets for WCAG 2.1 levels A and AA (the level DOS-lagen requires). */
export const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe with the WCAG 2.1 A and AA rules on the page as it is now and fails with one line per
 * violation (rule id, what it asks for, and the selectors of the offending elements).
 */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const found = results.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact ?? 'n/a'}): ${violation.help} – ` +
      violation.nodes.map((node) => node.target.join(' ')).join(', '),
  );
  if (found.length > 0) {
    throw new Error(
      `axe found ${found.length} WCAG 2.1 AA violation(s) on ${label} (${page.url()}):\n` +
        found.map((line) => `  - ${line}`).join('\n'),
    );
  }
}

/** Where screenshots go (relative to the project root, where tests run): var/ is ignored by git. */
export const SCREENSHOT_DIR = resolve(process.env.SCREENSHOT_DIR ?? 'var/screenshots');

/** The widths a page is photographed at: a desktop and the narrowest phone WCAG names (320 px). */
const WIDTHS = [
  { suffix: 'desktop', width: 1280, height: 800 },
  { suffix: '320', width: 320, height: 640 },
] as const;

/**
 * Saves full-page PNGs of the page at 1280 and 320 px width as
 * `var/screenshots/<name>-desktop.png` and `<name>-320.png`, then restores the viewport.
 * Returns the two paths.
 */
export async function screenshot(page: Page, name: string): Promise<string[]> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  const paths: string[] = [];
  for (const { suffix, width, height } of WIDTHS) {
    await page.setViewportSize({ width, height });
    const path = join(SCREENSHOT_DIR, `${name}-${suffix}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  if (before) await page.setViewportSize(before);
  return paths;
}

// The functions below run in the page. They are passed as source text because this project's
// TypeScript has no DOM types (it targets Node).

/**
 * Whether the page scrolls sideways at its current width (content wider than the viewport), which
 * WCAG 1.4.10 (reflow) forbids at 320 px.
 */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  );
}

/** The elements that reach past the right edge of the viewport, as `tag#id.class`. */
export function elementsPastRightEdge(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll('body *')]
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth)
    .map((element) => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
      (element.className ? '.' + element.className : ''))`);
}

/** The outline of the focused element (`solid 3px`), to check that focus is visible. */
export function focusOutline(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const style = getComputedStyle(document.activeElement);
    return style.outlineStyle + ' ' + style.outlineWidth;
  })()`);
}

/** What has the focus now, for messages and checks: `tag#id "text"`. */
export function describeFocus(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const element = document.activeElement;
    if (!element) return 'nothing';
    const id = element.id ? '#' + element.id : '';
    return element.tagName.toLowerCase() + id + ' "' + (element.textContent ?? '').trim().slice(0, 40) + '"';
  })()`);
}

/** Whether `target` has the focus. */
export function hasFocus(target: Locator): Promise<boolean> {
  return target.evaluate((element) => element.ownerDocument.activeElement === element);
}

/**
 * Presses Tab (or Shift+Tab with `backwards`) until `target` has the focus, as a keyboard user
 * would; fails after `limit` presses. Returns the number of presses.
 */
export async function pressTabUntil(
  page: Page,
  target: Locator,
  options: { limit?: number; backwards?: boolean } = {},
): Promise<number> {
  const limit = options.limit ?? 100;
  const key = options.backwards ? 'Shift+Tab' : 'Tab';
  for (let presses = 1; presses <= limit; presses += 1) {
    await page.keyboard.press(key);
    if (await hasFocus(target)) return presses;
  }
  throw new Error(`${String(target)} did not get the focus within ${limit} presses of ${key}`);
}

/**
 * The check every page a journey lands on gets, in the order visited: full-page screenshots at
 * both widths as `<journey>-NN-<name>`, axe with the WCAG 2.1 A and AA rules, and no sideways
 * scrolling at 320 px (WCAG 1.4.10), with the elements past the right edge named when it does.
 */
export function journeyChecks(journey: string): (page: Page, name: string) => Promise<void> {
  let visited = 0;
  return async (page, name) => {
    visited += 1;
    await screenshot(page, `${journey}-${String(visited).padStart(2, '0')}-${name}`);
    await expectNoAxeViolations(page, name);
    const before = page.viewportSize();
    await page.setViewportSize({ width: 320, height: 640 });
    const sideways = (await scrollsSideways(page)) ? await elementsPastRightEdge(page) : [];
    if (before) await page.setViewportSize(before);
    expect({ page: name, sideways }).toEqual({ page: name, sideways: [] });
  };
}

/** A port nobody listens on now, so that PUBLIC_URL (and the mailed links) can name it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
