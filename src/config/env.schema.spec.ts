import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, parseClockOffset } from './env.schema.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.databaseUrl.href).toBe('mysql://root@127.0.0.1:3306/remiss');
    expect(config.databaseName).toBe('remiss');
    expect(config.redisUrl.href).toBe('redis://127.0.0.1:6379');
    expect(config.queuePrefix).toBe('remiss');
    expect(config.smtpUrl).toBeNull();
    expect(config.mailFrom).toBe('Remiss <noreply@localhost>');
    expect(config.mailDir).toBe('var/mail');
    expect(config.publicUrl.href).toBe('http://localhost:3000/');
    expect(config.port).toBe(3000);
    expect(config.appRole).toBe('all');
    expect(config.storageDir).toBe('var/storage');
    expect(config.municipalityName).toBe('Exempel kommun');
    expect(config.tzRegion).toBe('Europe/Stockholm');
    expect(config.clockOffsetMs).toBe(0);
    expect(config.migrationsRun).toBe(true);
  });

  it('points the links at PORT when PUBLIC_URL is not set, and lets PUBLIC_URL win', () => {
    expect(loadConfig({ PORT: '3217' }).publicUrl.href).toBe('http://localhost:3217/');
    expect(loadConfig({ PORT: '3217', PUBLIC_URL: '' }).publicUrl.href).toBe(
      'http://localhost:3217/',
    );
    const behindProxy = loadConfig({ PORT: '3217', PUBLIC_URL: 'https://remiss.kommun.se' });
    expect(behindProxy.publicUrl.href).toBe('https://remiss.kommun.se/');
    expect(behindProxy.port).toBe(3217);
  });

  it('names every malformed variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      APP_ROLE: 'web',
      DATABASE_URL: 'postgres://x/y',
      MIGRATIONS_RUN: 'maybe',
    });
    expect(problems).toEqual([
      'DATABASE_URL must use mysql: or mariadb: (got "postgres:")',
      'PORT must be a whole number from 1 to 65535 (got "eighty")',
      'MIGRATIONS_RUN must be true or false (got "maybe")',
      'APP_ROLE must be one of api, worker, all (got "web")',
    ]);
  });

  it('requires JWT_SECRET in production and refuses CLOCK_OFFSET there', () => {
    expect(problemsOf({ NODE_ENV: 'production', CLOCK_OFFSET: '+6d' })).toEqual([
      'JWT_SECRET is required when NODE_ENV=production',
      'CLOCK_OFFSET is refused when NODE_ENV=production',
    ]);
  });

  it('requires the bootstrap admin e-mail and password together', () => {
    expect(problemsOf({ BOOTSTRAP_ADMIN_EMAIL: 'admin@kommun.se' })).toEqual([
      'BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together',
    ]);
  });

  it('rejects an unknown time zone and a malformed clock offset', () => {
    expect(problemsOf({ TZ_REGION: 'Europe/Gotham', CLOCK_OFFSET: 'tomorrow' })).toEqual([
      'TZ_REGION is not a known time zone ("Europe/Gotham")',
      'CLOCK_OFFSET must look like +6d, -3h, +90m or +1d2h (got "tomorrow")',
    ]);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['', false],
    ['false', false],
    ['1', 1],
    ['loopback, 10.0.0.0/8', 'loopback, 10.0.0.0/8'],
  ])('reads %j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses true, which would let any client choose its own address', () => {
    expect(problemsOf({ TRUST_PROXY: 'true' })).toEqual([
      'TRUST_PROXY must be false, a number of proxy hops, or proxy addresses such as loopback, 10.0.0.0/8',
    ]);
  });
});

describe('parseClockOffset', () => {
  it.each([
    ['+6d', 6 * 86_400_000],
    ['-3h', -3 * 3_600_000],
    ['+90m', 90 * 60_000],
    ['+1d2h', 86_400_000 + 7_200_000],
  ])('parses %s', (value, expected) => {
    expect(parseClockOffset(value)).toBe(expected);
  });

  it.each(['6d', '+6w', '+', '+d'])('rejects %s', (value) => {
    expect(parseClockOffset(value)).toBeNull();
  });
});

describe('OIDC and PASSWORD_LOGIN', () => {
  const OIDC = {
    OIDC_ISSUER: 'https://login.kommun.se/realms/staff',
    OIDC_CLIENT_ID: 'remiss',
    OIDC_CLIENT_SECRET: 'a-client-secret',
    OIDC_DISPLAY_NAME: 'Logga in med Sigtuna kommuns konto',
    OIDC_ROLE_MAP: 'Remiss.Registrator=registrar, Remiss.Sekreterare=clerk',
  };

  it('is off, with passwords for everyone, when OIDC_ISSUER is unset', () => {
    const config = loadConfig({});
    expect(config.oidc).toBeNull();
    expect(config.passwordLogin).toBe('all');
  });

  it('reads the settings with their defaults, and passwords only for admins', () => {
    const config = loadConfig({
      ...OIDC,
      OIDC_ORGANISATION_CLAIM: 'department',
      OIDC_ORGANISATION_MAP: 'Servicenamnden=SFN,Styrelsen=12',
      OIDC_API_AUDIENCE: 'api://remiss',
    });
    expect(config.passwordLogin).toBe('admins');
    expect(config.oidc).toEqual({
      issuer: new URL(OIDC.OIDC_ISSUER),
      clientId: 'remiss',
      clientSecret: 'a-client-secret',
      scopes: ['openid', 'profile', 'email'],
      displayName: 'Logga in med Sigtuna kommuns konto',
      rolesClaim: 'roles',
      roleMap: new Map([
        ['Remiss.Registrator', 'registrar'],
        ['Remiss.Sekreterare', 'clerk'],
      ]),
      organisationClaim: 'department',
      organisationMap: new Map([
        ['Servicenamnden', 'SFN'],
        ['Styrelsen', '12'],
      ]),
      apiAudience: 'api://remiss',
    });
    expect(loadConfig({ ...OIDC, PASSWORD_LOGIN: 'none' }).passwordLogin).toBe('none');
    expect(loadConfig({ ...OIDC, OIDC_ROLES_CLAIM: 'groups' }).oidc?.rolesClaim).toBe('groups');
  });

  it('names what is missing or malformed', () => {
    expect(problemsOf({ OIDC_ISSUER: OIDC.OIDC_ISSUER })).toEqual([
      'OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_ROLE_MAP, OIDC_DISPLAY_NAME must be set when OIDC_ISSUER is set',
    ]);
    expect(problemsOf({ ...OIDC, OIDC_ROLE_MAP: 'Remiss.Chef=boss' })).toEqual([
      'OIDC_ROLE_MAP maps "Remiss.Chef" to "boss", not one of admin, registrar, clerk, respondent, reader',
    ]);
    expect(problemsOf({ ...OIDC, OIDC_ROLE_MAP: 'registrar' })).toEqual([
      'OIDC_ROLE_MAP must look like Remiss.Registrator=registrar,Remiss.Sekreterare=clerk',
    ]);
    expect(problemsOf({ ...OIDC, OIDC_ISSUER: 'login.kommun.se' })).toEqual([
      'OIDC_ISSUER must be an https URL (got "login.kommun.se")',
    ]);
    expect(problemsOf({ ...OIDC, OIDC_SCOPES: 'profile email' })).toEqual([
      'OIDC_SCOPES must include openid',
    ]);
    expect(problemsOf({ ...OIDC, OIDC_ORGANISATION_MAP: 'Servicenamnden=SFN' })).toEqual([
      'OIDC_ORGANISATION_MAP needs OIDC_ORGANISATION_CLAIM',
    ]);
    expect(problemsOf({ ...OIDC, PASSWORD_LOGIN: 'some' })).toEqual([
      'PASSWORD_LOGIN must be one of all, admins, none (got "some")',
    ]);
    expect(problemsOf({ OIDC_CLIENT_ID: 'remiss' })).toEqual([
      'OIDC_CLIENT_ID need OIDC_ISSUER to be set',
    ]);
  });

  it('refuses PASSWORD_LOGIN=none without OIDC, and an http issuer in production', () => {
    expect(problemsOf({ PASSWORD_LOGIN: 'none' })).toEqual([
      'PASSWORD_LOGIN=none needs OIDC_ISSUER: nobody could sign in',
    ]);
    expect(
      problemsOf({
        ...OIDC,
        OIDC_ISSUER: 'http://login.kommun.se',
        NODE_ENV: 'production',
        JWT_SECRET: 'kP3v9xQz2Lm8Rt5Wn7Yb4Hc6Jd1Fg0Sa',
      }),
    ).toEqual(['OIDC_ISSUER must use https when NODE_ENV=production']);
  });

  it('shares the cores out between HTTP processes for the Word threads, unless WORD_THREADS is set', () => {
    const cores = availableParallelism();
    expect(loadConfig({}).wordThreads).toBe(Math.min(4, cores));
    expect(loadConfig({ HTTP_PROCESSES: '2' }).wordThreads).toBe(
      Math.min(4, Math.max(1, Math.floor(cores / 2))),
    );
    expect(loadConfig({ HTTP_PROCESSES: '64' }).wordThreads).toBe(1);
    expect(loadConfig({ HTTP_PROCESSES: '2', WORD_THREADS: '3' }).wordThreads).toBe(3);
  });
});
