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
import { loggablePath } from './loggable-path.js';

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

/** Turns every error into `{statusCode, error, code, message, details?, requestId}`. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const body = this.toBody(exception, String(request.id ?? ''));
    if (body.statusCode >= 500) {
      this.logger.error(
        { err: exception, requestId: body.requestId },
        `${request.method} ${loggablePath(request.path)} failed: ${body.code}`,
      );
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
