/** Every BullMQ queue, named once. Job payloads carry ids only, never personal data. */
export enum QueueName {
  Mail = 'mail',
  Reminders = 'reminders',
}

/** The payload of a mail job: the outbox row to deliver. */
export interface MailJob {
  outboxId: number;
}

/** Finished jobs are kept for a while for inspection, then removed so Redis does not fill up. */
export const KEEP_COMPLETED_JOBS = { age: 24 * 3600, count: 10_000 } as const;
export const KEEP_FAILED_JOBS = { age: 14 * 24 * 3600 } as const;
