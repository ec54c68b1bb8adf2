import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

/** The one source of *now* and *today*; `CLOCK_OFFSET` shifts it for tests and demos. */
@Injectable()
export class Clock {
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'clockOffsetMs' | 'tzRegion'>,
  ) {
    this.dayFormat = new Intl.DateTimeFormat('en-CA', {
      timeZone: config.tzRegion,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  }

  now(): Date {
    return new Date(Date.now() + this.config.clockOffsetMs);
  }

  /** The calendar day (`YYYY-MM-DD`) in the configured region, by default Europe/Stockholm. */
  today(): string {
    return this.dayOf(this.now());
  }

  /** The calendar day (`YYYY-MM-DD`) of an instant in the configured region. */
  dayOf(instant: Date): string {
    const parts = Object.fromEntries(
      this.dayFormat.formatToParts(instant).map((part) => [part.type, part.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}`;
  }
}
