// The staff pages as a benchmark sees them: signing in through the login form (a session cookie,
// not a bearer token) and reading links out of the HTML. Kept apart from the measuring so that a
// change to the login form or the pager is one edit here.

import { HOST } from './support.js';

/** The session cookie the staff pages set after sign-in. */
export const SESSION_COOKIE = 'remiss_session';

const TIMEOUT_MS = 30_000;

/** Thrown when a page is not there (404): the pages are built step by step. */
export class PageMissing extends Error {}

/** The `name=value` pairs of a response's Set-Cookie headers. */
function cookiesOf(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const at = pair.indexOf('=');
    if (at > 0) cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
  }
  return cookies;
}

const cookieHeader = (cookies: Map<string, string>): string =>
  [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

/** Undoes the HTML escaping Handlebars applies to attribute values. */
export function unescapeHtml(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal: string) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** GET a page with the session; a 404 throws PageMissing, any other non-200 an Error. */
export async function getPage(baseUrl: string, path: string, cookie?: string): Promise<string> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: cookie ? { cookie } : {},
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status === 404) {
    throw new PageMissing(`page ${path.split('?')[0]} answered 404 — not built yet?`);
  }
  if (response.status !== 200) {
    const location = response.headers.get('location');
    throw new Error(
      `page ${path} answered ${response.status}${location ? ` (to ${location})` : ''}: ` +
        text.slice(0, 300),
    );
  }
  return text;
}

/**
 * Signs in through the login form as a browser does: GET /login for the form's `_csrf` token and
 * its cookie, then POST /login (form-urlencoded `_csrf`, `email`, `password`, with the service's
 * own Origin). Returns the Cookie header that carries the session.
 */
export async function signInThroughForm(
  baseUrl: string,
  email: string,
  password: string,
): Promise<string> {
  const form = await fetch(`${baseUrl}/login`, {
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const html = await form.text();
  if (form.status === 404) throw new PageMissing('page /login answered 404 — not built yet?');
  if (form.status !== 200) throw new Error(`GET /login answered ${form.status}`);
  const csrf = /<input[^>]*name="_csrf"[^>]*value="([^"]*)"/.exec(html)?.[1];
  if (csrf === undefined) throw new Error('the login form has no _csrf field');
  const cookies = cookiesOf(form);
  const posted = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: cookieHeader(cookies),
      origin: new URL(baseUrl).origin,
    },
    body: new URLSearchParams({ _csrf: unescapeHtml(csrf), email, password }).toString(),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await posted.arrayBuffer();
  const session = cookiesOf(posted).get(SESSION_COOKIE);
  if (posted.status !== 303 || !session) {
    throw new Error(
      `POST /login answered ${posted.status} ${session ? '' : `without a ${SESSION_COOKIE} cookie`}` +
        ` (expected 303 with the session cookie) for ${email}`,
    );
  }
  return `${SESSION_COOKIE}=${session}`;
}

/**
 * The href of the pager's "Nästa" (next page) link in a list page, or null on the last page.
 * Relative hrefs are resolved against `path`.
 */
export function nextPageHref(html: string, path: string): string | null {
  const links = html.matchAll(/<a\b([^>]*)>([\s\S]*?)<\/a>/gi);
  for (const [, attributes, content] of links) {
    if (!/\bNästa\b/.test(unescapeHtml(content.replace(/<[^>]*>/g, '')))) continue;
    const href = /\bhref="([^"]*)"/.exec(attributes)?.[1];
    if (href === undefined) continue;
    const url = new URL(unescapeHtml(href), `http://${HOST}${path}`);
    return `${url.pathname}${url.search}`;
  }
  return null;
}

/** Follows "Nästa" from `firstPath` and returns the path of list page `page` (1 = first). */
export async function listPagePath(
  baseUrl: string,
  firstPath: string,
  page: number,
  cookie: string,
): Promise<string> {
  let path = firstPath;
  for (let at = 1; at < page; at += 1) {
    const next = nextPageHref(await getPage(baseUrl, path, cookie), path);
    if (next === null) throw new Error(`${firstPath} has no "Nästa" link on page ${at}`);
    path = next;
  }
  return path;
}
