import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { ROLES, type Role } from '../users/role.js';

export const APP_ROLES = ['api', 'worker', 'all'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const NODE_ENVS = ['development', 'test', 'production'] as const;
type NodeEnv = (typeof NODE_ENVS)[number];

export const PASSWORD_LOGIN_MODES = ['all', 'admins', 'none'] as const;
/** Who may sign in with a password: everyone, only admins (break-glass), or nobody. */
export type PasswordLogin = (typeof PASSWORD_LOGIN_MODES)[number];

/** Single sign-on through the municipality's OpenID Connect provider. */
export interface OidcSettings {
  issuer: URL;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  /** The sign-in button's text. */
  displayName: string;
  /** The claim (ID token, userinfo, API access token) that carries the user's roles or groups. */
  rolesClaim: string;
  /** Claim values to Remiss roles. */
  roleMap: ReadonlyMap<string, Role>;
  organisationClaim: string | null;
  /** Claim values to organisation series codes (e.g. `KS`) or ids (as digits). */
  organisationMap: ReadonlyMap<string, string>;
  /** The audience of the provider's access tokens that the API accepts; null = none accepted. */
  apiAudience: string | null;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** The validated configuration; the only place `process.env` is read is {@link loadConfig}. */
export interface AppConfig {
  nodeEnv: NodeEnv;
  databaseUrl: URL;
  databaseName: string;
  migrationsRun: boolean;
  redisUrl: URL;
  queuePrefix: string;
  smtpUrl: URL | null;
  mailFrom: string;
  mailDir: string;
  /** Delivery attempts per mail before it is marked failed. */
  mailMaxAttempts: number;
  /** Delay before the first retry; each later retry waits twice as long. */
  mailRetryDelayMs: number;
  /** Mails one worker process sends at once. */
  mailConcurrency: number;
  /**
   * How long a running mail job's lock lasts without renewal, and how often workers look for
   * jobs whose worker died (BullMQ's lockDuration and stalledInterval).
   */
  mailLockMs: number;
  /** Draft documents are attached to an invitation only up to this many bytes in total. */
  mailAttachmentsMaxBytes: number;
  /** Root of the Handlebars templates (mail/, web/). */
  templatesDir: string;
  /** Requests per minute one client address may make to the secure-link routes. */
  respondRateLimit: number;
  /** Minutes between the scheduled reminder sweeps. */
  reminderSweepMinutes: number;
  publicUrl: URL;
  port: number;
  appRole: AppRole;
  storageDir: string;
  jwtSecret: string;
  jwtTtlSeconds: number;
  bootstrapAdminEmail: string | null;
  bootstrapAdminPassword: string | null;
  municipalityName: string;
  tzRegion: string;
  clockOffsetMs: number;
  logLevel: LogLevel;
  /** Where the JSON logs go; null = standard output. */
  logFile: string | null;
  /** Login attempts per minute for one client address and account. */
  loginRateLimit: number;
  /** Login attempts per minute from one client address, whatever the account (spraying). */
  loginAddressRateLimit: number;
  /** Login attempts for one account from all addresses within {@link loginAccountWindowSeconds}. */
  loginAccountRateLimit: number;
  loginAccountWindowSeconds: number;
  /** Minutes without a request after which a staff page session ends. */
  webSessionIdleMinutes: number;
  /**
   * Seconds an API process keeps a signed-in user in memory between requests; 0 reads the user
   * from the database on every request. Changes through the service take effect at once anyway.
   */
  authCacheSeconds: number;
  uploadMaxBytes: number;
  /** Days a security log row is kept after its last event. */
  securityLogRetentionDays: number;
  /** Uploads (multipart requests to routes that take files) per user or per link per minute. */
  uploadRateLimit: number;
  httpProcesses: number;
  /** Worker threads that build Word documents; 0 builds them in the request thread. */
  wordThreads: number;
  /** Null unless OIDC_ISSUER is set. */
  oidc: OidcSettings | null;
  passwordLogin: PasswordLogin;
  /** Express `trust proxy`: false, a hop count, or addresses/subnets of the proxies. */
  trustProxy: false | number | string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const OFFSET_UNITS_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Parses `+6d`, `-3h`, `+90m`, `+30s` (or a sum such as `+1d2h`) into milliseconds. */
export function parseClockOffset(value: string): number | null {
  const match = /^([+-])((?:\d+[dhms])+)$/.exec(value.trim());
  if (!match) return null;
  let total = 0;
  for (const [, amount, unit] of match[2].matchAll(/(\d+)([dhms])/g)) {
    total += Number(amount) * OFFSET_UNITS_MS[unit as keyof typeof OFFSET_UNITS_MS];
  }
  return match[1] === '-' ? -total : total;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Secrets that have been published as examples (the compose file shipped this one) and must never
 * sign tokens in production.
 */
export const PUBLISHED_SECRETS: ReadonlySet<string> = new Set([
  'compose-trial-secret-change-me-0123456789abcdef',
  'change-me-to-a-long-random-string-of-32-or-more-characters',
]);

/** Example passwords published for trials (compose file, README). */
export const PUBLISHED_PASSWORDS: ReadonlySet<string> = new Set([
  'remiss-admin-2026',
  'a long passphrase',
]);

/**
 * True for a published example secret, or one too plain to have been generated: words that mark a
 * placeholder, or fewer than 10 different characters (`aaaa…`, `0123456789012…`).
 */
export function isPublishedSecret(secret: string): boolean {
  if (PUBLISHED_SECRETS.has(secret)) return true;
  if (/change.?me|example|placeholder|secret|exempel/i.test(secret)) return true;
  return new Set(secret).size < 10;
}

/**
 * Parses `a=b,c=d` into a map; null when an entry lacks its `=` or either side, or a key repeats.
 * Keys may hold anything but `,` and `=` (group names such as `Remiss.Registrator`, GUIDs).
 */
export function parsePairs(value: string): Map<string, string> | null {
  const pairs = new Map<string, string>();
  if (value.trim() === '') return pairs;
  for (const entry of value.split(',')) {
    const match = /^\s*([^=]+?)\s*=\s*([^=]+?)\s*$/.exec(entry);
    if (!match || pairs.has(match[1])) return null;
    pairs.set(match[1], match[2]);
  }
  return pairs;
}

/** The OIDC_* settings: null when OIDC_ISSUER is unset; problems are pushed onto `problems`. */
export function parseOidcSettings(
  read: (name: string, fallback: string) => string,
  problems: string[],
): OidcSettings | null {
  const issuerValue = read('OIDC_ISSUER', '');
  const required = ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ROLE_MAP', 'OIDC_DISPLAY_NAME'];
  if (issuerValue === '') {
    const stray = [...required, 'OIDC_API_AUDIENCE', 'OIDC_ORGANISATION_CLAIM'].filter(
      (name) => read(name, '') !== '',
    );
    if (stray.length > 0) problems.push(`${stray.join(', ')} need OIDC_ISSUER to be set`);
    return null;
  }
  let issuer: URL;
  try {
    issuer = new URL(issuerValue);
    if (issuer.protocol !== 'https:' && issuer.protocol !== 'http:') throw new Error('protocol');
  } catch {
    problems.push(`OIDC_ISSUER must be an https URL (got "${issuerValue}")`);
    return null;
  }
  const missing = required.filter((name) => read(name, '') === '');
  if (missing.length > 0) {
    problems.push(`${missing.join(', ')} must be set when OIDC_ISSUER is set`);
  }
  const scopes = read('OIDC_SCOPES', 'openid profile email').split(/\s+/);
  if (!scopes.includes('openid')) problems.push('OIDC_SCOPES must include openid');

  const roleMap = new Map<string, Role>();
  const rolePairs = parsePairs(read('OIDC_ROLE_MAP', ''));
  if (rolePairs === null) {
    problems.push(
      'OIDC_ROLE_MAP must look like Remiss.Registrator=registrar,Remiss.Sekreterare=clerk',
    );
  } else {
    for (const [claim, role] of rolePairs) {
      if ((ROLES as readonly string[]).includes(role)) roleMap.set(claim, role as Role);
      else
        problems.push(`OIDC_ROLE_MAP maps "${claim}" to "${role}", not one of ${ROLES.join(', ')}`);
    }
  }
  const organisationClaim = read('OIDC_ORGANISATION_CLAIM', '') || null;
  const organisationPairs = parsePairs(read('OIDC_ORGANISATION_MAP', ''));
  if (organisationPairs === null) {
    problems.push('OIDC_ORGANISATION_MAP must look like Servicenamnden=SFN,Kommunstyrelsen=KS');
  } else if (organisationPairs.size > 0 && organisationClaim === null) {
    problems.push('OIDC_ORGANISATION_MAP needs OIDC_ORGANISATION_CLAIM');
  }
  return {
    issuer,
    clientId: read('OIDC_CLIENT_ID', ''),
    clientSecret: read('OIDC_CLIENT_SECRET', ''),
    scopes,
    displayName: read('OIDC_DISPLAY_NAME', ''),
    rolesClaim: read('OIDC_ROLES_CLAIM', 'roles'),
    roleMap,
    organisationClaim,
    organisationMap: organisationPairs ?? new Map(),
    apiAudience: read('OIDC_API_AUDIENCE', '') || null,
  };
}

/** Reads `.env` (if present) under the real environment, which wins. */
export function readEnvironment(cwd = process.cwd()): Env {
  const file = `${cwd}/.env`;
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...process.env };
}

/**
 * Validates the environment and returns the typed configuration. Every problem is collected so a
 * single start-up names all of them.
 */
export function loadConfig(env: Env = readEnvironment()): AppConfig {
  const problems: string[] = [];
  const read = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? fallback : value.trim();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = read(name, fallback);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  };
  const url = (name: string, fallback: string, protocols: string[]): URL => {
    const value = read(name, fallback);
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol)) {
        problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
      return parsed;
    } catch {
      problems.push(`${name} is not a valid URL`);
      return new URL(fallback || 'http://invalid');
    }
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = read(name, String(fallback));
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  };
  const boolean = (name: string, fallback: boolean): boolean => {
    const value = read(name, String(fallback)).toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  };
  const optional = (name: string): string | null => {
    const value = read(name, '');
    return value === '' ? null : value;
  };

  const nodeEnv = oneOf('NODE_ENV', NODE_ENVS, 'development');
  const databaseUrl = url('DATABASE_URL', 'mysql://root@127.0.0.1:3306/remiss', [
    'mysql:',
    'mariadb:',
  ]);
  const databaseName = decodeURIComponent(databaseUrl.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(databaseName)) {
    problems.push('DATABASE_URL must name a database (letters, digits, _) in its path');
  }
  const redisUrl = url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']);
  const queuePrefix = read('QUEUE_PREFIX', 'remiss');
  if (!/^[A-Za-z0-9_{}:-]{1,64}$/.test(queuePrefix)) {
    problems.push('QUEUE_PREFIX may only hold letters, digits and _ - : { }');
  }
  const smtpValue = optional('SMTP_URL');
  const smtpUrl = smtpValue === null ? null : url('SMTP_URL', smtpValue, ['smtp:', 'smtps:']);
  const mailFrom = read('MAIL_FROM', 'Remiss <noreply@localhost>');
  if (!/^(?:[^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/.test(mailFrom)) {
    problems.push(`MAIL_FROM must be an address such as "Remiss <noreply@kommun.se>"`);
  }

  let jwtSecret = optional('JWT_SECRET');
  if (jwtSecret === null) {
    if (nodeEnv === 'production') problems.push('JWT_SECRET is required when NODE_ENV=production');
    // Outside production a per-process secret is fine: tokens simply end with the process.
    jwtSecret = randomBytes(32).toString('base64url');
  } else if (jwtSecret.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  } else if (nodeEnv === 'production' && isPublishedSecret(jwtSecret)) {
    problems.push(
      'JWT_SECRET is an example value that has been published (compose file, README, .env.example) ' +
        'or too plain to be secret; set a random one, e.g. `openssl rand -base64 48`',
    );
  }

  const bootstrapAdminEmail = optional('BOOTSTRAP_ADMIN_EMAIL');
  const bootstrapAdminPassword = optional('BOOTSTRAP_ADMIN_PASSWORD');
  if ((bootstrapAdminEmail === null) !== (bootstrapAdminPassword === null)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (bootstrapAdminEmail !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(bootstrapAdminEmail)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL is not an e-mail address');
  }
  if (bootstrapAdminPassword !== null && bootstrapAdminPassword.length < 12) {
    problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters');
  } else if (
    bootstrapAdminPassword !== null &&
    nodeEnv === 'production' &&
    PUBLISHED_PASSWORDS.has(bootstrapAdminPassword)
  ) {
    problems.push(
      'BOOTSTRAP_ADMIN_PASSWORD is an example value that has been published; choose another',
    );
  }

  const tzRegion = read('TZ_REGION', 'Europe/Stockholm');
  if (!isValidTimeZone(tzRegion))
    problems.push(`TZ_REGION is not a known time zone ("${tzRegion}")`);

  let clockOffsetMs = 0;
  const clockOffset = optional('CLOCK_OFFSET');
  if (clockOffset !== null) {
    const parsed = parseClockOffset(clockOffset);
    if (parsed === null) {
      problems.push(`CLOCK_OFFSET must look like +6d, -3h, +90m or +1d2h (got "${clockOffset}")`);
    } else if (nodeEnv === 'production') {
      problems.push('CLOCK_OFFSET is refused when NODE_ENV=production');
    } else {
      clockOffsetMs = parsed;
    }
  }

  const trustProxyValue = read('TRUST_PROXY', 'false');
  let trustProxy: false | number | string = false;
  if (/^\d+$/.test(trustProxyValue)) trustProxy = Number(trustProxyValue);
  else if (/^[\w.:/]+(\s*,\s*[\w.:/]+)*$/.test(trustProxyValue) && trustProxyValue !== 'true') {
    trustProxy = trustProxyValue === 'false' ? false : trustProxyValue;
  } else {
    problems.push(
      'TRUST_PROXY must be false, a number of proxy hops, or proxy addresses such as loopback, 10.0.0.0/8',
    );
  }

  const loginRateLimit = integer('LOGIN_RATE_LIMIT', 10, 1, 10_000);
  const loginAddressRateLimit = integer('LOGIN_ADDRESS_RATE_LIMIT', 30, 1, 100_000);
  if (loginAddressRateLimit < loginRateLimit) {
    problems.push(
      `LOGIN_ADDRESS_RATE_LIMIT (${loginAddressRateLimit}) must not be below LOGIN_RATE_LIMIT (${loginRateLimit})`,
    );
  }
  // Without PUBLIC_URL the links point at the port this process serves, so `PORT=3217` alone
  // gives working links on a workstation.
  const port = integer('PORT', 3000, 1, 65535);
  const publicUrl = url('PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']);

  const oidc = parseOidcSettings(read, problems);
  if (oidc && oidc.issuer.protocol === 'http:' && nodeEnv === 'production') {
    problems.push('OIDC_ISSUER must use https when NODE_ENV=production');
  }
  const httpProcesses = integer('HTTP_PROCESSES', 1, 1, 64);
  const passwordLogin = oneOf('PASSWORD_LOGIN', PASSWORD_LOGIN_MODES, oidc ? 'admins' : 'all');
  if (passwordLogin === 'none' && !oidc) {
    problems.push('PASSWORD_LOGIN=none needs OIDC_ISSUER: nobody could sign in');
  }

  const config: AppConfig = {
    nodeEnv,
    databaseUrl,
    databaseName,
    migrationsRun: boolean('MIGRATIONS_RUN', true),
    redisUrl,
    queuePrefix,
    smtpUrl,
    mailFrom,
    mailDir: read('MAIL_DIR', 'var/mail'),
    mailMaxAttempts: integer('MAIL_MAX_ATTEMPTS', 8, 1, 50),
    mailRetryDelayMs: integer('MAIL_RETRY_DELAY_MS', 30_000, 10, 3_600_000),
    mailConcurrency: integer('MAIL_CONCURRENCY', 10, 1, 200),
    mailLockMs: integer('MAIL_LOCK_MS', 30_000, 1_000, 600_000),
    mailAttachmentsMaxBytes: integer('MAIL_ATTACHMENTS_MAX_MB', 10, 0, 100) * 1024 * 1024,
    templatesDir: read('TEMPLATES_DIR', 'templates'),
    respondRateLimit: integer('RESPOND_RATE_LIMIT', 60, 1, 100_000),
    reminderSweepMinutes: integer('REMINDER_SWEEP_MINUTES', 5, 1, 1_440),
    publicUrl,
    port,
    appRole: oneOf('APP_ROLE', APP_ROLES, 'all'),
    storageDir: read('STORAGE_DIR', 'var/storage'),
    jwtSecret,
    jwtTtlSeconds: integer('JWT_TTL_SECONDS', 28_800, 60, 604_800),
    bootstrapAdminEmail: bootstrapAdminEmail?.toLowerCase() ?? null,
    bootstrapAdminPassword,
    municipalityName: read('MUNICIPALITY_NAME', 'Exempel kommun'),
    tzRegion,
    clockOffsetMs,
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    logFile: read('LOG_FILE', '') || null,
    loginRateLimit,
    loginAddressRateLimit,
    loginAccountRateLimit: integer('LOGIN_ACCOUNT_RATE_LIMIT', 30, 1, 100_000),
    loginAccountWindowSeconds: integer('LOGIN_ACCOUNT_WINDOW_SECONDS', 900, 60, 86_400),
    trustProxy,
    oidc,
    passwordLogin,
    webSessionIdleMinutes: integer('WEB_SESSION_IDLE_MINUTES', 60, 1, 720),
    authCacheSeconds: integer('AUTH_CACHE_SECONDS', 10, 0, 300),
    httpProcesses,
    // One per core, at most 4. With a single thread, each long build or collection in it held up
    // every document behind it (p99 of extracts 170–220 ms, against about 40 ms with two threads
    // on two cores). The cores are shared out between HTTP processes: N processes each starting
    // one thread per core would put N builders on every core.
    wordThreads: integer(
      'WORD_THREADS',
      Math.min(4, Math.max(1, Math.floor(availableParallelism() / httpProcesses))),
      0,
      64,
    ),
    uploadMaxBytes: integer('UPLOAD_MAX_MB', 50, 1, 2048) * 1024 * 1024,
    uploadRateLimit: integer('UPLOAD_RATE_LIMIT', 30, 1, 100_000),
    securityLogRetentionDays: integer('SECURITY_LOG_RETENTION_DAYS', 365, 1, 36_500),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
