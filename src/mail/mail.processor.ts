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

/**
 * Delivers one outbox row per job. The row, not the job, is the truth: a job for a row that is
 * already sent, failed or cancelled does nothing, so a replayed or duplicated job sends nothing.
 */
@Processor(QueueName.Mail)
export class MailProcessor
  extends WorkerHost
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly logger = new Logger(MailProcessor.name);
  private readonly jobs = new RunningJobs();
  private readonly attachments = new Map<string, Buffer>();
  private attachmentBytes = 0;
  private lastErrorLogged = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly handlers: OutboxHandlers,
    private readonly transport: MailTransport,
    private readonly clock: Clock,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.mailConcurrency;
  }

  process(job: Job<MailJob>): Promise<string> {
    return this.jobs.track(this.deliver(job));
  }

  beforeApplicationShutdown(): Promise<void> {
    return stopWorker(this.worker, this.jobs);
  }

  private async deliver(job: Job<MailJob>): Promise<string> {
    const mail = await this.dataSource.manager.findOneBy(MailOutbox, { id: job.data.outboxId });
    if (!mail || mail.status !== 'pending') return 'nothing to do';
    const handler = this.handlers.get(mail.kind);
    const replacements = handler.prepare
      ? await handler.prepare(this.dataSource.manager, mail)
      : {};
    if (replacements === null) {
      await this.dataSource.manager.update(
        MailOutbox,
        { id: mail.id, status: 'pending' },
        { status: 'cancelled' },
      );
      return 'cancelled';
    }
    let response: string;
    try {
      const message = await this.compose(mail, replacements);
      ({ response } = await this.transport.send(message, this.fileStem(mail)));
    } catch (error) {
      return this.fail(job, mail, error);
    }
    await this.dataSource.manager.update(
      MailOutbox,
      { id: mail.id, status: 'pending' },
      {
        status: 'sent',
        sentAt: this.clock.now(),
        smtpResponse: response.slice(0, 1000),
        attempts: () => 'attempts + 1',
      },
    );
    return 'sent';
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    // A Redis outage repeats this every reconnect; once a minute says enough.
    if (Date.now() - this.lastErrorLogged < 60_000) return;
    this.lastErrorLogged = Date.now();
    this.logger.warn(`Mail worker cannot reach the queue: ${error.message}`);
  }

  /** Records a failed attempt; after the last one (or a permanent refusal) the mail has failed. */
  private async fail(job: Job<MailJob>, mail: MailOutbox, error: unknown): Promise<never> {
    const reason = describeFailure(error);
    const final = isPermanentFailure(error) || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!final) {
      await this.dataSource.manager.update(
        MailOutbox,
        { id: mail.id },
        { lastError: reason, attempts: () => 'attempts + 1' },
      );
      this.logger.warn(`Mail ${mail.id} (${mail.kind}) failed, will retry: ${reason}`);
      throw error;
    }
    await this.dataSource.transaction(async (manager) => {
      const result = await manager.update(
        MailOutbox,
        { id: mail.id, status: 'pending' },
        {
          status: 'failed',
          failedAt: this.clock.now(),
          lastError: reason,
          attempts: () => 'attempts + 1',
        },
      );
      if (result.affected) await this.handlers.get(mail.kind).failed?.(manager, mail, reason);
    });
    this.logger.error(`Mail ${mail.id} (${mail.kind}) could not be delivered: ${reason}`);
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
