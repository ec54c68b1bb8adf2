import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { TemplateSet } from '../common/templates.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { Role } from '../users/role.js';
import { FORM_HELPERS } from './form-fields.js';
import type { WebRequest } from './web-auth.guard.js';
import { WebSessionService } from './web-session.service.js';

/** The main menu, in order, with the roles that see each entry (WEB.md). */
export const MAIN_MENU: readonly { label: string; href: string; roles: readonly Role[] }[] = [
  { label: 'Remisser', href: '/rounds', roles: ['registrar', 'admin', 'reader'] },
  { label: 'Ärenden', href: '/cases', roles: ['registrar', 'clerk', 'admin', 'reader'] },
  { label: 'Inkorg', href: '/inbox', roles: ['respondent'] },
  { label: 'Sammanträden', href: '/meetings', roles: ['clerk', 'registrar', 'admin', 'reader'] },
  { label: 'Administration', href: '/admin/organisations', roles: ['admin'] },
];

/** The main menu entries the roles may see. */
export function menuFor(roles: readonly Role[]): { label: string; href: string }[] {
  return MAIN_MENU.filter((entry) => entry.roles.some((role) => roles.includes(role))).map(
    ({ label, href }) => ({ label, href }),
  );
}

const DATE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * Formats an instant or a day with one of the formats above, remembering recent results: a
 * round's page shows a few dates for each of hundreds of consultees, and Intl formatting is a
 * noticeable part of rendering it. The memory is bounded and simply starts over when full.
 */
const FORMATTED = new Map<string, string>();
const FORMATTED_LIMIT = 20_000;
function formatted(format: Intl.DateTimeFormat, kind: string, value: unknown): string {
  const key = `${kind}|${value instanceof Date ? value.getTime() : String(value)}`;
  const known = FORMATTED.get(key);
  if (known !== undefined) return known;
  const text = format.format(instant(value));
  if (FORMATTED.size >= FORMATTED_LIMIT) FORMATTED.clear();
  FORMATTED.set(key, text);
  return text;
}

/** A day as the pages write it, `2026-12-03`, in Stockholm. */
export function pageDate(value: Date | string): string {
  return formatted(DATE, 'date', value);
}

/** A time of day as the pages write it, `14:05`, in Stockholm. */
export function pageTime(value: Date | string): string {
  return formatted(TIME, 'time', value);
}

export interface PageOptions {
  /** The HTTP status (a refused form: 400). */
  status?: number;
}

const ERROR_PAGES: Record<number, { title: string; text: string }> = {
  403: {
    title: 'Du har inte behörighet',
    text: 'Ditt konto har inte behörighet till den här sidan. Kontakta systemförvaltaren om du behöver den.',
  },
  404: {
    title: 'Sidan finns inte',
    text: 'Kontrollera adressen, eller gå till startsidan.',
  },
  429: {
    title: 'För många försök',
    text: 'Det har gjorts för många försök. Vänta en stund och försök igen.',
  },
  500: {
    title: 'Något gick fel',
    text: 'Ett oväntat fel inträffade. Försök igen om en stund. Om felet kvarstår, ange felets id nedan till systemförvaltaren.',
  },
};

/**
 * The one renderer of the staff pages: a page in `templates/web/pages/` (compiled strictly) inside
 * `templates/web/layout.hbs` with the municipality's name, the skip link, the main menu for the
 * user's roles, the flash message and the service's version.
 */
@Injectable()
export class WebViews {
  private readonly set: TemplateSet;
  private readonly pages = new Map<string, (context: object) => string>();
  private readonly layout: (context: object) => string;
  private readonly version: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sessions: WebSessionService,
  ) {
    const root = resolve(config.templatesDir, 'web');
    this.set = new TemplateSet(root);
    for (const [name, helper] of Object.entries(FORM_HELPERS))
      this.set.registerHelper(name, helper);
    this.set.registerHelper('date', (value: unknown) => formatted(DATE, 'date', value));
    this.set.registerHelper('time', (value: unknown) => formatted(TIME, 'time', value));
    this.set.registerHelper(
      'dateTime',
      (value: unknown) => `${formatted(DATE, 'date', value)} ${formatted(TIME, 'time', value)}`,
    );
    this.set.registerPartials('partials', ['csrf']);
    this.layout = this.set.compile('layout.hbs', true);
    // Every page is compiled at start-up, so a broken template stops the service, not a user.
    for (const file of readdirSync(resolve(root, 'pages'), { recursive: true, encoding: 'utf8' })) {
      if (file.endsWith('.hbs')) this.page(file.slice(0, -4).split(sep).join('/'));
    }
    this.version = (
      JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string }
    ).version;
  }

  /**
   * Answers with `pages/<name>.hbs`. The context must give `title` (the page's `<title>`, also
   * its h1 by convention); the page also sees `csrfToken`, `user` and everything in `context`.
   */
  render(
    response: Response,
    name: string,
    context: { title: string; [key: string]: unknown },
    options: PageOptions = {},
  ): void {
    const request = response.req as WebRequest;
    const page = this.page(name);
    const csrfToken = request.web?.session.session.csrf ?? '';
    const common = {
      csrfToken,
      user: request.actor ? { name: request.web?.userName ?? request.actor.label } : null,
    };
    const body = page({ ...context, ...common });
    this.send(response, options.status ?? 200, {
      ...common,
      title: context.title,
      body,
      flash: request.web?.flash ?? null,
      menu: this.menu(request),
    });
  }

  /** Leaves a message for the next page the user sees (after a redirect), shown once. */
  async flash(response: Response, message: string): Promise<void> {
    const request = response.req as WebRequest;
    if (!request.web) throw new Error('flash needs a signed-in page request');
    request.web.session.session.flash = message;
    await this.sessions.save(request.web.session);
  }

  /** The Swedish error page for a page route (403, 404, 429, 500…), with the request id. */
  renderError(request: Request, status: number, code: string, requestId: string): string {
    const page = request as WebRequest;
    const known = ERROR_PAGES[status] ?? (status >= 500 ? ERROR_PAGES[500] : null);
    const csrf = code === 'csrf_failed';
    const title = csrf
      ? 'Formuläret kunde inte skickas'
      : (known?.title ?? 'Begäran kunde inte utföras');
    const text = csrf
      ? 'Formuläret hade gått ut eller kom från en annan webbplats. Ingenting sparades. Gå tillbaka, ladda om sidan och försök igen.'
      : (known?.text ?? 'Begäran kunde inte utföras. Gå tillbaka och försök igen.');
    const body = this.page('error')({ title, text, requestId, status });
    return this.layout({
      title,
      body,
      csrfToken: page.web?.session.session.csrf ?? '',
      user: page.actor && page.web ? { name: page.web.userName } : null,
      flash: null,
      menu: page.web ? this.menu(page) : [],
      municipalityName: this.config.municipalityName,
      version: this.version,
    });
  }

  private send(response: Response, status: number, context: object): void {
    response
      .status(status)
      .setHeader('Cache-Control', 'no-store')
      .type('html')
      .send(
        this.layout({
          ...context,
          municipalityName: this.config.municipalityName,
          version: this.version,
        }),
      );
  }

  private menu(request: WebRequest) {
    // An entry is the current one on every page of its part: its first path segment.
    const part = (path: string) => path.split('/')[1] ?? '';
    const here = part(request.path);
    return menuFor(request.actor?.roles ?? []).map((entry) => ({
      ...entry,
      current: here !== '' && here === part(entry.href),
    }));
  }

  private page(name: string): (context: object) => string {
    let page = this.pages.get(name);
    if (!page) {
      if (!/^[a-z0-9-]+(\/[a-z0-9-]+)*$/.test(name)) throw new Error(`Bad page name ${name}`);
      page = this.set.compile(`pages/${name}.hbs`, true);
      this.pages.set(name, page);
    }
    return page;
  }
}

function instant(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Date(`${value}T12:00:00Z`);
  }
  if (typeof value === 'string' || typeof value === 'number') return new Date(value);
  throw new Error('A date helper needs a date, an ISO string or a YYYY-MM-DD day');
}
