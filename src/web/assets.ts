import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { AppConfig } from '../config/env.schema.js';

/**
 * Serves the staff pages' styles from this service (nothing is fetched from elsewhere at run time):
 * Designsystemet's components and theme from their npm packages, found at start-up, and Remiss's
 * own few rules. Pages link them with `?v=<version>`, so they are cached for a year.
 */
export function serveWebAssets(app: NestExpressApplication, config: AppConfig): void {
  const require = createRequire(resolve('package.json'));
  const css = dirname(require.resolve('@digdir/designsystemet-css'));
  const theme = dirname(require.resolve('@digdir/designsystemet-theme'));
  const options = { maxAge: '365d', immutable: true, index: false } as const;
  app.useStaticAssets(css, { ...options, prefix: '/assets/designsystemet/' });
  app.useStaticAssets(theme, { ...options, prefix: '/assets/designsystemet/theme/' });
  app.useStaticAssets(resolve(config.templatesDir, 'web', 'assets'), {
    ...options,
    prefix: '/assets/',
  });
}

const NOT_STAFF_PAGE = /^\/(api|respond)(\/|$)/;

/**
 * Staff pages send `Referrer-Policy: same-origin` instead of helmet's `no-referrer`: under
 * `no-referrer` a browser posts a form with `Origin: null`, and the pages refuse any post whose
 * origin is not their own.
 */
export function staffPageReferrerPolicy(
  request: IncomingMessage,
  response: ServerResponse,
  next: () => void,
): void {
  if (!NOT_STAFF_PAGE.test(request.url ?? '/'))
    response.setHeader('Referrer-Policy', 'same-origin');
  next();
}
