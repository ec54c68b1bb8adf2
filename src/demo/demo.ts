// `npm run demo`: the service with a demo municipality, on an empty or an earlier demo database.
import 'reflect-metadata';
import { createHttpApp, prepareInfrastructure } from '../bootstrap.js';
import { systemActor } from '../common/actor.js';
import { ConfigError, loadConfig, readEnvironment } from '../config/env.schema.js';
import { StartupError } from '../database/database-setup.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { UsersService } from '../users/users.service.js';
import { DEMO_ORGANISATIONS, DEMO_PASSWORD, DEMO_USERS } from './demo-data.js';

const ADMIN_EMAIL = 'admin@exempel.se';

async function seed(organisations: OrganisationsService, users: UsersService): Promise<void> {
  const actor = systemActor('demo');
  const existing = await organisations.list({ limit: 200 });
  const idByName = new Map(
    existing.items.map((organisation) => [organisation.name, organisation.id]),
  );
  for (const organisation of DEMO_ORGANISATIONS) {
    if (idByName.has(organisation.name)) continue;
    const created = await organisations.create(
      {
        name: organisation.name,
        kind: organisation.kind,
        seriesCode: organisation.seriesCode,
        email: organisation.email,
        parentId: organisation.parent ? idByName.get(organisation.parent) : undefined,
      },
      actor,
    );
    idByName.set(created.name, created.id);
  }
  const known = new Set((await users.list({ limit: 200 })).items.map((user) => user.email));
  for (const user of DEMO_USERS) {
    if (known.has(user.email)) continue;
    await users.create(
      {
        name: user.name,
        email: user.email,
        password: DEMO_PASSWORD,
        roles: user.roles,
        organisationIds: user.organisations.map((name) => idByName.get(name) ?? 0),
      },
      actor,
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig({
    BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: DEMO_PASSWORD,
    ...readEnvironment(),
  });
  const engine = await prepareInfrastructure(config);
  const app = await createHttpApp(config, engine);
  await seed(app.get(OrganisationsService), app.get(UsersService));
  await app.listen(config.port);

  const base = config.publicUrl.href.replace(/\/$/, '');
  const logins = [
    { email: config.bootstrapAdminEmail ?? ADMIN_EMAIL, what: 'admin / systemförvaltare' },
    ...DEMO_USERS,
  ]
    .map((user) => `    ${user.email.padEnd(28)} ${user.what}`)
    .join('\n');
  process.stdout.write(`
Remiss demo – ${config.municipalityName}
  Tjänsten körs / the service runs on ${base}
  API-dokumentation / API docs:        ${base}/api/docs
  Hälsa / health:                      ${base}/health
  Katalogen / directory:               ${DEMO_ORGANISATIONS.length} nämnder, bolag och remissinstanser
  Inloggningar / logins (lösenord / password: ${DEMO_PASSWORD}):
${logins}
  Logga in / log in:
    curl -s -X POST ${base}/api/auth/login -H 'Content-Type: application/json' \\
      -d '{"email":"registrator@exempel.se","password":"${DEMO_PASSWORD}"}'
  E-post / mail folder:                ${config.smtpUrl ? config.smtpUrl.host : config.mailDir}
  Databas / database:                  ${config.databaseName} (${engine})
  Stoppa med / stop with Ctrl-C.
`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof StartupError) {
    process.stderr.write(`Remiss demo cannot start.\n${error.message}\n`);
  } else {
    process.stderr.write(`Remiss demo cannot start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
