/** A request path fit for logs: no query string, and no secure-link token. */
export function loggablePath(url: string): string {
  return url.replace(/\/respond\/[^/?]+/, '/respond/[token]').replace(/\?.*$/, '');
}
