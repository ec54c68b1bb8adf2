import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { MailQueue, type Offer } from './mail-queue.js';

const INTERVAL_MS = 2_000;
const BATCH = 500;
/**
 * A queued row is checked against its job when its job was last seen live this long ago. Under a
 * minute from a lost job (Redis restarted without its data, a job failed by BullMQ) to a new
 * offer, while a healthy queue only sees reads: a live job is never added twice.
 */
export const RECHECK_AFTER_MS = 20_000;

/**
 * Keeps the queue in step with the outbox, which is the truth: rows never queued (Redis was down
 * when they were committed, or their last job died) are offered, and queued rows whose job is
 * gone, failed or completed while the row is still pending get a new offer. Several workers
 * relaying at once do no harm: adding an offer is idempotent by job id, and a new offer is
 * claimed with a conditional update.
 */
@Injectable()
export class MailRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** The outage being waited out, logged once when it starts and once when it ends. */
  private outage: string | null = null;

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
      const reached = (await this.recheck()) && (await this.offerUnqueued());
      if (reached && this.outage !== null) {
        this.logger.log(`Outbox relay works again after: ${this.outage}`);
        this.outage = null;
      }
    } catch (error) {
      // A database outage fails every pass; saying so once per outage is enough.
      if (this.outage === null) {
        this.outage = (error as Error).message;
        this.logger.warn(`Outbox relay pass failed, retrying every 2 s: ${this.outage}`);
      }
    }
  }

  /** Offers the rows with no live job; false when Redis could not be reached. */
  private async offerUnqueued(): Promise<boolean> {
    for (;;) {
      const rows = await this.dataSource.query<Offer[]>(
        `SELECT id, offers FROM mail_outbox
          WHERE status = 'pending' AND queued_at IS NULL ORDER BY id LIMIT ?`,
        [BATCH],
      );
      if (!(await this.queue.offer(rows.map(toOffer)))) return false;
      if (rows.length < BATCH) return true;
    }
  }

  /** Checks the jobs of rows not seen live lately; false when Redis could not be reached. */
  private async recheck(): Promise<boolean> {
    const stale = new Date(this.clock.now().getTime() - RECHECK_AFTER_MS);
    let after = 0;
    for (;;) {
      const rows = (
        await this.dataSource.query<Offer[]>(
          `SELECT id, offers FROM mail_outbox
            WHERE status = 'pending' AND queued_at < ? AND id > ? ORDER BY id LIMIT ?`,
          [stale, after, BATCH],
        )
      ).map(toOffer);
      if (rows.length === 0) return true;
      let checks;
      try {
        checks = await this.queue.check(rows);
      } catch {
        return false;
      }
      await this.queue.markQueued(checks.filter((check) => check.live));
      await this.queue.reoffer(checks.filter((check) => !check.live));
      if (rows.length < BATCH) return true;
      after = rows[rows.length - 1].id;
    }
  }
}

function toOffer(row: Offer): Offer {
  return { id: Number(row.id), offers: Number(row.offers) };
}
