import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { systemActor, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { addDays, workingDayOnOrBefore } from '../common/working-days.js';
import { CasesService } from '../cases/cases.service.js';
import { ExtensionsService } from '../deadlines/extensions.service.js';
import { DocumentsService } from '../documents/documents.service.js';
import type { OrganisationKind } from '../organisations/organisation-kind.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { markRecipientOpened } from '../referral-rounds/recipient-opened.js';
import { loadRecipients } from '../referral-rounds/recipient-rows.js';
import { RoundDispatchService } from '../referral-rounds/round-dispatch.service.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import { RoundsService } from '../referral-rounds/rounds.service.js';
import { ResponsesService } from '../responses/responses.service.js';
import { UsersService } from '../users/users.service.js';
import {
  DEMO_EXTENSION,
  DEMO_OPEN_ROUND,
  DEMO_OUTSIDE_RECIPIENTS,
  DEMO_ROUND,
  type DemoAnswer,
} from './demo-data.js';

const demoActor = (): Actor => ({ ...systemActor('demo'), roles: ['admin'] });

/**
 * Sends the demo round once: the strategy draft to every committee and company, through the same
 * services as the API, so the invitations go through the outbox to the mail folder or server.
 * The extract of the decision (§ 19) goes along with the draft.
 */
export async function seedRound(
  app: INestApplication,
  decisionItemId: number,
): Promise<{ id: number; recipients: number }> {
  return sendRound(
    app,
    {
      ...DEMO_ROUND,
      recipientKinds: ['committee', 'company'],
      recipientNames: DEMO_OUTSIDE_RECIPIENTS,
    },
    decisionItemId,
  );
}

/** Sends the demo's second remiss, still open today, to the committees named (once). */
export async function seedOpenRound(
  app: INestApplication,
): Promise<{ id: number; recipients: number }> {
  return sendRound(app, {
    ...DEMO_OPEN_ROUND,
    recipientKinds: [],
    recipientNames: DEMO_OPEN_ROUND.recipients,
  });
}

interface DemoRoundSpec {
  caseTitle: string;
  title: string;
  message: string;
  daysToAnswer: number;
  sections: { ref: string; title: string }[];
  recipientKinds: OrganisationKind[];
  recipientNames: readonly string[];
}

async function sendRound(
  app: INestApplication,
  spec: DemoRoundSpec,
  decisionItemId?: number,
): Promise<{ id: number; recipients: number }> {
  const actor = demoActor();
  const queries = app.get(RoundQueriesService);
  const owner = (await app.get(CasesService).list({ limit: 200 }, actor)).items.find(
    (item) => item.title === spec.caseTitle,
  );
  if (!owner) throw new Error(`The demo case "${spec.caseTitle}" is missing`);
  const existing = (await queries.list({ caseId: owner.id, limit: 1 }, actor)).items[0];
  if (existing) return { id: existing.id, recipients: existing.summary.total };
  const [draft] = await app.get(DocumentsService).listForCase(owner.id, actor);
  const organisations = (await app.get(OrganisationsService).list({ limit: 200 })).items;
  const named = organisations
    .filter((organisation) => spec.recipientNames.includes(organisation.name))
    .map((organisation) => organisation.id);
  const today = app.get(Clock).today();
  const round = await app.get(RoundsService).create(
    owner.id,
    {
      title: spec.title,
      deadline: workingDayOnOrBefore(addDays(today, spec.daysToAnswer)),
      documentIds: [draft.id],
      recipientKinds: spec.recipientKinds,
      recipientOrganisationIds: named,
      message: spec.message,
      sections: spec.sections,
      decisionItemId,
    },
    actor,
  );
  const sent = await app.get(RoundDispatchService).send(round.id, actor);
  return { id: round.id, recipients: sent.round.summary.total };
}

/**
 * Answers the demo round for the organisations given, as their respondent or through their link,
 * each only once (an organisation that has answered is left alone).
 */
export async function seedAnswers(
  app: INestApplication,
  roundId: number,
  answers: DemoAnswer[],
): Promise<number> {
  const recipients = await loadRecipients(app.get(DataSource).manager, roundId);
  const organisations = (await app.get(OrganisationsService).list({ limit: 200 })).items;
  const users = (await app.get(UsersService).list({ limit: 200 })).items;
  const today = app.get(Clock).today();
  let answered = 0;
  for (const answer of answers) {
    const recipient = recipients.find((r) => r.organisation?.name === answer.organisation);
    if (!recipient || recipient.status === 'answered' || recipient.status === 'declined') continue;
    const organisation = organisations.find((o) => o.name === answer.organisation)!;
    const body = {
      position: answer.position,
      summary: answer.summary,
      comments: answer.comments,
      decision: answer.decision && {
        organ: answer.decision.organ,
        paragraph: answer.decision.paragraph,
        date: today,
        // The case number is the body's own case for the remiss, filled in by the service.
      },
    };
    // The consultee opened the remiss before answering it (as its link or its memo would record).
    await markRecipientOpened(app.get(DataSource).manager, recipient.id, app.get(Clock).now());
    const user = users.find((candidate) => candidate.email === answer.asUser);
    const responses = app.get(ResponsesService);
    if (user) {
      const actor = {
        userId: user.id,
        label: user.email,
        roles: user.roles,
        organisationIds: user.organisationIds,
        requestId: null,
      };
      await responses.submitAsUser(
        roundId,
        { ...body, organisationId: organisation.id },
        [],
        actor,
      );
    } else {
      const actor = {
        ...systemActor(`link: ${organisation.name}`),
        organisationIds: [organisation.id],
      };
      await responses.submitThroughLink(recipient, body, [], actor);
    }
    answered += 1;
  }
  return answered;
}

/** Servicenämnden asks for more time and the registrar grants it (once). */
export async function seedExtension(app: INestApplication, roundId: number): Promise<string> {
  const recipients = await loadRecipients(app.get(DataSource).manager, roundId);
  const recipient = recipients.find((r) => r.organisation?.name === DEMO_EXTENSION.organisation);
  if (!recipient) throw new Error(`${DEMO_EXTENSION.organisation} is not a recipient of the round`);
  if (recipient.extendedDeadline) return recipient.extendedDeadline;
  const deadline = workingDayOnOrBefore(addDays(app.get(Clock).today(), DEMO_EXTENSION.days));
  await app
    .get(ExtensionsService)
    .grant(roundId, recipient.id, { deadline, reason: DEMO_EXTENSION.reason }, demoActor());
  return deadline;
}
