import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  headers: ParsedMail['headers'];
}

/** Decides an SMTP reply for a recipient: a code ≥ 400 refuses it, null accepts. */
export type RecipientPolicy = (address: string) => { code: number; message: string } | null;

/**
 * A real SMTP server in the test process: it receives what the app sends over a real connection
 * and keeps each accepted message parsed. A policy can refuse recipients for a while.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  /** Every RCPT TO seen, accepted or not. */
  readonly attempts: string[] = [];
  policy: RecipientPolicy = () => null;
  /** Time the server takes to accept each message, to keep deliveries in flight. */
  delayMs = 0;
  /** SMTP connections opened to it. */
  connections = 0;
  private readonly server: SMTPServer;
  private port = 0;

  private constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      size: 50 * 1024 * 1024,
      onConnect: (_session, callback) => {
        this.connections += 1;
        callback();
      },
      onRcptTo: (address: SMTPServerAddress, _session, callback) => {
        this.attempts.push(address.address);
        const refusal = this.policy(address.address);
        if (!refusal) return callback();
        callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      },
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then(async (parsed) => {
            if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
            for (const recipient of session.envelope.rcptTo) {
              this.mails.push({
                to: recipient.address,
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                messageId: parsed.messageId ?? '',
                subject: parsed.subject ?? '',
                text: parsed.text ?? '',
                html: typeof parsed.html === 'string' ? parsed.html : '',
                attachments: parsed.attachments.map((attachment) => ({
                  filename: attachment.filename ?? '',
                  contentType: attachment.contentType,
                  content: attachment.content,
                })),
                headers: parsed.headers,
              });
            }
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    this.server.on('error', () => undefined);
  }

  static async start(): Promise<SmtpSink> {
    const sink = new SmtpSink();
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    const address = sink.server.server.address();
    sink.port = typeof address === 'object' && address ? address.port : 0;
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to === address);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Polls until `done` holds (or the time is up) and returns the last value read. */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
