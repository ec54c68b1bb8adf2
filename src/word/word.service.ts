import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { buildWord, type WordArgs, type WordDocumentName } from './word-builders.js';

/**
 * The worker script beside this file: compiled JavaScript in a build, or the TypeScript source
 * (loaded through tsx) when the sources run directly, as under the tests.
 */
function workerScript(): { filename: string; execArgv: string[] } | null {
  const compiled = join(import.meta.dirname, 'word.worker.js');
  if (existsSync(compiled)) return { filename: compiled, execArgv: [] };
  const source = join(import.meta.dirname, 'word.worker.ts');
  if (existsSync(source)) return { filename: source, execArgv: ['--import', 'tsx'] };
  return null;
}

/**
 * Builds Word documents off the event loop, in a pool of `WORD_THREADS` worker threads, so that
 * a large protocol or compilation does not hold up other requests and the build runs beside the
 * HTTP work on another core. With `WORD_THREADS=0` documents are built in the calling thread.
 */
@Injectable()
export class WordService implements OnApplicationShutdown {
  private readonly pool: Piscina | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const worker = config.wordThreads > 0 ? workerScript() : null;
    this.pool = worker
      ? new Piscina({
          ...worker,
          minThreads: config.wordThreads,
          maxThreads: config.wordThreads,
          idleTimeout: 60_000,
        })
      : null;
    if (config.wordThreads > 0 && !worker) {
      new Logger(WordService.name).warn(
        'No Word worker script: documents are built in the request thread',
      );
    }
  }

  async build<K extends WordDocumentName>(name: K, ...args: WordArgs<K>): Promise<Buffer> {
    if (!this.pool) return buildWord({ name, args });
    const bytes = (await this.pool.run({ name, args })) as Uint8Array;
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Documents the worker threads have built so far (0 when they are built in-thread). */
  get builtInWorkers(): number {
    return this.pool?.completed ?? 0;
  }

  /** After the HTTP server has closed, so documents still being built for a request finish. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool?.destroy();
  }
}
