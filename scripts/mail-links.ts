// Prints the personal response link of each mail written to MAIL_DIR (when no SMTP_URL is set),
// with its recipient and subject, oldest first. The mails are parsed as a mail client would, so
// every transfer encoding is decoded; grepping the raw .eml files is not reliable.
//
//   npm run mail:links                                   every mail that holds a link
//   npm run mail:links -- --subject Riktlinjer           only mails whose subject contains this
//   npm run mail:links -- --to pensionarsradet@exempel.se --kind round-invitation
//   npm run -s mail:links -- --subject Riktlinjer --url  only the links, one a line
//
// MAIL_DIR is read like the service reads it (environment, then .env, default var/mail).

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { loadConfig, readEnvironment } from '../src/config/env.schema.js';

const LINK = /https?:\/\/[^\s<>"]+\/respond\/[A-Za-z0-9_-]+/;

interface Options {
  to?: string;
  subject?: string;
  kind?: string;
  urlOnly: boolean;
}

function parseArguments(argv: string[]): Options {
  const options: Options = { urlOnly: false };
  for (let index = 0; index < argv.length; index += 1) {
    const name = argv[index];
    const value = () => {
      const next = argv[++index];
      if (next === undefined) throw new Error(`${name} needs a value`);
      return next;
    };
    if (name === '--to') options.to = value().toLowerCase();
    else if (name === '--subject') options.subject = value().toLowerCase();
    else if (name === '--kind') options.kind = value();
    else if (name === '--url') options.urlOnly = true;
    else throw new Error(`unknown option ${name} (use --to, --subject, --kind, --url)`);
  }
  return options;
}

async function main(): Promise<number> {
  const options = parseArguments(process.argv.slice(2));
  // Only MAIL_DIR matters here: the rest of the configuration is read with safe stand-ins.
  const mailDir = resolve(loadConfig({ ...readEnvironment(), NODE_ENV: 'development' }).mailDir);
  let files: string[];
  try {
    // Named <created at>-<outbox id>-<kind>.eml, so the name orders them as they were made.
    files = readdirSync(mailDir)
      .filter((file) => file.endsWith('.eml'))
      .sort();
  } catch {
    process.stderr.write(`No mails: ${mailDir} does not exist (is SMTP_URL set?)\n`);
    return 1;
  }
  let found = 0;
  for (const file of files) {
    if (options.kind && !file.endsWith(`-${options.kind}.eml`)) continue;
    const mail = await simpleParser(readFileSync(join(mailDir, file)));
    const to = (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [])
      .flatMap((address) => address.value.map((entry) => entry.address ?? ''))
      .join(', ');
    const subject = mail.subject ?? '';
    if (options.to && !to.toLowerCase().includes(options.to)) continue;
    if (options.subject && !subject.toLowerCase().includes(options.subject)) continue;
    const link = LINK.exec(mail.text ?? '')?.[0];
    if (!link) continue;
    found += 1;
    process.stdout.write(options.urlOnly ? `${link}\n` : `${to}  ${subject}\n  ${link}\n`);
  }
  if (found === 0) process.stderr.write(`No mail with a response link in ${mailDir}\n`);
  return found === 0 ? 1 : 0;
}

// `| head -1` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`mail:links: ${(error as Error).message}\n`);
    process.exit(2);
  },
);
