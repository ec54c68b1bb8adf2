import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a caller may send as its own `X-Request-Id`; anything else is dropped. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface IdentifiedRequest {
  /** The server's id of the request: always generated here, never taken from the caller. */
  id?: string | number;
  /** The caller's `X-Request-Id`, when it sent a well-formed one; for correlation only. */
  clientRequestId?: string | null;
}

/**
 * Express middleware, mounted before the body parsers so that their errors (malformed JSON, 413)
 * carry an id too. The server's id goes back in `X-Request-Id`; the caller's own is kept apart so
 * that no caller can make its request share an id with someone else's in the logs or the audit.
 */
export function assignRequestId(
  request: IncomingMessage & IdentifiedRequest,
  response: ServerResponse,
  next: () => void,
): void {
  const incoming = request.headers['x-request-id'];
  request.clientRequestId =
    typeof incoming === 'string' && CLIENT_REQUEST_ID.test(incoming) ? incoming : null;
  request.id = randomUUID();
  response.setHeader('X-Request-Id', request.id);
  next();
}

export function requestIdOf(request: IdentifiedRequest): string | null {
  return request.id === undefined ? null : String(request.id);
}

export function clientRequestIdOf(request: IdentifiedRequest): string | null {
  return request.clientRequestId ?? null;
}
