import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { QueueName } from '../queue/queue-name.js';
import { Queues } from '../queue/queues.js';
import { RunningJobs, stopWorker } from '../queue/worker-shutdown.js';
import { SecurityLogRetention } from '../security-log/security-log-retention.js';
import { ReminderSweepService, type SweepResult } from './reminder-sweep.service.js';

const SCHEDULER_ID = 'reminder-sweep';
/** The job that deletes expired security log rows, on the same queue and worker. */
const RETENTION_JOB = 'security-log-retention';
const RETENTION_EVERY_MS = 60 * 60_000;
/** How often each worker makes sure the schedule exists (Redis may have lost it). */
const ENSURE_SCHEDULE_MS = 5 * 60_000;

/**
 * Runs the reminder sweep on one cluster-wide BullMQ job scheduler: however many workers run,
 * each tick is one job. The sweep is safe to run twice anyway (see ReminderSweepService). A second
 * scheduler on the same queue deletes expired security log rows every hour.
 */
@Processor(QueueName.Reminders)
export class ReminderSweepProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ReminderSweepProcessor.name);
  private readonly jobs = new RunningJobs();
  private timer: NodeJS.Timeout | null = null;
  private lastErrorLogged = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queues: Queues,
    private readonly sweeps: ReminderSweepService,
    private readonly securityLogRetention: SecurityLogRetention,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    void this.ensureSchedule(true);
    this.timer = setInterval(() => void this.ensureSchedule(false), ENSURE_SCHEDULE_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await stopWorker(this.worker, this.jobs);
  }

  process(job: Job): Promise<SweepResult | { deleted: number }> {
    if (job.name === RETENTION_JOB) {
      return this.jobs.track(
        this.securityLogRetention.purge().then((deleted) => {
          if (deleted > 0) this.logger.log(`Deleted ${deleted} expired security log rows`);
          return { deleted };
        }),
      );
    }
    return this.jobs.track(this.sweeps.sweep());
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (Date.now() - this.lastErrorLogged < 60_000) return;
    this.lastErrorLogged = Date.now();
    this.logger.warn(`Reminder worker cannot reach the queue: ${error.message}`);
  }

  /**
   * Makes sure the schedule exists (Redis may have lost it); at start also sweeps once at once, so
   * a restart does not wait a whole period for what fell due meanwhile.
   */
  private async ensureSchedule(atStart: boolean): Promise<void> {
    const options = { removeOnComplete: 100, removeOnFail: 100 };
    try {
      const queue = this.queues.get(QueueName.Reminders);
      if (atStart) {
        await queue.add('sweep', {}, options);
        await queue.add(RETENTION_JOB, {}, options);
      }
      await queue.upsertJobScheduler(
        SCHEDULER_ID,
        { every: this.config.reminderSweepMinutes * 60_000 },
        { name: 'sweep', opts: options },
      );
      await queue.upsertJobScheduler(
        RETENTION_JOB,
        { every: RETENTION_EVERY_MS },
        { name: RETENTION_JOB, opts: options },
      );
    } catch (error) {
      this.queues.logOutage(error as Error);
    }
  }
}
