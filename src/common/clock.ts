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

/** The UTC instant at which a calendar day (`YYYY-MM-DD`) begins in a time zone. */
export function startOfDayIn(day: string, timeZone: string): Date {
  return instantAt(day, 0, timeZone);
}

/** The UTC instant of a whole hour on a calendar day in a time zone (08:00 is 08:00 in summer too). */
export function instantAt(day: string, hour: number, timeZone: string): Date {
  const wallClock = Date.parse(`${day}T00:00:00.000Z`) + hour * 3_600_000;
  const offsetAt = (instant: number): number => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(new Date(instant))
        .map((part) => [part.type, part.value]),
    );
    const local = Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    );
    return local - Math.floor(instant / 1000) * 1000;
  };
  // The offset may differ across a DST change that day: correct once with the offset there.
  const first = wallClock - offsetAt(wallClock);
  return new Date(wallClock - offsetAt(first));
}
