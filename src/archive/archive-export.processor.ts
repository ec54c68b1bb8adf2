import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { systemActor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { QueueName, type ArchiveJob } from '../queue/queue-name.js';
import { RunningJobs, stopWorker } from '../queue/worker-shutdown.js';
import { ArchiveBuilder, ExportRejected } from './archive-builder.js';
import { ArchiveExport } from './archive-export.entity.js';
import { describeSelection } from './selection-text.js';
import { ArchiveExportsService, EXPORT_JOB_OPTIONS } from './archive-exports.service.js';

/** How often each worker makes sure every unfinished export has its job (Redis may have lost it). */
const SWEEP_EVERY_MS = 60_000;

const ACTOR = systemActor('arkivexport');

/**
 * Builds archive export packages, one at a time per worker. The export row is the truth: a job
 * claims it with a new attempt number, and only that attempt may mark it ready or failed, so a
 * retried or duplicated job never mixes two halves. A package that fails validation is failed at
 * once with the validator's message; other errors are retried, and failed after the last try.
 */
@Processor(QueueName.Archive, { concurrency: 1 })
export class ArchiveExportProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(ArchiveExportProcessor.name);
  private readonly jobs = new RunningJobs();
  private timer: NodeJS.Timeout | null = null;
  private lastErrorLogged = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly builder: ArchiveBuilder,
    private readonly exports: ArchiveExportsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await stopWorker(this.worker, this.jobs);
  }

  process(job: Job<ArchiveJob>): Promise<{ status: string }> {
    return this.jobs.track(this.run(job));
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (Date.now() - this.lastErrorLogged < 60_000) return;
    this.lastErrorLogged = Date.now();
    this.logger.warn(`Archive worker cannot reach the queue: ${error.message}`);
  }

  /** Adds the job of every export still queued or building; the job id makes this idempotent. */
  async sweep(): Promise<void> {
    try {
      const rows = await this.dataSource.query<{ id: number }[]>(
        "SELECT id FROM archive_export WHERE status IN ('queued', 'building') ORDER BY id",
      );
      for (const row of rows) await this.exports.enqueue(Number(row.id));
    } catch (error) {
      this.logger.warn(`Archive export sweep failed: ${(error as Error).message}`);
    }
  }

  private async run(job: Job<ArchiveJob>): Promise<{ status: string }> {
    const id = job.data.exportId;
    const claimed = await this.dataSource.query<{ affectedRows: number }>(
      `UPDATE archive_export SET status = 'building', attempt = attempt + 1, started_at = ?,
              error = NULL
        WHERE id = ? AND status IN ('queued', 'building')`,
      [this.clock.now(), id],
    );
    if (claimed.affectedRows === 0) return { status: 'done already' };
    const row = await this.dataSource.manager.findOneByOrFail(ArchiveExport, { id });
    const caseIds = (
      await this.dataSource.query<{ id: number }[]>(
        `SELECT c.id FROM archive_export_case e JOIN case_record c ON c.id = e.case_id
          WHERE e.export_id = ? ORDER BY c.series_code, c.year, c.sequence`,
        [id],
      )
    ).map((found) => Number(found.id));
    const started = Date.now();
    try {
      const built = await this.builder.build({
        exportId: id,
        attempt: row.attempt,
        packageId: row.packageId,
        createdAt: row.createdAt,
        selection: describeSelection(row.selection, caseIds.length),
        caseIds,
      });
      await this.finish(row, 'ready', { size: built.size, sha256: built.sha256, error: null });
      this.logger.log(
        `Archive export ${id} ready: ${caseIds.length} cases, ${built.files} files, ${built.size} bytes in ${Date.now() - started} ms`,
      );
      return { status: 'ready' };
    } catch (error) {
      const message = (error as Error).message;
      const last = job.attemptsMade + 1 >= (job.opts.attempts ?? EXPORT_JOB_OPTIONS.attempts);
      if (!(error instanceof ExportRejected) && !last) throw error;
      await this.finish(row, 'failed', {
        size: null,
        sha256: null,
        error: message.slice(0, 60_000),
      });
      this.logger.warn(`Archive export ${id} failed: ${message}`);
      return { status: 'failed' };
    }
  }

  /** Ends the export, if this attempt is still the latest one. */
  private async finish(
    row: ArchiveExport,
    status: 'ready' | 'failed',
    result: { size: number | null; sha256: string | null; error: string | null },
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const updated = await manager.query<{ affectedRows: number }>(
        `UPDATE archive_export SET status = ?, size = ?, sha256 = ?, error = ?, finished_at = ?
          WHERE id = ? AND attempt = ? AND status = 'building'`,
        [status, result.size, result.sha256, result.error, this.clock.now(), row.id, row.attempt],
      );
      if (updated.affectedRows === 0) return;
      await this.audit.record(manager, ACTOR, {
        action: status === 'ready' ? 'archive_export.ready' : 'archive_export.failed',
        entity: 'archive_export',
        entityId: row.id,
        after:
          status === 'ready'
            ? { packageId: row.packageId, size: result.size, sha256: result.sha256 }
            : { packageId: row.packageId, error: result.error },
      });
    });
  }
}
