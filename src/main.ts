import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createHttpApp, createWorker, prepareInfrastructure } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/env.schema.js';
import { ensureDatabase, StartupError } from './database/database-setup.js';
import { forkHttpProcesses, isClusterChild } from './http-cluster.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new Logger('Remiss');
  // A cluster child finds the database prepared by its primary; it only learns the engine.
  const engine = isClusterChild()
    ? await ensureDatabase(config)
    : await prepareInfrastructure(config, (message) => logger.log(message));
  if (config.appRole === 'worker') {
    await createWorker(config, engine);
    logger.log(`Worker started in ${Math.round(process.uptime() * 1000)} ms`);
    return;
  }
  if (config.httpProcesses > 1 && !isClusterChild()) {
    forkHttpProcesses(config, logger);
    return;
  }
  const app = await createHttpApp(config, engine);
  await app.listen(config.port);
  logger.log(
    `Remiss (${config.appRole}) listening on port ${config.port}, started in ${Math.round(process.uptime() * 1000)} ms; ` +
      `API docs at ${new URL('/api/docs', config.publicUrl).href}`,
  );
}

main().catch((error: unknown) => {
  // Configuration and unreachable dependencies get a plain message, not a stack trace.
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`Remiss cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`Remiss cannot start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
