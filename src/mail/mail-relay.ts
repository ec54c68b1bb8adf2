import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MailOutbox } from './mail-outbox.entity.js';
import { MailQueue } from './mail-queue.js';

const INTERVAL_MS = 2_000;
const BATCH = 500;
/** A queued mail still pending after this long is queued again (its job may have been lost). */
const REQUEUE_AFTER_MS = 5 * 60_000;

/**
 * Moves committed outbox rows to the mail queue: those never queued (Redis was down when they
 * were committed) and those whose job seems lost (Redis restarted without its data). Queueing is
 * idempotent by job id, so several workers relaying at once do no harm.
 */
@Injectable()
export class MailRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: MailQueue,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relay(), INTERVAL_MS);
    void this.relay();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; a pass still waiting for Redis makes the next ones skip. */
  relay(): Promise<void> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.dataSource.manager
          .createQueryBuilder(MailOutbox, 'm')
          .select('m.id', 'id')
          .where("m.status = 'pending'")
          .andWhere('(m.queued_at IS NULL OR m.queued_at < :stale)', {
            stale: new Date(this.clock.now().getTime() - REQUEUE_AFTER_MS),
          })
          .orderBy('m.id')
          .limit(BATCH)
          .getRawMany<{ id: number }>();
        if (rows.length === 0 || !(await this.queue.enqueue(rows.map((row) => row.id)))) return;
        if (rows.length < BATCH) return;
      }
    } catch (error) {
      this.logger.warn(`Outbox relay pass failed: ${(error as Error).message}`);
    }
  }
}
