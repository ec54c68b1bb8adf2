// `npm run demo`: the service with a demo municipality, on an empty or an earlier demo database.
import 'reflect-metadata';
import { createHttpApp, prepareInfrastructure } from '../bootstrap.js';
import { systemActor } from '../common/actor.js';
import { ConfigError, loadConfig, readEnvironment } from '../config/env.schema.js';
import { StartupError } from '../database/database-setup.js';
import { randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CasesService } from '../cases/cases.service.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../documents/storage/document-storage.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import { UsersService } from '../users/users.service.js';
import { UserQueryDto } from '../users/dto/user.dto.js';
import { WebSessionService } from '../web/web-session.service.js';
import { concludeRound, writeWordFiles } from './demo-conclusion.js';
import { recordParagraph } from './demo-meeting.js';
import { seedAnswers, seedExtension, seedOpenRound, seedRound } from './demo-round.js';
import { browserTour } from './demo-tour.js';
import {
  DEMO_ANSWERS_IN_TIME,
  DEMO_CASES,
  DEMO_DECISION,
  DEMO_EXTENDED_ANSWER,
  DEMO_FINAL_DECISION,
  DEMO_OPEN_ROUND,
  DEMO_ORGANISATIONS,
  DEMO_PASSWORD,
  DEMO_USERS,
} from './demo-data.js';
import { simplePdf } from './demo-pdf.js';

const ADMIN_EMAIL = 'admin@exempel.se';
const DAY_MS = 86_400_000;

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

/** The demo cases with their documents, registered through the services like any upload. */
async function seedCases(app: INestApplication): Promise<number> {
  // Registered as an admin-like system actor, so confidential titles are readable for the check.
  const actor = { ...systemActor('demo'), roles: ['admin' as const] };
  const cases = app.get(CasesService);
  const documents = app.get(DocumentsService);
  const storage = app.get<DocumentStorage>(DOCUMENT_STORAGE);
  const organisations = (await app.get(OrganisationsService).list({ limit: 200 })).items;
  const existing = new Set(
    (await cases.list({ limit: 200 }, actor)).items.map((item) => item.title),
  );
  let created = 0;
  for (const demoCase of DEMO_CASES) {
    if (existing.has(demoCase.title)) continue;
    const owner = organisations.find((organisation) => organisation.name === demoCase.organisation);
    if (!owner) continue;
    const registered = await cases.create(
      {
        title: demoCase.title,
        description: demoCase.description,
        organisationId: owner.id,
        classification: demoCase.classification,
        confidential: demoCase.confidential ?? false,
      },
      actor,
    );
    for (const document of demoCase.documents) {
      const bytes = simplePdf(document.lines);
      const path = join(storage.incomingDir, `${randomUUID()}.upload`);
      await writeFile(path, bytes);
      try {
        await documents.register(
          registered.id,
          {
            title: document.title,
            direction: document.direction,
            counterpart: document.counterpart,
            date: document.date,
            confidentiality: document.confidentiality,
          },
          {
            path,
            originalname: document.fileName,
            mimetype: 'application/pdf',
            size: bytes.length,
          },
          actor,
        );
      } finally {
        await rm(path, { force: true });
      }
    }
    created += 1;
  }
  return created;
}

async function main(): Promise<void> {
  const environment = readEnvironment();
  // The service's JSON logs go to a file beside the mail folder (var/demo.log), so the summary
  // is what the terminal shows; LOG_FILE=/dev/stdout keeps them in the terminal.
  const logFile = resolve(environment.MAIL_DIR?.trim() || 'var/mail', '..', 'demo.log');
  const config = loadConfig({
    BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: DEMO_PASSWORD,
    LOG_FILE: logFile,
    ...environment,
  });
  process.stdout.write(
    `Remiss demo: building the demo municipality in ${config.databaseName}; ` +
      `logs go to ${config.logFile ?? 'standard output'}.\n`,
  );
  const engine = await prepareInfrastructure(config);
  // The story is played with the clock moved back: 40 days ago the utskott decided (§ 19) and the
  // round went out; 20 days ago Barn- och ungdomsnämnden answered and Exempel Hamn AB declined;
  // 12 days ago Servicenämnden was granted more time, and 2 days ago it answered; the others
  // were reminded after the deadline. Today the answers are compiled, the round is closed and
  // Kommunstyrelsen decides.
  const at = async <T>(daysAgo: number, act: (app: INestApplication) => Promise<T>) => {
    const then = await createHttpApp(
      { ...config, clockOffsetMs: config.clockOffsetMs - daysAgo * DAY_MS },
      engine,
    );
    try {
      return await act(then);
    } finally {
      await then.close();
    }
  };
  const { round, decision } = await at(40, async (app) => {
    await seed(app.get(OrganisationsService), app.get(UsersService));
    await seedCases(app);
    const decision = await recordParagraph(app, DEMO_DECISION);
    return { round: await seedRound(app, decision.itemId), decision };
  });
  await at(20, (app) => seedAnswers(app, round.id, DEMO_ANSWERS_IN_TIME));
  const extendedTo = await at(12, (app) => seedExtension(app, round.id));
  await at(DEMO_OPEN_ROUND.daysAgo, (app) => seedOpenRound(app));
  await at(2, (app) => seedAnswers(app, round.id, [DEMO_EXTENDED_ANSWER]));
  const app = await createHttpApp(config, engine);
  await concludeRound(app, round.id);
  const final = await recordParagraph(app, DEMO_FINAL_DECISION);
  const wordDir = resolve(config.mailDir, '..', 'word');
  const wordFiles = await writeWordFiles(app, wordDir, { roundId: round.id, decision, final });
  const summary = await app
    .get(RoundQueriesService)
    .get(round.id, { ...systemActor('demo'), roles: ['admin'] });
  await app.listen(config.port);

  // The address this process serves; the links in mails use PUBLIC_URL (by default the same).
  const base = `http://localhost:${config.port}`;
  const links = config.publicUrl.href.replace(/\/$/, '');
  // The demo registrar's one-time sign-in to the staff pages.
  const registrar = (
    await app.get(UsersService).list(Object.assign(new UserQueryDto(), { role: 'registrar' }))
  ).items.find((user) => user.email === DEMO_USERS[0].email);
  const signIn = registrar
    ? `${base}${await app.get(WebSessionService).createOneTimeSignIn(registrar.id)}`
    : null;
  const logins = [
    { email: config.bootstrapAdminEmail ?? ADMIN_EMAIL, what: 'admin / systemförvaltare' },
    ...DEMO_USERS,
  ]
    .map((user) => `    ${user.email.padEnd(28)} ${user.what}`)
    .join('\n');
  const tour = browserTour({
    base,
    strategyCaseNumber: summary.caseNumber,
    strategyRoundId: round.id,
    openRoundTitle: DEMO_OPEN_ROUND.title,
    decisionMeetingId: final.meetingId,
    decisionItemId: final.itemId,
    adminEmail: config.bootstrapAdminEmail ?? ADMIN_EMAIL,
  })
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
  const counts = summary.summary;
  const ownCases = summary.recipients
    .filter((recipient) => recipient.ownCaseNumber)
    .map((recipient) => `${recipient.organisation.name} ${recipient.ownCaseNumber}`);
  const servicenamnden = summary.recipients.find(
    (recipient) => recipient.organisation.name === 'Servicenämnden',
  );
  process.stdout.write(`
================================================================================
Remiss demo – ${config.municipalityName} – ${base}
================================================================================

Det här hände / what happened (played with the clock moved back):
  −40 d  ${DEMO_DECISION.organisation} beslutade i § ${decision.paragraph} att skicka förslaget på remiss
         (${summary.caseNumber}); paragrafen justerades och utdraget registrerades i ärendet.
         The utskott decided in § ${decision.paragraph} to send the draft on remiss; adjusted, extract registered.
         Remissen med förslaget och utdraget gick till ${counts.total} remissinstanser, var och en med egen länk.
         The draft and the extract went to ${counts.total} consultees, each with its own link.
         Nämnder med egen diarieserie fick remissen registrerad i ett eget ärende / committees with a
         series of their own got it registered in a case of their own:
           ${ownCases.join(',\n           ')}
  −20 d  Barn- och ungdomsnämnden svarade i tid; Exempel Hamn AB avstod.
         One committee answered on time; one company declined.
  −12 d  Servicenämnden fick anstånd till ${extendedTo} / was granted an extension to ${extendedTo}.
   −2 d  Servicenämnden svarade med en synpunkt på punkt 4.3 a, i sitt ärende ${servicenamnden?.ownCaseNumber ?? '–'};
         svaret är utgående där och inkommande i ${summary.caseNumber}.
         Servicenämnden answered with a comment on 4.3 a: outgoing in its case, incoming in the sender's.
         De som inte svarat har fått påminnelse efter svarstiden / the others were sent overdue notices.
  i dag  Sammanställningen registrerades, rundan stängdes och ${DEMO_FINAL_DECISION.organisation} beslutade i
         § ${final.paragraph} (${DEMO_FINAL_DECISION.title}).
         Today: the compilation was registered, the round closed, and the final decision recorded.
  Svar / answers: ${counts.answered}, avstår / declined: ${counts.declined}, utan svar / none: ${counts.total - counts.answered - counts.declined}

Var du hittar det / where to look:
  Tjänsten / the service:              ${base}${signIn ? `\n  Öppna i webbläsaren / open in a browser (${DEMO_USERS[0].email}, once, 15 min):\n    ${signIn}` : ''}${links === base ? '' : `\n  Länkar i e-post / links in mails:     ${links} (PUBLIC_URL)`}
  API-dokumentation / API docs:        ${base}/api/docs
  Hälsa / health:                      ${base}/health
  Katalogen / directory:               ${DEMO_ORGANISATIONS.length} nämnder, bolag och remissinstanser (GET ${base}/api/organisations)
  Diariet / register:                  GET ${base}/api/cases, the strategy case: GET ${base}/api/cases/${summary.caseId}
  Remissrundan / the round:            GET ${base}/api/rounds/${round.id} (responses, compilation.docx)
  Inkorgen / inbox (respondent):       GET ${base}/api/inbox
  Beslutet / the decision:             GET ${base}/api/meetings/${decision.meetingId}
  Word-filer / Word files:
${wordFiles.map((file) => `    ${file}`).join('\n')}
  E-post / mail:                       ${config.smtpUrl ? config.smtpUrl.host : `${resolve(config.mailDir)} (one .eml per mail; npm run mail:links lists the links)`}
  Loggar / logs:                       ${config.logFile ?? 'standard output'}
  Filer / stored documents:            ${resolve(config.storageDir)}
  Databas / database:                  ${config.databaseName} (${engine})
${tour}
  Inloggningar / logins (lösenord / password: ${DEMO_PASSWORD}):
${logins}
  Logga in / log in:
    curl -s -X POST ${base}/api/auth/login -H 'Content-Type: application/json' \\
      -d '{"email":"registrator@exempel.se","password":"${DEMO_PASSWORD}"}'
  Stoppa med / stop with Ctrl-C.
================================================================================
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
