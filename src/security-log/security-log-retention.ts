import { Inject, Injectable, Module } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/** Rows deleted per statement, so a long backlog never holds a big lock. */
const BATCH = 5_000;

const DAY_MS = 24 * 3600 * 1000;

/**
 * Deletes security log rows whose last event is older than SECURITY_LOG_RETENTION_DAYS. Run by a
 * cluster-wide scheduled job (see ReminderSweepProcessor); safe to run twice at once.
 */
@Injectable()
export class SecurityLogRetention {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The instant before which rows are removed. */
  cutoff(): Date {
    return new Date(this.clock.now().getTime() - this.config.securityLogRetentionDays * DAY_MS);
  }

  /** Deletes the expired rows; returns how many. */
  async purge(): Promise<number> {
    const cutoff = this.cutoff();
    let deleted = 0;
    for (;;) {
      // ix_security_event_last_at makes this a range scan of the expired rows only.
      const result = await this.dataSource.query<{ affectedRows: number }>(
        'DELETE FROM security_event WHERE last_at < ? ORDER BY last_at LIMIT ?',
        [cutoff, BATCH],
      );
      deleted += result.affectedRows;
      if (result.affectedRows < BATCH) return deleted;
    }
  }
}

/** The security log's retention, for the scheduled job (worker role). */
@Module({ providers: [SecurityLogRetention], exports: [SecurityLogRetention] })
export class SecurityLogRetentionModule {}
