import request from 'supertest';
import type { Browser } from 'playwright-core';
import {
  describeInBrowser,
  elementsPastRightEdge,
  expectNoAxeViolations,
  launchBrowser,
  newPage,
  screenshot,
  scrollsSideways,
} from './helpers/browser.js';
import { createOrganisation, createUser, type TestUser } from './helpers/factories.js';
import { pdf } from './helpers/files.js';
import { buildSecretCase, SECRET_PATTERN, type SecretCase } from './helpers/secret-case.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { stockholmDay } from './helpers/test-clock.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { signInPage } from './helpers/web-session.js';

type Agent = ReturnType<typeof request.agent>;

interface Fixture {
  admin: string;
  registrar: TestUser;
  owner: { id: number };
  committees: { id: number; name: string }[];
  caseId: number;
  caseNumber: string;
  draftId: number;
}

/** An open case of the confidential fixture's Kommunstyrelsen with a draft and three committees. */
async function caseWithDraftIn(t: TestApp, secret: SecretCase): Promise<Fixture> {
  const committees: Fixture['committees'] = [];
  for (let index = 1; index <= 3; index += 1) {
    const name = `Nämnd ${index}`;
    const { id } = await createOrganisation(t, secret.admin, {
      name,
      kind: 'committee',
      email: `namnd${index}@kalmar.test`,
    });
    committees.push({ id, name });
  }
  const registered = await t
    .http()
    .post('/api/cases')
    .set('Authorization', secret.registrar.auth)
    .send({ title: 'Strategi för inkludering', organisationId: secret.organisations.ks })
    .expect(201);
  const draft = await t
    .http()
    .post(`/api/cases/${registered.body.id}/documents`)
    .set('Authorization', secret.registrar.auth)
    .field('title', 'Förslag till strategi')
    .field('direction', 'outgoing')
    .attach('file', pdf('Förslag till strategi'), { filename: 'Förslag till strategi.pdf' })
    .expect(201);
  return {
    admin: secret.admin,
    registrar: secret.registrar,
    owner: { id: secret.organisations.ks },
    committees,
    caseId: registered.body.id as number,
    caseNumber: registered.body.caseNumber as string,
    draftId: draft.body.id as number,
  };
}

function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`No CSRF field in ${html.slice(0, 200)}`);
  return match[1];
}

/** What the tests read of `GET /api/rounds/:id`. */
interface RoundBody {
  status: string;
  recipients: {
    id: number;
    status: string;
    deadline: string;
    organisation: { name: string };
    extensions: { reason: string | null }[];
  }[];
}

/** The status table's row header of a consultee, as a pattern: its name, linking to its page. */
function rowHeader(name: string): string {
  return `<th scope="row"><a class="ds-link" href="/rounds/\\d+/recipients/\\d+">${name}</a></th>`;
}

/** A draft round on the fixture's case, with recipients added as the API adds them. */
async function draftRound(
  t: TestApp,
  fixture: Fixture,
  body: Record<string, unknown>,
  organisationIds: number[],
): Promise<number> {
  const created = await t
    .http()
    .post(`/api/cases/${fixture.caseId}/rounds`)
    .set('Authorization', fixture.registrar.auth)
    .send(body)
    .expect(201);
  if (organisationIds.length > 0) {
    await t
      .http()
      .post(`/api/rounds/${created.body.id}/recipients`)
      .set('Authorization', fixture.registrar.auth)
      .send({ organisationIds })
      .expect(200);
  }
  return created.body.id as number;
}

describe('staff pages: referral rounds', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let fixture: Fixture;
  let secret: SecretCase;
  let reader: TestUser;
  let clerk: TestUser;
  let roundId: number;
  let base: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      SMTP_URL: sink.url,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      LOGIN_RATE_LIMIT: '1000',
      LOGIN_ADDRESS_RATE_LIMIT: '1000',
      LOGIN_ACCOUNT_RATE_LIMIT: '1000',
    });
    base = await t.listen();
    secret = await buildSecretCase(t, sink);
    fixture = await caseWithDraftIn(t, secret);
    reader = await createUser(t, fixture.admin, ['reader']);
    clerk = await createUser(t, fixture.admin, ['clerk'], [fixture.owner.id]);
    roundId = await draftRound(
      t,
      fixture,
      {
        title: 'Remiss om inkluderingsstrategin',
        deadline: stockholmDay(10),
        documentIds: [fixture.draftId],
        sections: [
          { ref: '1', title: 'Inledning' },
          { ref: '4.3 a', title: 'Ansvar' },
        ],
      },
      fixture.committees.map((committee) => committee.id),
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  async function signIn(user: { email: string; password: string }): Promise<Agent> {
    const agent = request.agent(t.app.getHttpServer());
    const form = await agent.get('/login').expect(200);
    await agent
      .post('/login')
      .type('form')
      .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password })
      .expect(303);
    return agent;
  }

  async function csrf(agent: Agent, path = `/rounds/${roundId}`): Promise<string> {
    return csrfOf((await agent.get(path).expect(200)).text);
  }

  async function apiRound(id = roundId, auth = fixture.registrar.auth) {
    return (await t.http().get(`/api/rounds/${id}`).set('Authorization', auth).expect(200))
      .body as RoundBody;
  }

  it('lists rounds with counts and filters, and pages with Nästa/Föregående', async () => {
    const agent = await signIn(fixture.registrar);
    const page = await agent.get('/rounds').expect(200);
    expect(page.text).toContain('<h1 class="ds-heading">Remisser</h1>');
    expect(page.text).toContain(
      `<a class="ds-link" href="/rounds/${roundId}">Remiss om inkluderingsstrategin</a>`,
    );
    expect(page.text).toContain(`href="/cases/${fixture.caseId}">${fixture.caseNumber}</a>`);
    const drafts = await agent.get('/rounds?status=draft').expect(200);
    expect(drafts.text).toContain('Remiss om inkluderingsstrategin');
    const closed = await agent.get('/rounds?status=closed').expect(200);
    expect(closed.text).not.toContain('Remiss om inkluderingsstrategin');
    expect(closed.text).toContain('Inga remisser matchar.');
    const early = await agent.get(`/rounds?dueBefore=${stockholmDay(1)}`).expect(200);
    expect(early.text).not.toContain('Remiss om inkluderingsstrategin');
    const refused = await agent.get('/rounds?dueBefore=i+morgon&status=x').expect(400);
    expect(refused.text).toContain('Det finns fel i formuläret');
    expect(refused.text).toContain('Välj status bland alternativen');
    expect(refused.text).toContain('value="i morgon"');
  });

  it('pages the list with the API cursor: Nästa and Föregående', async () => {
    // 52 more rounds on the same case: more than one page of 50.
    for (let index = 0; index < 52; index += 1) {
      await t
        .http()
        .post(`/api/cases/${fixture.caseId}/rounds`)
        .set('Authorization', fixture.registrar.auth)
        .send({
          title: `Fyllnad ${index}`,
          deadline: stockholmDay(40),
          documentIds: [fixture.draftId],
        })
        .expect(201);
    }
    const agent = await signIn(fixture.registrar);
    const first = await agent.get('/rounds?status=draft').expect(200);
    const next = /href="([^"]+)" rel="next">Nästa</.exec(first.text)?.[1];
    expect(next).toBeDefined();
    expect(first.text).not.toContain('rel="prev"');
    const second = await agent
      .get(next!.replace(/&amp;/g, '&').replace(/&#x3D;/g, '='))
      .expect(200);
    expect(second.text).toMatch(/Fyllnad \d+/);
    expect(/<nav aria-label="Sidor"[\s\S]*?<\/nav>/.exec(second.text)?.[0]).not.toContain(
      'rel="next"',
    );
    const previous = /href="([^"]+)" rel="prev">Föregående</.exec(second.text)?.[1];
    expect(previous?.replace(/&#x3D;/g, '=')).toBe('/rounds?status=draft');
  }, 60_000);

  it('shows a clerk and a respondent the 403 page and a signed-out browser the login', async () => {
    const agent = await signIn(clerk);
    const list = await agent.get('/rounds').expect(403);
    expect(list.text).toContain('Du har inte behörighet');
    await agent.get(`/rounds/${roundId}`).expect(403);
    const respondent = await signIn(secret.consultee);
    await respondent.get(`/rounds/${secret.roundId}`).expect(403);
    const anonymous = await request(t.app.getHttpServer()).get(`/rounds/${roundId}`).expect(303);
    expect(anonymous.headers.location).toBe(`/login?next=%2Frounds%2F${roundId}`);
  });

  it('refuses to send without confirming: the check shows the short-time warning and sends nothing', async () => {
    const agent = await signIn(fixture.registrar);
    const token = await csrf(agent);
    const check = await agent
      .post(`/rounds/${roundId}/send/check`)
      .type('form')
      .send({ _csrf: token })
      .expect(200);
    expect(check.text).toContain('<h1 class="ds-heading">Bekräfta utskick</h1>');
    expect(check.text).toContain('Svarstiden är bara 10 dagar. Minst 21 dagar rekommenderas.');
    expect((await apiRound()).status).toBe('draft');
    const sent = await agent.post(`/rounds/${roundId}/send`).type('form').send({ _csrf: token });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/rounds/${roundId}`);
    const page = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(page.text).toContain('Remissen är skickad till 3 remissinstanser');
    const round = await apiRound();
    expect(round.status).toBe('sent');
    expect(round.recipients.every((r) => ['sent', 'queued'].includes(r.status))).toBe(true);
    expect(page.text).toMatch(new RegExp(`${rowHeader('Nämnd 1')}\\s*<td>(skickad|köad)`));
  });

  it('shows a refused send (no documents, past deadline) as the error summary, nothing sent', async () => {
    const draft = {
      body: {
        id: await draftRound(
          t,
          fixture,
          { title: 'Utan handlingar', deadline: stockholmDay(30), documentIds: [] },
          [fixture.committees[0].id],
        ),
      },
    };
    const agent = await signIn(fixture.registrar);
    const token = await csrf(agent, `/rounds/${draft.body.id}`);
    const refused = await agent
      .post(`/rounds/${draft.body.id}/send`)
      .type('form')
      .send({ _csrf: token })
      .expect(400);
    expect(refused.text).toContain('Det finns fel i formuläret');
    expect(refused.text).toContain('Remissen har inga handlingar att skicka.');
    expect((await apiRound(draft.body.id)).status).toBe('draft');
  });

  it('grants an extension, refusing a bad date with the typed values kept', async () => {
    const agent = await signIn(fixture.registrar);
    const recipient = (await apiRound()).recipients[0];
    const path = `/rounds/${roundId}/recipients/${recipient.id}/extension`;
    const token = await csrf(agent, path);
    const refused = await agent
      .post(path)
      .type('form')
      .send({ _csrf: token, deadline: '31 februari', reason: 'Nämnden sammanträder senare' })
      .expect(400);
    expect(refused.text).toContain('Det finns fel i formuläret');
    expect(refused.text).toContain('Skriv ny svarstid som ett datum, till exempel 2026-12-02');
    expect(refused.text).toContain('value="31 februari"');
    expect(refused.text).toContain('Nämnden sammanträder senare</textarea>');
    expect((await apiRound()).recipients[0].extensions).toHaveLength(0);
    const earlier = await agent
      .post(path)
      .type('form')
      .send({ _csrf: token, deadline: stockholmDay(5), reason: 'Kortare' })
      .expect(400);
    expect(earlier.text).toContain(
      `Ny svarstid måste vara senare än nuvarande svarstid ${stockholmDay(10)}`,
    );
    expect(earlier.text).toContain(`value="${stockholmDay(5)}"`);
    expect((await apiRound()).recipients[0].extensions).toHaveLength(0);
    const granted = await agent
      .post(path)
      .type('form')
      .send({ _csrf: token, deadline: stockholmDay(45), reason: 'Nämnden sammanträder senare' })
      .expect(303);
    expect(granted.headers.location).toBe(`/rounds/${roundId}`);
    const page = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(page.text).toContain(`Anstånd beviljat till ${stockholmDay(45)}`);
    expect(page.text).toContain(
      `anstånd till <span class="remiss-nowrap">${stockholmDay(45)}</span>`,
    );
    expect((await apiRound()).recipients[0].deadline).toBe(stockholmDay(45));
  });

  it('shows one consultee with its extensions, linked from the round, with the actions while the round is out', async () => {
    const agent = await signIn(fixture.registrar);
    const recipient = (await apiRound()).recipients[0];
    const path = `/rounds/${roundId}/recipients/${recipient.id}`;
    const round = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(round.text).toContain(
      `<th scope="row"><a class="ds-link" href="${path}">${recipient.organisation.name}</a></th>`,
    );
    const page = await agent.get(path).expect(200);
    expect(page.text).toContain(`<h1 class="ds-heading">${recipient.organisation.name}</h1>`);
    expect(page.text).toContain(`<dt>Svarstid</dt><dd>anstånd till ${stockholmDay(45)}</dd>`);
    // The extension granted in the test before, with what it replaced and why.
    expect(page.text).toMatch(
      new RegExp(
        `<td class="remiss-nowrap">${stockholmDay(10)}</td>\\s*` +
          `<td class="remiss-nowrap">${stockholmDay(45)}</td>\\s*` +
          '<td>Nämnden sammanträder senare</td>',
      ),
    );
    expect(page.text).toContain(`href="${path}/extension"`);
    expect(page.text).toContain(`href="${path}/answer"`);
    expect(page.text).toContain(`action="${path}/resend"`);
    expect(page.text).toContain('Den tidigare länken slutar gälla.');
    const missing = await agent.get(`/rounds/${roundId}/recipients/99999999`).expect(404);
    expect(missing.text).toContain('Sidan finns inte');
    await agent.get(`/rounds/${roundId}/recipients/abc`).expect(400);
  });

  it('shows when each consultee first opened the remiss, and keeps that time', async () => {
    const agent = await signIn(fixture.registrar);
    /** The cells of a consultee's row in the status table. */
    const cellsOf = (html: string, name: string) => {
      const row = new RegExp(`${rowHeader(name)}([\\s\\S]*?)</tr>`).exec(html);
      if (!row) throw new Error(`No row for ${name}`);
      return [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]);
    };
    const before = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(before.text).toMatch(/<th scope="col">Skickad<\/th>\s*<th scope="col">Öppnad<\/th>/);
    expect(cellsOf(before.text, 'Nämnd 1')[4]).toBe('–');
    const mail = await waitFor(
      () => sink.to('namnd1@kalmar.test')[0],
      (found) => found !== undefined,
    );
    const token = /\/respond\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
    await t.http().get(`/respond/${token}`).expect(200);
    const openedAt = async () =>
      (
        (
          await t
            .http()
            .get(`/api/rounds/${roundId}`)
            .set('Authorization', fixture.registrar.auth)
            .expect(200)
        ).body as {
          recipients: { organisation: { name: string }; openedAt: string | null }[];
        }
      ).recipients.map((r) => [r.organisation.name, r.openedAt] as const);
    const opened = new Map(await openedAt());
    expect(opened.get('Nämnd 1')).not.toBeNull();
    expect(opened.get('Nämnd 3')).toBeNull();
    await t.http().get(`/api/respond/${token}`).expect(200);
    expect(new Map(await openedAt())).toEqual(opened);
    const instant = new Date(opened.get('Nämnd 1')!);
    const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(instant);
    const time = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm',
      hour: '2-digit',
      minute: '2-digit',
    }).format(instant);
    const after = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(cellsOf(after.text, 'Nämnd 1')[4]).toBe(
      `<span class="remiss-nowrap">${day}</span> ${time}`,
    );
    expect(cellsOf(after.text, 'Nämnd 3')[4]).toBe('–');
  });

  it('resends to a consultee', async () => {
    const agent = await signIn(fixture.registrar);
    const recipient = (await apiRound()).recipients[1];
    const before = sink.mails.length;
    const resent = await agent
      .post(`/rounds/${roundId}/recipients/${recipient.id}/resend`)
      .type('form')
      .send({ _csrf: await csrf(agent) })
      .expect(303);
    expect(resent.headers.location).toBe(`/rounds/${roundId}`);
    const page = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(page.text).toContain('Remissen är skickad igen till Nämnd 2');
    const round = (await t
      .http()
      .get(`/api/rounds/${roundId}`)
      .set('Authorization', fixture.registrar.auth)) as {
      body: { recipients: { invitations: number }[] };
    };
    expect(round.body.recipients[1].invitations).toBe(2);
    expect(sink.mails.length).toBeGreaterThanOrEqual(before);
  });

  it('registers a paper answer with its file; refused input keeps what was typed and writes nothing', async () => {
    const agent = await signIn(fixture.registrar);
    const recipient = (await apiRound()).recipients[2];
    const path = `/rounds/${roundId}/recipients/${recipient.id}/answer`;
    const token = await csrf(agent, path);
    const refused = await agent
      .post(`${path}?_csrf=${encodeURIComponent(token)}`)
      .field('summary', 'Nämnden tillstyrker')
      .field('comment_1', 'Ansvaret bör ligga hos förvaltningen')
      .field('decision_date', 'igår')
      .field('receivedVia', 'paper')
      .expect(400);
    expect(refused.text).toContain('Det finns fel i formuläret');
    expect(refused.text).toContain('href="#position">Fyll i ställningstagande');
    expect(refused.text).toContain('href="#files">Välj filen med svaret');
    expect(refused.text).toContain('Ansvaret bör ligga hos förvaltningen</textarea>');
    expect(refused.text).toContain('Nämnden tillstyrker</textarea>');
    const none = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth)
      .expect(200);
    expect(none.body.items).toHaveLength(0);
    await agent
      .post(path)
      .field('position', 'approve')
      .attach('files', pdf('Utan token'), { filename: 'svar.pdf', contentType: 'application/pdf' })
      .expect(403);
    expect(
      (
        await t
          .http()
          .get(`/api/rounds/${roundId}/responses`)
          .set('Authorization', fixture.registrar.auth)
          .expect(200)
      ).body.items,
    ).toHaveLength(0);
    const done = await agent
      .post(`${path}?_csrf=${encodeURIComponent(token)}`)
      .field('position', 'approve_with_comments')
      .field('summary', 'Nämnden tillstyrker')
      .field('comment_1', 'Ansvaret bör ligga hos förvaltningen')
      .field('decision_organ', 'Nämnd 3')
      .field('decision_date', stockholmDay(-1))
      .field('decision_paragraph', '§ 12')
      .field('receivedVia', 'paper')
      .attach('files', pdf('Svar från Nämnd 3'), {
        filename: 'svar.pdf',
        contentType: 'application/pdf',
      })
      .expect(303);
    expect(done.headers.location).toBe(`/rounds/${roundId}`);
    const answers = await t
      .http()
      .get(`/api/rounds/${roundId}/responses`)
      .set('Authorization', fixture.registrar.auth)
      .expect(200);
    expect(answers.body.items).toHaveLength(1);
    expect(answers.body.items[0]).toMatchObject({
      position: 'approve_with_comments',
      receivedVia: 'paper',
      comments: [{ sectionRef: '4.3 a', text: 'Ansvaret bör ligga hos förvaltningen' }],
    });
    const page = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(page.text).toContain(`är registrerat som ${answers.body.items[0].documentNumber}`);
    expect(page.text).toContain('Tillstyrker med synpunkter');
    expect(page.text).toContain('<h3 class="ds-heading" id="section-1">4.3 a Ansvar</h3>');
    expect(page.text).toContain('<strong>Nämnd 3</strong>: Ansvaret bör ligga hos förvaltningen');
    expect(page.text).toMatch(new RegExp(`${rowHeader('Nämnd 3')}\\s*<td>besvarad`));
  });

  it('streams the compilation with the API’s file name and headers', async () => {
    const agent = await signIn(fixture.registrar);
    const page = await agent.get(`/rounds/${roundId}/compilation.docx`).expect(200);
    const api = await t
      .http()
      .get(`/api/rounds/${roundId}/compilation.docx`)
      .set('Authorization', fixture.registrar.auth)
      .expect(200);
    expect(page.headers['content-type']).toBe(api.headers['content-type']);
    expect(page.headers['content-disposition']).toBe(api.headers['content-disposition']);
    expect(Number(page.headers['content-length'])).toBeGreaterThan(1000);
  });

  it('gives a reader the page without action forms', async () => {
    const agent = await signIn(reader);
    const page = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(page.text).toContain('Remiss om inkluderingsstrategin');
    expect(page.text).not.toContain('/close"');
    expect(page.text).not.toContain('/resend"');
    expect(page.text).not.toContain('/extension"');
    const one = await agent
      .get(`/rounds/${roundId}/recipients/${(await apiRound()).recipients[0].id}`)
      .expect(200);
    expect(one.text).toContain('<h2 class="ds-heading" id="extensions-heading">Anstånd</h2>');
    for (const action of ['/resend"', '/extension"', '/answer"']) {
      expect(one.text).not.toContain(action);
    }
    const token = csrfOf(page.text);
    await agent
      .post(`/rounds/${roundId}/close`)
      .type('form')
      .send({ _csrf: token, reason: 'x' })
      .expect(403);
    expect((await apiRound()).status).toBe('sent');
  });

  it('shows a reader a confidential round no more than the API does', async () => {
    const api = await t
      .http()
      .get(`/api/rounds/${secret.roundId}`)
      .set('Authorization', secret.reader.auth)
      .expect(200);
    expect(api.body.redacted).toBe(true);
    expect(JSON.stringify(api.body)).not.toMatch(SECRET_PATTERN);
    const agent = await signIn(secret.reader);
    const page = await agent.get(`/rounds/${secret.roundId}`).expect(200);
    expect(page.text).not.toMatch(SECRET_PATTERN);
    expect(page.text).toContain(`Remiss i ärende ${secret.caseNumber}`);
    const list = await agent.get('/rounds').expect(200);
    expect(list.text).not.toMatch(SECRET_PATTERN);
    expect(list.text).toContain('Sekretessbelagd remiss');
    // Each consultee's page, including the one with an extension whose reason is secret.
    const recipients = (api.body as RoundBody).recipients;
    const extended = recipients.find((recipient) => recipient.extensions.length > 0)!;
    expect(extended.extensions[0].reason).toBeNull();
    for (const recipient of recipients) {
      const one = await agent
        .get(`/rounds/${secret.roundId}/recipients/${recipient.id}`)
        .expect(200);
      expect(one.text).not.toMatch(SECRET_PATTERN);
    }
    const hidden = await agent
      .get(`/rounds/${secret.roundId}/recipients/${extended.id}`)
      .expect(200);
    expect(hidden.text).toContain('Visas inte (sekretess)');
    // The registrar sees what the API shows them.
    const registrar = await signIn(secret.registrar);
    const full = await registrar.get(`/rounds/${secret.roundId}`).expect(200);
    expect(full.text).toContain('Hemlig remiss om Karl Karlsson');
    const shown = await registrar
      .get(`/rounds/${secret.roundId}/recipients/${extended.id}`)
      .expect(200);
    expect(shown.text).not.toContain('Visas inte (sekretess)');
    expect(shown.text).toMatch(SECRET_PATTERN);
  });

  it('closes a round with a reason; a missing reason is refused', async () => {
    const agent = await signIn(fixture.registrar);
    const token = await csrf(agent);
    const refused = await agent
      .post(`/rounds/${roundId}/close`)
      .type('form')
      .send({ _csrf: token, reason: '' })
      .expect(400);
    expect(refused.text).toContain('Fyll i skäl');
    expect((await apiRound()).status).toBe('sent');
    await agent
      .post(`/rounds/${roundId}/close`)
      .type('form')
      .send({ _csrf: token, reason: 'Remisstiden är slut' })
      .expect(303);
    const page = await agent.get(`/rounds/${roundId}`).expect(200);
    expect(page.text).toContain('Remissen är stängd');
    expect(page.text).toContain('Remisstiden är slut');
    expect((await apiRound()).status).toBe('closed');
  });

  it('refuses a post without the CSRF token', async () => {
    const agent = await signIn(fixture.registrar);
    await agent.post(`/rounds/${roundId}/close`).type('form').send({ reason: 'x' }).expect(403);
  });

  it('shows all 300 consultees of a large round, one row each', async () => {
    const ids: number[] = [];
    for (let index = 1; index <= 300; index += 1) {
      const { id } = await createOrganisation(t, fixture.admin, {
        name: `Bolag ${index}`,
        kind: 'company',
        email: `bolag${index}@kalmar.test`,
      });
      ids.push(id);
    }
    const big = await draftRound(
      t,
      fixture,
      { title: 'Stor remiss', deadline: stockholmDay(30), documentIds: [fixture.draftId] },
      ids,
    );
    await t
      .http()
      .post(`/api/rounds/${big}/send`)
      .set('Authorization', fixture.registrar.auth)
      .expect(200);
    const agent = await signIn(fixture.registrar);
    const first = await agent.get(`/rounds/${big}`).expect(200);
    expect(first.text.match(new RegExp(rowHeader('Bolag \\d+'), 'g'))).toHaveLength(300);
    // Its speed is measured by `npm run bench:pages`, not here.
  }, 180_000);

  describeInBrowser('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('passes axe on the list, the round, the confirmation and the forms, and reflows at 320 px', async () => {
      const page = await newPage(browser);
      await signInPage(page, base, fixture.registrar.email, fixture.registrar.password);
      const visit = async (path: string, name: string) => {
        const loaded = await page.goto(`${base}${path}`);
        expect(loaded?.status()).toBe(200);
        await expectNoAxeViolations(page, name);
        await screenshot(page, name);
        await page.setViewportSize({ width: 320, height: 640 });
        if (await scrollsSideways(page)) {
          throw new Error(
            `${name} scrolls sideways at 320 px: ${(await elementsPastRightEdge(page)).join(', ')}`,
          );
        }
        await page.setViewportSize({ width: 1280, height: 800 });
      };
      await visit('/rounds', 'rounds-list');
      const sentRound = await t
        .http()
        .get(`/api/rounds/${secret.openRoundId}`)
        .set('Authorization', fixture.registrar.auth);
      expect(sentRound.status).toBe(200);
      await visit(`/rounds/${secret.roundId}`, 'rounds-show');
      const round = await t
        .http()
        .get(`/api/rounds/${secret.openRoundId}`)
        .set('Authorization', secret.registrar.auth)
        .expect(200);
      const open = (round.body as { recipients: { id: number; status: string }[] }).recipients.find(
        (r) => r.status !== 'answered' && r.status !== 'declined',
      );
      if (open) {
        await visit(`/rounds/${secret.openRoundId}/recipients/${open.id}`, 'rounds-recipient');
        await visit(
          `/rounds/${secret.openRoundId}/recipients/${open.id}/extension`,
          'rounds-extension',
        );
        await visit(`/rounds/${secret.openRoundId}/recipients/${open.id}/answer`, 'rounds-answer');
        // A refused answer: the error summary, then axe again.
        await page.getByRole('button', { name: 'Registrera svaret' }).click();
        await page.waitForSelector('#error-summary');
        await expectNoAxeViolations(page, 'rounds-answer-refused');
        await screenshot(page, 'rounds-answer-refused');
      }
      const draft = {
        body: {
          id: await draftRound(
            t,
            fixture,
            { title: 'Helgremiss', deadline: stockholmDay(5), documentIds: [fixture.draftId] },
            [fixture.committees[0].id],
          ),
        },
      };
      await page.goto(`${base}/rounds/${draft.body.id}`);
      await page.getByRole('button', { name: 'Skicka remissen' }).click();
      await page.waitForSelector('h1:text("Bekräfta utskick")');
      await expectNoAxeViolations(page, 'rounds-confirm-send');
      await screenshot(page, 'rounds-confirm-send');
      await page.close();
    }, 120_000);
  });
});
