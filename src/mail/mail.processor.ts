import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UnrecoverableError, type Job } from 'bullmq';
import type { SendMailOptions } from 'nodemailer';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../documents/storage/document-storage.js';
import { QueueName, type MailJob } from '../queue/queue-name.js';
import { RunningJobs, stopWorker } from '../queue/worker-shutdown.js';
import { MailOutbox, type OutboxAttachment } from './mail-outbox.entity.js';
import { isPermanentFailure, MailTransport } from './mail-transport.js';
import { describeMails } from './mail-labels.js';
import { OutboxHandlers } from './outbox-handlers.js';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Encoded attachments kept in memory per worker process (oldest dropped first). */
const ATTACHMENT_CACHE_BYTES = 64 * 1024 * 1024;

function replaceAll(text: string, replacements: [string, string][]): string {
  return replacements.reduce((result, [from, to]) => result.split(from).join(to), text);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function describeFailure(error: unknown): string {
  const { response, message } = error as { response?: string; message?: string };
  return String(response ?? message ?? error).slice(0, 500);
}

/** How many times a mail job may stall (its worker died or hung) before BullMQ fails it. */
export const MAIL_MAX_STALLS = 2;

/** Where @nestjs/bullmq keeps a processor's worker options. */
const WORKER_OPTIONS = 'bullmq:worker_metadata';

/** The most a run cut short by the database, Redis or storage waits before it runs again. */
const INFRASTRUCTURE_RETRY_MAX_MS = 60_000;

/** A failed run, carrying how long to wait before the next one. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryDelayMs: number,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** BullMQ's backoff for mail jobs: the delay the processor chose for this failure. */
export function mailBackoff(_attemptsMade: number, _type?: string, error?: Error): number {
  return error instanceof RetryLater ? error.retryDelayMs : 1_000;
}

/** `delay` less up to 20 %, so retries after an outage do not all come back at once. */
function jittered(delay: number): number {
  return Math.round(delay * (0.8 + Math.random() * 0.2));
}

/**
 * Delivers one outbox row per job. The row, not the job, is the truth: a job for a row that is
 * already sent, failed or cancelled, or for an earlier offer of it, does nothing, so a replayed
 * or duplicated job sends nothing.
 *
 * Only SMTP attempts count against MAIL_MAX_ATTEMPTS (on the row's `attempts`). A run that fails
 * on the database, Redis or storage is no attempt: it is retried, with a growing delay up to a
 * minute, until they are back, and never turns the mail `failed`.
 *
 * `maxStalledCount` is 2: a job whose worker died is run again by BullMQ twice, at its next
 * stall check (within 30 s), which is quicker than the relay. A third stall in a row fails the
 * job; the relay then sees a pending row with a dead job and offers it again (a log line each
 * time), so a crash loop is visible instead of silent, and the mail is still never lost. Each
 * stall may follow an SMTP acceptance that was not recorded: at most one extra copy per stall,
 * carrying the same link as the first.
 */
@Processor(QueueName.Mail, {
  maxStalledCount: MAIL_MAX_STALLS,
  settings: { backoffStrategy: mailBackoff },
})
export class MailProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(MailProcessor.name);
  private readonly jobs = new RunningJobs();
  private readonly attachments = new Map<string, Buffer>();
  private attachmentBytes = 0;
  private lastErrorLogged = 0;
  private lastInfrastructureLogged = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly handlers: OutboxHandlers,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
  ) {
    super();
    // The worker is made from this class's @Processor options once every provider exists; the
    // lock and stall-check timing come from the settings, so they are put in here.
    Reflect.defineMetadata(
      WORKER_OPTIONS,
      {
        ...(Reflect.getMetadata(WORKER_OPTIONS, MailProcessor) as object),
        lockDuration: config.mailLockMs,
        stalledInterval: config.mailLockMs,
      },
      MailProcessor,
    );
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.mailConcurrency;
  }

  async process(job: Job<MailJob>): Promise<string> {
    try {
      return await this.jobs.track(this.deliver(job));
    } catch (error) {
      if (error instanceof RetryLater || error instanceof UnrecoverableError) throw error;
      // Not an SMTP attempt: the database, Redis or storage failed around it.
      throw this.retryLater(job, error as Error);
    }
  }

  beforeApplicationShutdown(): Promise<void> {
    return stopWorker(this.worker, this.jobs);
  }

  private async deliver(job: Job<MailJob>): Promise<string> {
    const mail = await this.dataSource.manager.findOneBy(MailOutbox, { id: job.data.outboxId });
    if (!mail || mail.status !== 'pending') return 'nothing to do';
    // A job of an earlier offer (the relay found it dead) leaves the mail to the current one.
    if ((job.data.offer ?? 0) < mail.offers) return 'superseded';
    if (job.data.accepted) return this.recordSent(job, mail, job.data.accepted);
    const handler = this.handlers.get(mail.kind);
    const replacements = handler.prepare
      ? await handler.prepare(this.dataSource.manager, mail)
      : {};
    if (replacements === null) {
      await this.dataSource.manager.update(
        MailOutbox,
        { id: mail.id, status: 'pending' },
        { status: 'cancelled', linkSeed: null },
      );
      return 'cancelled';
    }
    const message = await this.compose(mail, replacements);
    let response: string;
    try {
      ({ response } = await this.transport.send(message, this.fileStem(mail)));
    } catch (error) {
      return this.fail(job, mail, error);
    }
    const accepted = { at: this.clock.now().toISOString(), response: response.slice(0, 1000) };
    try {
      return await this.recordSent(job, mail, accepted);
    } catch (error) {
      // The server has the mail: the next run only records it, unless Redis is down too (then
      // this is the one ambiguous case, and the mail may go once more).
      await job.updateData({ ...job.data, accepted }).catch(() => undefined);
      throw error;
    }
  }

  private async recordSent(
    job: Job<MailJob>,
    mail: MailOutbox,
    accepted: { at: string; response: string },
  ): Promise<string> {
    await this.dataSource.manager.update(
      MailOutbox,
      { id: mail.id, status: 'pending' },
      {
        status: 'sent',
        sentAt: new Date(accepted.at),
        smtpResponse: accepted.response,
        linkSeed: null,
        attempts: () => 'attempts + 1',
      },
    );
    // A run after a stall or a lost job may have followed an acceptance nobody recorded.
    if (job.data.accepted || (job.stalledCounter ?? 0) > 0 || mail.offers > 0) {
      const labels = await describeMails(this.dataSource.manager, [mail.id]);
      const how = job.data.accepted
        ? 'recorded as sent after the database came back (not sent again)'
        : 'sent again after an earlier run was cut off: the recipient may have two copies, with the same link';
      this.logger.warn(`${labels.get(mail.id)} ${how}`);
    }
    return 'sent';
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    // A Redis outage repeats this every reconnect; once a minute says enough.
    if (Date.now() - this.lastErrorLogged < 60_000) return;
    this.lastErrorLogged = Date.now();
    this.logger.warn(`Mail worker cannot reach the queue: ${error.message}`);
  }

  @OnWorkerEvent('stalled')
  async onStalled(jobId: string): Promise<void> {
    const outboxId = Number(/^mail-(\d+)/.exec(jobId)?.[1] ?? 0);
    const labels = await describeMails(this.dataSource.manager, [outboxId]);
    this.logger.warn(
      `${labels.get(outboxId)} stalled (its worker stopped mid-delivery); job ${jobId} runs again`,
    );
  }

  /** A run that was no SMTP attempt: retried later, logged at most once a minute. */
  private retryLater(job: Job<MailJob>, error: Error): RetryLater {
    const delay = Math.min(
      this.config.mailRetryDelayMs * 2 ** Math.min(job.attemptsMade, 6),
      INFRASTRUCTURE_RETRY_MAX_MS,
    );
    if (Date.now() - this.lastInfrastructureLogged >= 60_000) {
      this.lastInfrastructureLogged = Date.now();
      this.logger.warn(
        `Mail ${job.data.outboxId} waits for the database or storage (no attempt counted): ${error.message}`,
      );
    }
    return new RetryLater(error.message, jittered(delay));
  }

  /** Records a failed attempt; after the last one (or a permanent refusal) the mail has failed. */
  private async fail(job: Job<MailJob>, mail: MailOutbox, error: unknown): Promise<never> {
    const reason = describeFailure(error);
    const attempt = mail.attempts + 1;
    const final = isPermanentFailure(error) || attempt >= this.config.mailMaxAttempts;
    if (!final) {
      await this.dataSource.manager.update(
        MailOutbox,
        { id: mail.id },
        { lastError: reason, attempts: () => 'attempts + 1' },
      );
      this.logger.warn(`Mail ${mail.id} (${mail.kind}) failed, will retry: ${reason}`);
      throw new RetryLater(reason, jittered(this.config.mailRetryDelayMs * 2 ** (attempt - 1)));
    }
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        MailOutbox,
        { id: mail.id, status: 'pending' },
        {
          status: 'failed',
          failedAt: this.clock.now(),
          lastError: reason,
          linkSeed: null,
          attempts: () => 'attempts + 1',
        },
      );
      if (result.affected) await this.handlers.get(mail.kind).failed?.(manager, mail, reason);
    });
    const labels = await describeMails(this.dataSource.manager, [mail.id]);
    this.logger.error(`${labels.get(mail.id)} abandoned after ${attempt} attempts: ${reason}`);
    throw new UnrecoverableError(reason);
  }

  private async compose(
    mail: MailOutbox,
    replacements: Record<string, string>,
  ): Promise<SendMailOptions> {
    const plain = Object.entries(replacements);
    const html = plain.map(([from, to]): [string, string] => [
      from,
      to.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]),
    ]);
    const attachments = await Promise.all(
      (mail.attachments ?? []).map(async (attachment) => ({
        raw: await this.attachmentPart(attachment),
      })),
    );
    return {
      from: this.config.mailFrom,
      to: { name: mail.toName ?? '', address: mail.toAddress },
      subject: replaceAll(mail.subject, plain),
      text: replaceAll(mail.textBody, plain),
      html: replaceAll(mail.htmlBody, html),
      messageId: mail.messageId,
      date: this.clock.now(),
      // Automatic mail: out-of-office replies should not answer it.
      headers: { 'Auto-Submitted': 'auto-generated' },
      attachments,
    };
  }

  /**
   * An attachment as a finished MIME part (headers and base64 body), kept for a while: a round
   * sends the same draft to every recipient, so it is read and encoded once, not once per mail.
   */
  private async attachmentPart(attachment: OutboxAttachment): Promise<Buffer> {
    const key = `${attachment.sha256}|${attachment.mimeType}|${attachment.fileName}`;
    const cached = this.attachments.get(key);
    if (cached) return cached;
    const part = new MimeNode('multipart/mixed').createChild(attachment.mimeType, {
      filename: attachment.fileName,
    });
    part.setHeader('Content-Disposition', 'attachment');
    part.setContent(await readAll(await this.storage.open(attachment.sha256)));
    const built = await part.build();
    this.attachments.set(key, built);
    this.attachmentBytes += built.length;
    for (const [oldest, value] of this.attachments) {
      if (this.attachmentBytes <= ATTACHMENT_CACHE_BYTES) break;
      this.attachments.delete(oldest);
      this.attachmentBytes -= value.length;
    }
    return built;
  }

  private fileStem(mail: MailOutbox): string {
    const stamp = mail.createdAt.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
    return `${stamp}-${mail.id}-${mail.kind}`;
  }
}
