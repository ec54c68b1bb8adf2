import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, PUBLISHED_SECRETS } from './env.schema.js';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const JWT_PROBLEM = /^JWT_SECRET is an example value that has been published/;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

/** Every JWT_SECRET value written out in the files an operator copies from. */
function secretsInDocs(): string[] {
  const found: string[] = [];
  for (const file of ['README.md', '.env.example', 'docker/compose.yml']) {
    const text = read(file);
    for (const match of text.matchAll(/JWT_SECRET(?:=|:\s*)([^\s`'"|]{32,})/g)) {
      found.push(match[1]);
    }
    for (const match of text.matchAll(/\$\{JWT_SECRET:?-([^}]+)\}/g)) found.push(match[1]);
  }
  return found;
}

describe('published secrets', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'mysql://root@db:3306/remiss' };

  it('refuses in production the JWT_SECRET the compose file used to ship', () => {
    const problems = problemsOf({
      ...production,
      JWT_SECRET: 'compose-trial-secret-change-me-0123456789abcdef',
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(JWT_PROBLEM);
  });

  it('refuses in production every example value written in the README, .env.example and compose', () => {
    for (const secret of [...PUBLISHED_SECRETS, ...secretsInDocs()]) {
      expect(problemsOf({ ...production, JWT_SECRET: secret })).toEqual([
        expect.stringMatching(JWT_PROBLEM),
      ]);
    }
  });

  it.each([
    ['a repeated character', 'a'.repeat(40)],
    ['a counted sequence', '0123456789012345678901234567890123'.slice(0, 9).repeat(4)],
    ['a placeholder', 'please-change-me-before-going-live-2027'],
    ['a placeholder', 'our-remiss-secret-for-the-municipality'],
  ])('refuses in production %s', (_what, secret) => {
    expect(problemsOf({ ...production, JWT_SECRET: secret })).toEqual([
      expect.stringMatching(JWT_PROBLEM),
    ]);
  });

  it('accepts a random secret in production, and example values outside it', () => {
    expect(
      problemsOf({ ...production, JWT_SECRET: 'q7Vt2xP9mL4kR8sW1nB6yH3jD0fG5cZaEuQi' }),
    ).toEqual([]);
    expect(
      problemsOf({
        NODE_ENV: 'development',
        JWT_SECRET: 'compose-trial-secret-change-me-0123456789abcdef',
      }),
    ).toEqual([]);
  });

  it('refuses in production the bootstrap admin password the compose file used to ship', () => {
    expect(
      problemsOf({
        ...production,
        JWT_SECRET: 'q7Vt2xP9mL4kR8sW1nB6yH3jD0fG5cZaEuQi',
        BOOTSTRAP_ADMIN_EMAIL: 'admin@kommun.se',
        BOOTSTRAP_ADMIN_PASSWORD: 'remiss-admin-2026',
      }),
    ).toEqual([
      'BOOTSTRAP_ADMIN_PASSWORD is an example value that has been published; choose another',
    ]);
  });
});

describe('docker/compose.yml', () => {
  const compose = read('docker/compose.yml');

  it('makes the operator set JWT_SECRET and the first admin password', () => {
    expect(compose).toMatch(/JWT_SECRET: \$\{JWT_SECRET:\?[^}]+\}/);
    expect(compose).toMatch(/BOOTSTRAP_ADMIN_PASSWORD: \$\{BOOTSTRAP_ADMIN_PASSWORD:\?[^}]+\}/);
    expect(secretsInDocs()).toEqual([]);
  });

  it('publishes every port on 127.0.0.1 unless BIND_ADDRESS says otherwise', () => {
    const ports = [...compose.matchAll(/^\s+- "([^"]*\d+:\d+)"$/gm)].map((match) => match[1]);
    expect(ports).toEqual([
      '${BIND_ADDRESS:-127.0.0.1}:8025:8025',
      '${BIND_ADDRESS:-127.0.0.1}:3000:3000',
    ]);
  });
});

describe('login limits', () => {
  it('has defaults in every direction', () => {
    const config = loadConfig({});
    expect(config.loginRateLimit).toBe(10);
    expect(config.loginAddressRateLimit).toBe(30);
    expect(config.loginAccountRateLimit).toBe(30);
    expect(config.loginAccountWindowSeconds).toBe(900);
  });

  it('refuses a per-address limit below the per-address-and-account one, and bad numbers', () => {
    expect(
      problemsOf({
        LOGIN_RATE_LIMIT: '10',
        LOGIN_ADDRESS_RATE_LIMIT: '5',
        LOGIN_ACCOUNT_RATE_LIMIT: 'many',
        LOGIN_ACCOUNT_WINDOW_SECONDS: '10',
      }),
    ).toEqual([
      'LOGIN_ADDRESS_RATE_LIMIT (5) must not be below LOGIN_RATE_LIMIT (10)',
      'LOGIN_ACCOUNT_RATE_LIMIT must be a whole number from 1 to 100000 (got "many")',
      'LOGIN_ACCOUNT_WINDOW_SECONDS must be a whole number from 60 to 86400 (got "10")',
    ]);
  });
});
