import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobsOptions } from 'bullmq';
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
import { Queues } from '../queue/queues.js';
import { MailOutbox } from './mail-outbox.entity.js';

/** The BullMQ job id of an outbox row: adding it again while the job exists changes nothing. */
export function mailJobId(outboxId: number): string {
  return `mail-${outboxId}`;
}

/**
 * Puts outbox rows on the mail queue and notes when, so the relay leaves them alone. While Redis
 * is down an add fails at once and the relay tries again later.
 */
@Injectable()
export class MailQueue {
  private readonly logger = new Logger(MailQueue.name);
  private readonly jobOptions: JobsOptions;

  constructor(
    private readonly queues: Queues,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly clock: Clock,
  ) {
    this.jobOptions = {
      attempts: config.mailMaxAttempts,
      backoff: { type: 'exponential', delay: config.mailRetryDelayMs, jitter: 0.2 },
      removeOnComplete: KEEP_COMPLETED_JOBS,
      removeOnFail: KEEP_FAILED_JOBS,
    };
  }

  /** True when every id is on the queue; false (logged) when Redis could not be reached. */
  async enqueue(ids: number[]): Promise<boolean> {
    try {
      await this.queues.get(QueueName.Mail).addBulk(
        ids.map((id) => ({
          name: 'deliver',
          data: { outboxId: id } satisfies MailJob,
          opts: { ...this.jobOptions, jobId: mailJobId(id) },
        })),
      );
    } catch (error) {
      this.queues.logOutage(error as Error);
      return false;
    }
    // Only bookkeeping for the relay: if it fails, the relay queues them again, harmlessly.
    await this.dataSource.manager
      .update(MailOutbox, { id: In(ids), status: 'pending' }, { queuedAt: this.clock.now() })
      .catch((error: Error) => this.logger.warn(`Could not note queued mails: ${error.message}`));
    return true;
  }
}
