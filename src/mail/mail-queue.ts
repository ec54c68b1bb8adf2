import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { JobsOptions } from 'bullmq';
import { DataSource } from 'typeorm';
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
import { describeMails } from './mail-labels.js';

/**
 * The BullMQ job id of one offer of an outbox row. Each offer has an id of its own, so a row whose
 * job failed, completed or vanished can be offered again (BullMQ ignores an add whose id exists).
 */
export function mailJobId(outboxId: number, offer: number): string {
  return `mail-${outboxId}-${offer}`;
}

/**
 * Job runs allowed per offer. Only SMTP attempts count against MAIL_MAX_ATTEMPTS, and the
 * processor keeps that count on the outbox row; a run cut short by the database, Redis or storage
 * is retried until they are back, so BullMQ's own limit is never the one that stops a mail.
 */
export const MAIL_JOB_RUNS = 1_000_000;

/** States in which a job will still run. */
const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

export interface Offer {
  id: number;
  offers: number;
}

/** The `offers` of a new outbox row: its first job is `mail-<id>-0`. */
export const FIRST_OFFER = 0;

/** What became of one offer's job: still to run, or dead (gone, failed or completed). */
export interface JobCheck extends Offer {
  live: boolean;
  state: string;
  failedReason?: string;
}

/**
 * Puts outbox rows on the mail queue. The row is the truth: it is marked queued (`queued_at`) only
 * once its job is seen waiting, delayed or running, and a row whose job is dead gets a new offer
 * (a new job id). While Redis is down an add fails at once and the relay tries again later.
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
      attempts: MAIL_JOB_RUNS,
      // The delay is chosen per failure by the processor (see mailBackoff).
      backoff: { type: 'mail', delay: config.mailRetryDelayMs },
      removeOnComplete: KEEP_COMPLETED_JOBS,
      removeOnFail: KEEP_FAILED_JOBS,
    };
  }

  /**
   * Queues the pending rows among `ids` (just committed); false when Redis could not be reached.
   * The job id needs each row's current offer, and only pending rows are queued: rows in `known`
   * (inserted by the committed transaction, so pending with their first offer as it committed)
   * are queued as they are, the others are read (a row found by its dedupe key may already be
   * sent, or offered again).
   */
  async enqueue(ids: number[], known: Offer[] = []): Promise<boolean> {
    if (ids.length === 0) return true;
    const knownIds = new Set(known.map((row) => row.id));
    const unknown = ids.filter((id) => !knownIds.has(id));
    const rows = known.filter((row) => ids.includes(row.id));
    if (unknown.length > 0) {
      try {
        rows.push(
          ...(await this.dataSource.query<Offer[]>(
            `SELECT id, offers FROM mail_outbox WHERE id IN (?) AND status = 'pending'`,
            [unknown],
          )),
        );
      } catch (error) {
        this.logger.warn(`Could not read the mails to queue: ${(error as Error).message}`);
        return false;
      }
    }
    return this.offer(rows);
  }

  /**
   * Adds a job for each row's current offer, then checks what became of it: a live job marks the
   * row queued; a dead one (an old job of that id that failed or completed) makes a new offer,
   * queued on the relay's next pass. False when Redis could not be reached.
   */
  async offer(rows: Offer[]): Promise<boolean> {
    if (rows.length === 0) return true;
    let checks: JobCheck[];
    try {
      await this.queues.get(QueueName.Mail).addBulk(
        rows.map((row) => ({
          name: 'deliver',
          data: { outboxId: row.id, offer: row.offers } satisfies MailJob,
          opts: { ...this.jobOptions, jobId: mailJobId(row.id, row.offers) },
        })),
      );
      checks = await this.check(rows);
    } catch (error) {
      this.queues.logOutage(error as Error);
      return false;
    }
    await this.markQueued(checks.filter((check) => check.live));
    await this.reoffer(checks.filter((check) => !check.live));
    return true;
  }

  /** The state of each row's current job. Throws when Redis cannot be reached. */
  async check(rows: Offer[]): Promise<JobCheck[]> {
    const queue = this.queues.get(QueueName.Mail);
    return Promise.all(
      rows.map(async (row): Promise<JobCheck> => {
        const state = await queue.getJobState(mailJobId(row.id, row.offers));
        if (LIVE_STATES.has(state)) return { ...row, live: true, state };
        const failedReason =
          state === 'failed'
            ? (await queue.getJob(mailJobId(row.id, row.offers)))?.failedReason
            : undefined;
        return { ...row, live: false, state, failedReason };
      }),
    );
  }

  /** Notes that the rows' current jobs were seen live, so the relay leaves them alone a while. */
  async markQueued(rows: Offer[]): Promise<void> {
    if (rows.length === 0) return;
    // Only bookkeeping: if it fails, the relay checks the jobs again, harmlessly.
    await this.dataSource
      .query(
        `UPDATE mail_outbox SET queued_at = ?
          WHERE status = 'pending' AND (id, offers) IN (${rows.map(() => '(?, ?)').join(', ')})`,
        [this.clock.now(), ...rows.flatMap((row) => [row.id, row.offers])],
      )
      .catch((error: Error) => this.logger.warn(`Could not note queued mails: ${error.message}`));
  }

  /**
   * Gives rows whose job is dead a new offer (one log line each). The `offers` condition makes
   * one relay win when several find the same dead job; the new job is added on the next pass.
   */
  async reoffer(dead: JobCheck[]): Promise<void> {
    if (dead.length === 0) return;
    const result = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE mail_outbox SET offers = offers + 1, queued_at = NULL
        WHERE status = 'pending' AND (id, offers) IN (${dead.map(() => '(?, ?)').join(', ')})`,
      dead.flatMap((row) => [row.id, row.offers]),
    );
    if (result.affectedRows === 0) return;
    const claimed = await this.dataSource.query<Offer[]>(
      `SELECT id, offers FROM mail_outbox WHERE status = 'pending' AND id IN (?)`,
      [dead.map((row) => row.id)],
    );
    const offerById = new Map(claimed.map((row) => [Number(row.id), Number(row.offers)]));
    const labels = await describeMails(
      this.dataSource.manager,
      dead.map((row) => row.id),
    );
    for (const row of dead) {
      if (offerById.get(row.id) !== row.offers + 1) continue;
      const why = row.state === 'unknown' ? 'missing from the queue' : row.state;
      const reason = row.failedReason ? ` (${row.failedReason.slice(0, 200)})` : '';
      this.logger.warn(`${labels.get(row.id)} re-offered: its job was ${why}${reason}`);
    }
  }
}
