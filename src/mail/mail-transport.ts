import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';

export interface Delivery {
  /** What the server answered (`250 OK …`), or where the file was written. */
  response: string;
}

/** A refusal that no retry will change (an SMTP 5xx for the message or recipient). */
export function isPermanentFailure(error: unknown): boolean {
  const { responseCode, code } = error as { responseCode?: number; code?: string };
  // 5xx on the envelope or the message is final; authentication problems are an operator's to fix.
  return typeof responseCode === 'number' && responseCode >= 500 && code !== 'EAUTH';
}

/**
 * Sends through pooled SMTP when SMTP_URL is set; otherwise writes each mail as an .eml file to
 * MAIL_DIR so that a first run works without a mail server.
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter;
  private readonly mailDir: string | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.smtpUrl) {
      this.mailDir = null;
      const url = config.smtpUrl;
      // Host, port and credentials are given one by one: with `url`, nodemailer would take the
      // URL alone and drop the pool and timeout settings (one connection per mail).
      this.transporter = nodemailer.createTransport({
        pool: true,
        host: url.hostname,
        port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 587,
        secure: url.protocol === 'smtps:',
        auth: url.username
          ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
          : undefined,
        maxConnections: Math.min(config.mailConcurrency, 5),
        maxMessages: 100,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 60_000,
      });
      this.logger.log(`Mail goes through SMTP at ${config.smtpUrl.host}`);
    } else {
      this.mailDir = resolve(config.mailDir);
      this.transporter = nodemailer.createTransport({
        streamTransport: true,
        buffer: true,
        newline: 'unix',
      });
      this.logger.log(`No SMTP_URL: mails are written as .eml files to ${this.mailDir}`);
    }
  }

  async send(message: SendMailOptions, fileStem: string): Promise<Delivery> {
    // Text parts in base64: quoted-printable would break a personal link at a soft line break
    // (and write its "=" as "=3D") for anything that reads the raw mail.
    const info = (await this.transporter.sendMail({ textEncoding: 'base64', ...message })) as {
      response?: string;
      message?: Buffer;
    };
    if (this.mailDir === null) return { response: String(info.response ?? '') };
    await mkdir(this.mailDir, { recursive: true });
    const file = join(this.mailDir, `${fileStem}.eml`);
    // Written whole under a temporary name first, so a reader never sees half a mail.
    await writeFile(`${file}.tmp`, info.message ?? Buffer.alloc(0));
    await rename(`${file}.tmp`, file);
    this.logger.debug(`Mail written to ${file}`);
    return { response: `written to ${file}` };
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
