import type { Request, Response } from 'express';
import type { AppConfig } from '../config/env.schema.js';

/** One cookie from the request's `Cookie` header (express parses none by itself). */
export function cookieOf(request: Request, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Sets an `HttpOnly`, `SameSite=Lax` cookie for the whole site, `Secure` under https. */
export function setCookie(
  response: Response,
  config: Pick<AppConfig, 'publicUrl'>,
  name: string,
  value: string,
): void {
  response.cookie(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.publicUrl.protocol === 'https:',
  });
}

export function clearCookie(
  response: Response,
  config: Pick<AppConfig, 'publicUrl'>,
  name: string,
): void {
  response.clearCookie(name, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: config.publicUrl.protocol === 'https:',
  });
}
