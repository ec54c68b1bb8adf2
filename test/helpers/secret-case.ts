import { adminAuth, createOrganisation, createUser, type TestUser } from './factories.js';
import { pdf } from './files.js';
import { SmtpSink, waitFor } from './smtp-sink.js';
import { stockholmDay } from './test-clock.js';
import type { TestApp } from './test-app.js';

const LINK = /\/respond\/([A-Za-z0-9_-]{43})/;

/**
 * Every text of the confidential fixture that only registrars, admins and the consultees it was
 * sent to may read. Each holds "Karlsson" or "Polis", so a leak is found even in a longer text.
 */
export const SECRETS = {
  caseTitle: 'HEMLIGT: Skyddade personuppgifter Karl Karlsson',
  caseDescription: 'Sekretess OSL 26:1, Karlssons adress',
  documentTitle: 'Utredning om Karl Karlsson',
  documentCounterpart: 'Socialtjänsten, handläggare för Karlsson',
  documentFile: 'utredning-karlsson.pdf',
  markedTitle: 'Sekretessbilaga från Polisen',
  markedCounterpart: 'Polismyndigheten Region Syd',
  markedFile: 'polisens-bilaga.pdf',
  roundTitle: 'Hemlig remiss om Karl Karlsson',
  roundMessage: 'Missiv om Karl Karlssons boende',
  sectionTitle: 'Karl Karlssons boende',
  accountSummary: 'Hemligt svar om Karl Karlsson',
  accountComment: 'Karl Karlsson bor på Storgatan 5',
  linkSummary: 'Hamnens svar om Karlssons båt',
  linkComment: 'Karlsson har båtplats 12',
  itemTitle: 'Placering av Karl Karlsson',
  itemBackground: 'Bakgrund: Karl Karlsson behöver skydd',
  itemDeliberation: 'Överläggning om Karlsson',
  itemDecision: 'Beslut om Karl Karlssons placering',
  itemSendTo: 'Karlssons kontaktperson',
  extensionReason: 'Karl Karlssons ombud behöver mer tid',
  /** What a mail server answered when it refused an invitation (stored as the failure reason). */
  deliveryRefusal: 'Brevlådan för Karl Karlssons gode man är stängd',
} as const;

/** Finds any secret (or its telltale word) in a text. */
export const SECRET_PATTERN = /Karlsson|Polis/;

export interface SecretCase {
  admin: string;
  registrar: TestUser;
  /** A clerk of Kommunstyrelsen, who keeps the minutes the paragraph is recorded in. */
  clerk: TestUser;
  reader: TestUser;
  /** A clerk and a respondent of Barn- och utbildningsnämnden, to which nothing was sent. */
  otherClerk: TestUser;
  otherRespondent: TestUser;
  /** Servicenämnden's respondent, who answered the round through an account. */
  consultee: TestUser;
  /** Servicenämnden's clerk (no respondent role). */
  consulteeClerk: TestUser;
  organisations: { ks: number; sfn: number; bun: number; harbour: number };
  caseId: number;
  caseNumber: string;
  documentId: number;
  openCaseId: number;
  markedDocumentId: number;
  openRoundId: number;
  openToken: string;
  roundId: number;
  recipients: { sfn: number; harbour: number };
  /** SFN's own case for the remiss. */
  consulteeCaseId: number;
  responseIds: number[];
  answerDocumentIds: number[];
  meetingId: number;
  itemId: number;
  extractDocumentId: number;
  compilationDocumentId: number;
}

/**
 * A confidential case with every kind of child: a plain and a marked document, a round with a
 * section sent to a committee (answering through an account) and a company (through its secure
 * link), answers with comments, an extension, a meeting with an adjusted paragraph on the case and
 * its registered extract, a registered compilation; and an open case with a marked document and a
 * round of its own. Audit rows come with all of it.
 */
export async function buildSecretCase(t: TestApp, sink: SmtpSink): Promise<SecretCase> {
  const admin = await adminAuth(t);
  const org = async (body: Record<string, unknown>) =>
    (await createOrganisation(t, admin, body)).id;
  const ks = await org({
    name: 'Kommunstyrelsen',
    kind: 'council',
    seriesCode: 'KS',
    email: 'ks@kalmar.test',
  });
  const sfn = await org({
    name: 'Servicenämnden',
    kind: 'committee',
    seriesCode: 'SFN',
    email: 'sfn@kalmar.test',
  });
  const bun = await org({
    name: 'Barn- och utbildningsnämnden',
    kind: 'committee',
    email: 'bun@kalmar.test',
  });
  const harbour = await org({
    name: 'Exempel Hamn AB',
    kind: 'company',
    email: 'hamn@kalmar.test',
  });
  const registrar = await createUser(t, admin, ['registrar'], [ks]);
  const clerk = await createUser(t, admin, ['clerk'], [ks]);
  const reader = await createUser(t, admin, ['reader']);
  const otherClerk = await createUser(t, admin, ['clerk'], [bun]);
  const otherRespondent = await createUser(t, admin, ['respondent'], [bun]);
  const consultee = await createUser(t, admin, ['respondent'], [sfn]);
  const consulteeClerk = await createUser(t, admin, ['clerk'], [sfn]);
  const as = registrar.auth;
  const ok = <T>(response: { status: number; body: T }, status: number, what: string): T => {
    if (response.status !== status) {
      throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    return response.body;
  };

  const secretCase = ok(
    await t.http().post('/api/cases').set('Authorization', as).send({
      title: SECRETS.caseTitle,
      description: SECRETS.caseDescription,
      organisationId: ks,
      confidential: true,
    }),
    201,
    'case',
  ) as { id: number; caseNumber: string };
  const document = ok(
    await t
      .http()
      .post(`/api/cases/${secretCase.id}/documents`)
      .set('Authorization', as)
      .field('title', SECRETS.documentTitle)
      .field('direction', 'incoming')
      .field('counterpart', SECRETS.documentCounterpart)
      .attach('file', pdf('Utredning'), { filename: SECRETS.documentFile }),
    201,
    'document',
  ) as { id: number };
  const openCase = ok(
    await t
      .http()
      .post('/api/cases')
      .set('Authorization', as)
      .send({ title: 'Översyn av hamnens taxor', organisationId: ks }),
    201,
    'open case',
  ) as { id: number };
  const marked = ok(
    await t
      .http()
      .post(`/api/cases/${openCase.id}/documents`)
      .set('Authorization', as)
      .field('title', SECRETS.markedTitle)
      .field('direction', 'incoming')
      .field('counterpart', SECRETS.markedCounterpart)
      .field('confidentiality', 'OSL 18 kap. 1 §')
      .attach('file', pdf('Bilaga'), { filename: SECRETS.markedFile }),
    201,
    'marked document',
  ) as { id: number };
  const openDraft = ok(
    await t
      .http()
      .post(`/api/cases/${openCase.id}/documents`)
      .set('Authorization', as)
      .field('title', 'Förslag till taxor')
      .field('direction', 'outgoing')
      .attach('file', pdf('Taxor'), { filename: 'taxor.pdf' }),
    201,
    'open draft',
  ) as { id: number };

  const round = ok(
    await t
      .http()
      .post(`/api/cases/${secretCase.id}/rounds`)
      .set('Authorization', as)
      .send({
        title: SECRETS.roundTitle,
        message: SECRETS.roundMessage,
        deadline: stockholmDay(30),
        documentIds: [document.id],
        recipientOrganisationIds: [sfn, harbour],
        sections: [{ ref: '1', title: SECRETS.sectionTitle }],
      }),
    201,
    'round',
  ) as { id: number };
  ok(await t.http().post(`/api/rounds/${round.id}/send`).set('Authorization', as), 200, 'send');
  const openRound = ok(
    await t
      .http()
      .post(`/api/cases/${openCase.id}/rounds`)
      .set('Authorization', as)
      .send({
        title: 'Remiss om hamntaxor',
        deadline: stockholmDay(30),
        documentIds: [openDraft.id],
        recipientOrganisationIds: [harbour],
      }),
    201,
    'open round',
  ) as { id: number };
  ok(
    await t.http().post(`/api/rounds/${openRound.id}/send`).set('Authorization', as),
    200,
    'send open',
  );
  await waitFor(
    () => sink.mails.filter((mail) => mail.to === 'hamn@kalmar.test').length,
    (count) => count >= 2,
  );
  const harbourMails = sink.mails.filter((mail) => mail.to === 'hamn@kalmar.test');
  const tokenIn = (subject: RegExp) =>
    LINK.exec(harbourMails.find((mail) => subject.test(mail.subject))!.text)![1];
  const secretToken = tokenIn(/Sekretessbelagd remiss|Karlsson/);
  const openToken = tokenIn(/hamntaxor/);

  const viaAccount = ok(
    await t
      .http()
      .post(`/api/rounds/${round.id}/responses`)
      .set('Authorization', consultee.auth)
      .send({
        organisationId: sfn,
        position: 'approve_with_comments',
        summary: SECRETS.accountSummary,
        comments: [{ sectionRef: '1', text: SECRETS.accountComment }],
      }),
    201,
    'answer by account',
  ) as { id: number; documentId: number };
  const loaded = ok(
    await t.http().get(`/api/rounds/${round.id}`).set('Authorization', as),
    200,
    'round',
  ) as { recipients: { id: number; organisation: { id: number }; ownCaseId: number | null }[] };
  const recipientOf = (id: number) =>
    loaded.recipients.find((recipient) => recipient.organisation.id === id)!;
  ok(
    await t
      .http()
      .post(`/api/rounds/${round.id}/recipients/${recipientOf(harbour).id}/extension`)
      .set('Authorization', as)
      .send({ deadline: stockholmDay(40), reason: SECRETS.extensionReason }),
    201,
    'extension',
  );
  const viaLink = ok(
    await t
      .http()
      .post(`/api/respond/${secretToken}`)
      .send({
        position: 'reject',
        summary: SECRETS.linkSummary,
        comments: [{ sectionRef: '1', text: SECRETS.linkComment }],
      }),
    201,
    'answer by link',
  ) as { id: number; documentId: number };

  // A recipient added later whose mail server refuses the invitation, naming whom the mailbox is for.
  const guardian = await org({
    name: 'Överförmyndarnämnden',
    kind: 'committee',
    email: 'overformyndare@kalmar.test',
  });
  sink.policy = (address) =>
    address === 'overformyndare@kalmar.test'
      ? { code: 550, message: `5.1.1 <${address}>: ${SECRETS.deliveryRefusal}` }
      : null;
  ok(
    await t
      .http()
      .post(`/api/rounds/${round.id}/recipients`)
      .set('Authorization', as)
      .send({ organisationIds: [guardian] }),
    200,
    'add recipient',
  );
  ok(await t.http().post(`/api/rounds/${round.id}/send`).set('Authorization', as), 200, 'resend');
  const failed = await waitFor(
    async () =>
      (
        (await t.http().get(`/api/rounds/${round.id}`).set('Authorization', as)).body as {
          recipients: { organisation: { id: number }; status: string }[];
        }
      ).recipients.find((recipient) => recipient.organisation.id === guardian)?.status,
    (status) => status === 'failed',
  );
  if (failed !== 'failed') throw new Error(`the refused invitation did not fail: ${failed}`);

  const compilation = ok(
    await t.http().post(`/api/rounds/${round.id}/compilation`).set('Authorization', as),
    201,
    'compilation',
  ) as { id: number };

  const meeting = ok(
    await t
      .http()
      .post('/api/meetings')
      .set('Authorization', clerk.auth)
      .send({
        organisationId: ks,
        date: stockholmDay(-2),
        chair: 'Dzenita Abaza',
        secretary: 'Oliver Wykman',
        adjusters: ['Lars Nilsson'],
      }),
    201,
    'meeting',
  ) as { id: number };
  const item = ok(
    await t
      .http()
      .post(`/api/meetings/${meeting.id}/items`)
      .set('Authorization', clerk.auth)
      .send({
        title: SECRETS.itemTitle,
        caseId: secretCase.id,
        background: SECRETS.itemBackground,
        deliberation: SECRETS.itemDeliberation,
        decision: SECRETS.itemDecision,
        sendTo: [SECRETS.itemSendTo],
      }),
    201,
    'item',
  ) as { id: number };
  ok(
    await t
      .http()
      .post(`/api/meetings/${meeting.id}/items`)
      .set('Authorization', clerk.auth)
      .send({ title: 'Öppet ärende om hamntaxor', caseId: openCase.id, decision: 'Bifall.' }),
    201,
    'open item',
  );
  ok(
    await t
      .http()
      .post(`/api/meetings/${meeting.id}/adjust`)
      .set('Authorization', clerk.auth)
      .send({ adjustedOn: stockholmDay(-1) }),
    200,
    'adjust',
  );
  ok(
    await t
      .http()
      .get(`/api/meetings/${meeting.id}/items/${item.id}/extract.docx`)
      .set('Authorization', as),
    200,
    'extract',
  );
  const adjusted = ok(
    await t.http().get(`/api/meetings/${meeting.id}/items/${item.id}`).set('Authorization', as),
    200,
    'item',
  ) as { extractDocumentId: number };

  return {
    admin,
    registrar,
    clerk,
    reader,
    otherClerk,
    otherRespondent,
    consultee,
    consulteeClerk,
    organisations: { ks, sfn, bun, harbour },
    caseId: secretCase.id,
    caseNumber: secretCase.caseNumber,
    documentId: document.id,
    openCaseId: openCase.id,
    markedDocumentId: marked.id,
    openRoundId: openRound.id,
    openToken,
    roundId: round.id,
    recipients: { sfn: recipientOf(sfn).id, harbour: recipientOf(harbour).id },
    consulteeCaseId: recipientOf(sfn).ownCaseId!,
    responseIds: [viaAccount.id, viaLink.id],
    answerDocumentIds: [viaAccount.documentId, viaLink.documentId],
    meetingId: meeting.id,
    itemId: item.id,
    extractDocumentId: adjusted.extractDocumentId,
    compilationDocumentId: compilation.id,
  };
}

/** One response of a secrecy walk: where it went, what it answered and its body as text. */
export interface WalkedResponse {
  path: string;
  status: number;
  text: string;
}

/** Each walked response that shows a secret, as `status path: …context…`, for an exact assertion. */
export function leaksIn(results: readonly WalkedResponse[]): string[] {
  return results
    .filter((result) => SECRET_PATTERN.test(result.text))
    .map((result) => {
      const at = SECRET_PATTERN.exec(result.text)!.index;
      return `${result.status} ${result.path}: …${result.text.slice(Math.max(0, at - 60), at + 40)}…`;
    });
}
