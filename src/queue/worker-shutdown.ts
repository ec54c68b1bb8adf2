import type { Worker } from 'bullmq';

/** How long a stopping worker lets running jobs finish; the rest run again elsewhere. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** How long a job fetched before a pause may take to start. */
const LATE_START_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  /**
   * Resolves when no job is running, or after `ms`. A job the worker fetched just before it was
   * paused starts a moment later, so it looks again after each wait until none is left.
   */
  async settle(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      await sleep(Math.min(LATE_START_MS, Math.max(0, deadline - Date.now())));
      if (this.running.size === 0 || Date.now() >= deadline) return;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.running]),
        new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now()))),
      ]);
      clearTimeout(timer);
    }
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
