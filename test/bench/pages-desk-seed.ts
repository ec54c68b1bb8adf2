// Seeding for the staff pages benchmark's respondent and clerk pages: a committee's respondent with
// many remisser in the inbox, and a meeting with many paragraphs. Everything goes through the API,
// as the users would create it.

import { performance } from 'node:perf_hooks';
import { pdf } from '../helpers/files.js';
import { api, stockholmDay } from './support.js';

export const RESPONDENT = {
  email: 'kontakt@servicenamnden.bench.se',
  password: 'bench-respondent-pw',
};
export const CLERK = { email: 'sekreterare@bench.se', password: 'bench-clerk-password' };

/** Runs `work` over `items`, `limit` at a time. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

async function createUser(
  baseUrl: string,
  adminToken: string,
  user: { email: string; password: string },
  name: string,
  roles: string[],
  organisationIds: number[],
): Promise<void> {
  await api(baseUrl, 'POST', '/api/users', {
    token: adminToken,
    body: { name, email: user.email, password: user.password, roles, organisationIds },
  });
}

async function caseWithDraft(
  baseUrl: string,
  token: string,
  ownerId: number,
  title: string,
): Promise<{ caseId: number; documentId: number }> {
  const registered = await api<{ id: number }>(baseUrl, 'POST', '/api/cases', {
    token,
    body: { title, organisationId: ownerId },
  });
  const form = new FormData();
  form.append('title', `Förslag: ${title}`);
  form.append('direction', 'outgoing');
  form.append(
    'file',
    new Blob([new Uint8Array(pdf(`Förslag: ${title}`))], { type: 'application/pdf' }),
    'Förslag.pdf',
  );
  const document = await api<{ id: number }>(
    baseUrl,
    'POST',
    `/api/cases/${registered.id}/documents`,
    { token, form },
  );
  return { caseId: registered.id, documentId: document.id };
}

/**
 * `count` remisser from KS to Servicenämnden (each with a case, a draft, two sections and its own
 * deadline), every fifth answered by the respondent, and the respondent who reads them.
 */
export async function seedInbox(
  baseUrl: string,
  adminToken: string,
  registrarToken: string,
  owner: number,
  consultee: number,
  count: number,
): Promise<{ rounds: number; answered: number; seconds: number }> {
  const began = performance.now();
  await createUser(baseUrl, adminToken, RESPONDENT, 'Sara Svarande', ['respondent'], [consultee]);
  const respondentToken = (
    await api<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', {
      body: RESPONDENT,
      expect: 200,
    })
  ).accessToken;
  let answered = 0;
  await inParallel(
    Array.from({ length: count }, (_, index) => index),
    4,
    async (index) => {
      const title = `Remiss ${index + 1}: riktlinjer för verksamhet ${index + 1}`;
      const { caseId, documentId } = await caseWithDraft(baseUrl, registrarToken, owner, title);
      const round = await api<{ id: number }>(baseUrl, 'POST', `/api/cases/${caseId}/rounds`, {
        token: registrarToken,
        body: {
          title: `Remiss: ${title}`,
          deadline: stockholmDay(20 + (index % 30)),
          documentIds: [documentId],
          recipientOrganisationIds: [consultee],
          sections: [
            { ref: '1', title: 'Inledning' },
            { ref: '2', title: 'Genomförande' },
          ],
        },
      });
      await api(baseUrl, 'POST', `/api/rounds/${round.id}/send`, {
        token: registrarToken,
        expect: 200,
        timeoutMs: 60_000,
      });
      if (index % 5 !== 0) return;
      await api(baseUrl, 'POST', `/api/rounds/${round.id}/responses`, {
        token: respondentToken,
        body: {
          organisationId: consultee,
          position: 'approve_with_comments',
          summary: 'Nämnden tillstyrker förslaget med en synpunkt.',
          comments: [{ sectionRef: '2', text: 'Genomförandet behöver en tidplan.' }],
        },
      });
      answered += 1;
    },
  );
  return { rounds: count, answered, seconds: (performance.now() - began) / 1000 };
}

/**
 * A meeting of `organisation` with `count` paragraphs, each with background, proposal and decision,
 * every other linked to a case of its own; and the clerk who keeps its minutes.
 */
export async function seedMeeting(
  baseUrl: string,
  adminToken: string,
  registrarToken: string,
  organisation: number,
  count: number,
): Promise<{ meetingId: number; items: number; seconds: number }> {
  const began = performance.now();
  await createUser(baseUrl, adminToken, CLERK, 'Sven Sekreterare', ['clerk'], [organisation]);
  const clerkToken = (
    await api<{ accessToken: string }>(baseUrl, 'POST', '/api/auth/login', {
      body: CLERK,
      expect: 200,
    })
  ).accessToken;
  const meeting = await api<{ id: number }>(baseUrl, 'POST', '/api/meetings', {
    token: clerkToken,
    body: {
      organisationId: organisation,
      date: stockholmDay(7),
      startsAt: '08:30',
      place: 'Sessionssalen, stadshuset',
      chair: 'Anna Ordförande',
      secretary: 'Sven Sekreterare',
      adjusters: ['Erik Justerare'],
    },
  });
  for (let index = 0; index < count; index += 1) {
    const title = `Ärende ${index + 1} till sammanträdet`;
    const caseId =
      index % 2 === 0
        ? (
            await api<{ id: number }>(baseUrl, 'POST', '/api/cases', {
              token: registrarToken,
              body: { title, organisationId: organisation },
            })
          ).id
        : null;
    await api(baseUrl, 'POST', `/api/meetings/${meeting.id}/items`, {
      token: clerkToken,
      body: {
        title,
        caseId,
        background: `Bakgrund till ärende ${index + 1}. `.repeat(8),
        proposals: 'Förvaltningens förslag till beslut.',
        decision: `Nämnden beslutar enligt förslaget i ärende ${index + 1}.`,
      },
    });
  }
  return { meetingId: meeting.id, items: count, seconds: (performance.now() - began) / 1000 };
}
