import type { Request } from 'express';
import { clientRequestIdOf, requestIdOf, type IdentifiedRequest } from '../common/request-id.js';

/** Where a request came from and what it asked for, as the security log records it. */
export interface RequestOrigin {
  clientAddress: string;
  method: string;
  /** The route pattern, e.g. `/api/respond/:token`: never the path, which may hold a link token. */
  route: string;
  requestId: string | null;
  clientRequestId: string | null;
}

/**
 * The client's address as Express resolves it under `TRUST_PROXY` (the peer itself unless a known
 * proxy forwarded the request), with IPv4-mapped IPv6 written as IPv4.
 */
export function clientAddressOf(request: Pick<Request, 'ip'>): string {
  const address = request.ip ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function originOf(request: Request & IdentifiedRequest): RequestOrigin {
  const pattern = (request.route as { path?: unknown } | undefined)?.path;
  return {
    clientAddress: clientAddressOf(request),
    method: request.method,
    route: typeof pattern === 'string' ? pattern.slice(0, 200) : '(no route)',
    requestId: requestIdOf(request),
    clientRequestId: clientRequestIdOf(request),
  };
}
