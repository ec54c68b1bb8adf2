import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule as PinoLoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { loggablePath } from './loggable-path.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Structured JSON logs with a request id on every line; credentials never reach the log. */
export const LoggerModule = PinoLoggerModule.forRootAsync({
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => ({
    pinoHttp: [
      {
        level: config.logLevel,
        genReqId: (request: IncomingMessage, response: ServerResponse) => {
          const incoming = request.headers['x-request-id'];
          const id =
            typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
          response.setHeader('X-Request-Id', id);
          return id;
        },
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
