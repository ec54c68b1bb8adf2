import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { loggablePath } from './loggable-path.js';
import type { IdentifiedRequest } from './request-id.js';

/** Structured JSON logs with a request id on every line; credentials never reach the log. */
export const LoggerModule = PinoLoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    pinoHttp: [
      {
        level: config.logLevel,
        // The id is assigned by `assignRequestId` before the body parsers; a request that somehow
        // skipped it still gets one of the server's own.
        genReqId: (request: IncomingMessage & IdentifiedRequest, response: ServerResponse) => {
          if (request.id !== undefined) return request.id;
          const id = randomUUID();
          response.setHeader('X-Request-Id', id);
          return id;
        },
        customProps: (request: IncomingMessage & IdentifiedRequest) =>
          request.clientRequestId ? { clientRequestId: request.clientRequestId } : {},
        autoLogging: { ignore: (request: IncomingMessage) => request.url === '/health' },
        redact: {
          paths: [
            'req.headers.authorization',
            'req.headers.cookie',
            'res.headers["set-cookie"]',
            '*.password',
            '*.passwordHash',
            '*.accessToken',
            '*.token',
          ],
          censor: '[redacted]',
        },
        serializers: {
          // Secure-link tokens travel in the path: log the route, not the token.
          req: (request: { id: string; method: string; url: string }) => ({
            id: request.id,
            method: request.method,
            url: loggablePath(request.url),
          }),
        },
      },
      // LOG_FILE appends to a file (created with its folder if missing), else standard output.
      config.logFile
        ? pino.destination({ dest: config.logFile, mkdir: true, append: true })
        : pino.destination(1),
    ],
  }),
});
