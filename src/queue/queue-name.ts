/** Every BullMQ queue, named once. Job payloads carry ids only, never personal data. */
export enum QueueName {
  Mail = 'mail',
  Reminders = 'reminders',
  Archive = 'archive',
}

/** The payload of an archive export job: the export to build. */
export interface ArchiveJob {
  exportId: number;
}

/** The payload of a mail job: the outbox row to deliver, and which offer of it this job is. */
export interface MailJob {
  outboxId: number;
  /** Absent on jobs queued before offers were counted: those are offer 0. */
  offer?: number;
  /**
   * Set when the mail server accepted the mail but the database could not record it: the next
   * run records it instead of sending again. Holds no personal data.
   */
  accepted?: { at: string; response: string };
}

/** Finished jobs are kept for a while for inspection, then removed so Redis does not fill up. */
export const KEEP_COMPLETED_JOBS = { age: 24 * 3600, count: 10_000 } as const;
export const KEEP_FAILED_JOBS = { age: 14 * 24 * 3600 } as const;
