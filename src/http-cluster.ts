import cluster from 'node:cluster';
import type { Logger } from '@nestjs/common';
import type { AppConfig } from './config/env.schema.js';

/**
 * Runs `HTTP_PROCESSES` copies of the HTTP app on one port (Node's cluster module hands
 * connections to them in turn), so one container can use several cores. The primary has already
 * migrated; it passes the children the one JWT secret they must share and restarts a child that
 * dies, until SIGTERM, which it forwards and waits out.
 */
export function forkHttpProcesses(config: AppConfig, logger: Logger): void {
  let stopping = false;
  const fork = () =>
    cluster.fork({
      JWT_SECRET: config.jwtSecret,
      MIGRATIONS_RUN: 'false',
      HTTP_PROCESSES: '1',
      // Each child builds with its share of the cores, worked out here where N is known.
      WORD_THREADS: String(config.wordThreads),
    });
  for (let index = 0; index < config.httpProcesses; index += 1) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    logger.error(`HTTP process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    setTimeout(fork, 1_000).unref();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  logger.log(`Started ${config.httpProcesses} HTTP processes on port ${config.port}`);
}

export const isClusterChild = (): boolean => cluster.isWorker;
