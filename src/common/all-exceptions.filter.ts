import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error.js';
import type { Actor } from './actor.js';
import { loggablePath } from './loggable-path.js';
import { requestIdOf, type IdentifiedRequest } from './request-id.js';
import { WebRedirect } from './web-redirect.js';

type ActorRequest = Request & IdentifiedRequest & { actor?: Actor };

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
  details?: unknown;
  requestId: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

// Connection-level failures mean a dependency is down: answer 503 rather than 500.
const UNAVAILABLE_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_CON_COUNT_ERROR',
]);

function reasonPhrase(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join(' ');
}

function errnoOf(exception: unknown): string | undefined {
  if (typeof exception !== 'object' || exception === null) return undefined;
  const { code, driverError } = exception as { code?: unknown; driverError?: { code?: unknown } };
  const value = driverError?.code ?? code;
  return typeof value === 'string' ? value : undefined;
}

/** Writes refused (403) requests to the security log; see SecurityLogService. */
export interface ForbiddenRecorder {
  recordForbidden(request: ActorRequest): Promise<void>;
}

/** The Swedish HTML pages the secure-link page answers with instead of JSON. */
export interface LinkPageErrors {
  renderRateLimited(retryAfterSeconds: number): string;
  renderTooLarge(): string;
}

/** The Swedish HTML error pages of the staff pages. */
export interface StaffPageErrors {
  renderError(request: Request, status: number, code: string, requestId: string): string;
}

// Everything outside the JSON API, the secure-link routes and the health checks is a staff page.
const NOT_STAFF_PAGE = /^\/(api|respond|health)(\/|$)/;

// The page the mailed link opens (not the JSON API under /api/respond).
const LINK_PAGE = /^\/respond\/[^/]+\/?$/;
const FALLBACK_RETRY_AFTER_SECONDS = 60;

/**
 * Turns every error into `{statusCode, error, code, message, details?, requestId}`, except a 429 or
 * 413 on the secure-link page, which a consultee's browser shows: those get a Swedish HTML page.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly collaborators: {
      forbidden?: ForbiddenRecorder;
      linkPages?: LinkPageErrors;
      staffPages?: StaffPageErrors;
    } = {},
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<ActorRequest>();
    const response = http.getResponse<Response>();
    if (exception instanceof WebRedirect) {
      response.setHeader('Cache-Control', 'no-store');
      response.redirect(303, exception.location);
      return;
    }
    const body = this.toBody(exception, requestIdOf(request) ?? '');
    if (body.statusCode >= 500) {
      this.logger.error(
        { err: exception, requestId: body.requestId },
        `${request.method} ${loggablePath(request.path)} failed: ${body.code}`,
      );
    }
    const { forbidden } = this.collaborators;
    if (body.statusCode === 403 && forbidden) {
      // Recording never rejects; the answer waits for it so the log is complete when it arrives.
      void forbidden.recordForbidden(request).then(() => this.send(request, response, body));
      return;
    }
    this.send(request, response, body);
  }

  private send(request: Request, response: Response, body: ErrorBody): void {
    if (body.statusCode === 429 && typeof response.getHeader === 'function') {
      // Every rate limit sets its own; this covers any that does not.
      if (response.getHeader('Retry-After') === undefined) {
        response.setHeader('Retry-After', String(FALLBACK_RETRY_AFTER_SECONDS));
      }
    }
    const { linkPages } = this.collaborators;
    if (linkPages && (body.statusCode === 429 || body.statusCode === 413)) {
      if (LINK_PAGE.test(request.path ?? '')) {
        const html =
          body.statusCode === 429
            ? linkPages.renderRateLimited(
                Number(response.getHeader('Retry-After')) || FALLBACK_RETRY_AFTER_SECONDS,
              )
            : linkPages.renderTooLarge();
        response
          .status(body.statusCode)
          .setHeader('Cache-Control', 'no-store')
          .type('html')
          .send(html);
        return;
      }
    }
    const { staffPages } = this.collaborators;
    if (staffPages && !NOT_STAFF_PAGE.test(request.path ?? '/')) {
      response
        .status(body.statusCode)
        .setHeader('Cache-Control', 'no-store')
        .type('html')
        .send(staffPages.renderError(request, body.statusCode, body.code, body.requestId));
      return;
    }
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    const make = (statusCode: number, code: string, message: string, details?: unknown) => ({
      statusCode,
      error: reasonPhrase(statusCode),
      code,
      message,
      ...(details === undefined ? {} : { details }),
      requestId,
    });

    if (exception instanceof DomainError) {
      return make(exception.status, exception.code, exception.message, exception.details);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const raw: unknown =
        typeof response === 'string'
          ? response
          : ((response as { message?: unknown }).message ?? exception.message);
      const message = Array.isArray(raw)
        ? raw.map((part) => String(part)).join('; ')
        : typeof raw === 'string'
          ? raw
          : exception.message;
      return make(status, CODE_BY_STATUS[status] ?? 'http_error', message);
    }
    const errno = errnoOf(exception);
    if (errno && UNAVAILABLE_ERRNOS.has(errno)) {
      return make(
        503,
        'service_unavailable',
        'A backing service is unavailable; try again shortly',
      );
    }
    if (exception instanceof QueryFailedError && errno === 'ER_LOCK_DEADLOCK') {
      return make(409, 'conflict', 'A concurrent change got in the way; try again');
    }
    return make(500, 'internal_error', 'An unexpected error occurred');
  }
}
