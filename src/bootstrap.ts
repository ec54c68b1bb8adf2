import { INestApplication, INestApplicationContext, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ServerResponse } from 'node:http';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { systemActor } from './common/actor.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import { assignRequestId } from './common/request-id.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/env.schema.js';
import type { DatabaseEngine } from './database/data-source-options.js';
import { ensureDatabase, runMigrations, StartupError } from './database/database-setup.js';
import { pingRedis } from './queue/redis-options.js';
import { ResponsePage } from './responses/response-page.js';
import { serveWebAssets, staffPageReferrerPolicy } from './web/assets.js';
import { WebViews } from './web/web-views.js';
import { SecurityLogService } from './security-log/security-log.service.js';
import { UsersService } from './users/users.service.js';
import { WorkerModule } from './worker.module.js';

function noStore(_request: unknown, response: ServerResponse, next: () => void): void {
  response.setHeader('Cache-Control', 'no-store');
  next();
}

/** Signals that stop the service gracefully; others (SIGUSR1/2, used by profilers) do not. */
const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'];

async function ensureRedis(config: AppConfig): Promise<void> {
  try {
    await pingRedis(config.redisUrl);
  } catch (error) {
    const url = config.redisUrl;
    throw new StartupError(
      `Cannot reach Redis at ${url.hostname}:${url.port || 6379} (REDIS_URL): ${(error as Error).message}.\n` +
        '  Start it, e.g. `redis-server --daemonize yes --port 6379`,\n' +
        '  or `docker compose -f docker/compose.yml up -d redis`, or point REDIS_URL elsewhere.',
    );
  }
}

/**
 * Checks Redis and the database, creates the database if missing and runs migrations under a lock
 * (unless MIGRATIONS_RUN=false). Throws {@link StartupError} with a message that says what to do.
 */
export async function prepareInfrastructure(
  config: AppConfig,
  log: (message: string) => void = () => undefined,
): Promise<DatabaseEngine> {
  await ensureRedis(config);
  const engine = await ensureDatabase(config);
  if (config.migrationsRun) {
    const applied = await runMigrations(config, engine);
    if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
  }
  return engine;
}

function setUpOpenApi(app: INestApplication, config: AppConfig): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Remiss')
      .setDescription(
        `Referral rounds, answers, reminders and protocol extracts for ${config.municipalityName}. ` +
          'Authenticate with POST /api/auth/login and send the token as a bearer token.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}

/** The HTTP application (roles `api` and `all`), initialised but not yet listening. */
export async function createHttpApp(
  config: AppConfig,
  engine: DatabaseEngine,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, engine), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // First, so that every response (body-parser errors included) carries the server's request id.
  app.use(assignRequestId);
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // "Logga ut" posts to /logout, which sends a single sign-on session on to the
          // provider's end-session endpoint; browsers apply form-action to that redirect.
          formAction: ["'self'", ...(config.oidc ? [config.oidc.issuer.origin] : [])],
        },
      },
    }),
  );
  // Nothing the API answers (tokens, case titles, documents) belongs in a shared or browser cache.
  app.use('/api', noStore);
  serveWebAssets(app, config);
  app.use(staffPageReferrerPolicy);
  app.disable('x-powered-by');
  // Nothing is cached (API and pages are no-store), so hashing every body for an ETag is waste: a
  // round's page with 300 consultees is a quarter of a megabyte.
  app.set('etag', false);
  // Client addresses (login rate limits, logs) come from X-Forwarded-For only behind known proxies.
  app.set('trust proxy', config.trustProxy);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(
    new AllExceptionsFilter({
      forbidden: app.get(SecurityLogService),
      linkPages: app.get(ResponsePage),
      staffPages: app.get(WebViews),
    }),
  );
  app.enableShutdownHooks(SHUTDOWN_SIGNALS);
  setUpOpenApi(app, config);
  await app.init();
  if (config.bootstrapAdminEmail && config.bootstrapAdminPassword) {
    const admin = await app
      .get(UsersService)
      .bootstrapAdmin(
        config.bootstrapAdminEmail,
        config.bootstrapAdminPassword,
        systemActor('bootstrap'),
      );
    if (admin) new NestLogger('Bootstrap').log(`Created the first admin user ${admin.email}`);
  }
  return app;
}

/** The queue consumers without HTTP (role `worker`). */
export async function createWorker(
  config: AppConfig,
  engine: DatabaseEngine,
): Promise<INestApplicationContext> {
  const context = await NestFactory.createApplicationContext(
    WorkerModule.register(config, engine),
    {
      bufferLogs: true,
    },
  );
  context.useLogger(context.get(Logger));
  context.enableShutdownHooks(SHUTDOWN_SIGNALS);
  await context.init();
  return context;
}
