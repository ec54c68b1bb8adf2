import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource, In } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import {
  KEEP_COMPLETED_JOBS,
  KEEP_FAILED_JOBS,
  QueueName,
  type MailJob,
} from '../queue/queue-name.js';
import { REDIS_CLIENT } from '../queue/queue.module.js';
import { MailOutbox } from './mail-outbox.entity.js';

/** The BullMQ job id of an outbox row: adding it again while the job exists changes nothing. */
export function mailJobId(outboxId: number): string {
  return `mail-${outboxId}`;
}

/**
 * Puts outbox rows on the mail queue and notes when, so the relay leaves them alone. It adds
 * through the shared fail-fast Redis client: while Redis is down an add fails at once (the relay
 * tries again) instead of waiting, and shutting down never waits for Redis.
 */
@Injectable()
export class MailQueue implements OnApplicationShutdown {
  private readonly logger = new Logger(MailQueue.name);
  private readonly queue: Queue;
  private readonly jobOptions: JobsOptions;
  private lastFailureLogged = 0;

  constructor(
    @Inject(REDIS_CLIENT) redis: Redis,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    // A client instance given to BullMQ is shared: BullMQ never closes it, QueueModule does.
    this.queue = new Queue(QueueName.Mail, {
      connection: redis,
      prefix: config.queuePrefix,
    });
    this.jobOptions = {
      attempts: config.mailMaxAttempts,
      backoff: { type: 'exponential', delay: config.mailRetryDelayMs, jitter: 0.2 },
      removeOnComplete: KEEP_COMPLETED_JOBS,
      removeOnFail: KEEP_FAILED_JOBS,
    };
    // Without a listener a Redis outage would surface as an unhandled 'error' event.
    this.queue.on('error', (error) => this.logOutage(error));
  }

  /** True when every id is on the queue; false (logged) when Redis could not be reached. */
  async enqueue(ids: number[]): Promise<boolean> {
    try {
      await this.queue.addBulk(
        ids.map((id) => ({
          name: 'deliver',
          data: { outboxId: id } satisfies MailJob,
          opts: { ...this.jobOptions, jobId: mailJobId(id) },
        })),
      );
    } catch (error) {
      this.logOutage(error as Error);
      return false;
    }
    // Only bookkeeping for the relay: if it fails, the relay queues them again, harmlessly.
    await this.dataSource.manager
      .update(MailOutbox, { id: In(ids), status: 'pending' }, { queuedAt: this.clock.now() })
      .catch((error: Error) => this.logger.warn(`Could not note queued mails: ${error.message}`));
    return true;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }

  private logOutage(error: Error): void {
    // One line per minute is enough to say the queue is unreachable; the relay retries.
    if (Date.now() - this.lastFailureLogged < 60_000) return;
    this.lastFailureLogged = Date.now();
    this.logger.warn(`Mail queue unavailable, mails wait in the outbox: ${error.message}`);
  }
}
