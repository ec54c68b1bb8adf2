import type { Worker } from 'bullmq';

/** How long a stopping worker lets running jobs finish; the rest run again elsewhere. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** The jobs a processor is running now, so that shutdown can wait for them. */
export class RunningJobs {
  private readonly running = new Set<Promise<unknown>>();

  async track<T>(job: Promise<T>): Promise<T> {
    this.running.add(job);
    try {
      return await job;
    } finally {
      this.running.delete(job);
    }
  }

  /** Resolves when every running job has ended, or after `ms`, whichever comes first. */
  async settle(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }
}

/**
 * Stops a BullMQ worker without depending on Redis: BullMQ's own graceful close waits for Redis
 * and never returns while it is down. Takes no new jobs, lets running ones finish (up to the
 * grace period), then disconnects. A job cut off here stalls and is run again by another worker;
 * the processors are idempotent, so that is safe.
 */
export async function stopWorker(
  worker: Worker,
  jobs: RunningJobs,
  graceMs = SHUTDOWN_GRACE_MS,
): Promise<void> {
  await worker.pause(true);
  await jobs.settle(graceMs);
  await worker.close(true);
}
