import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { systemActor, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { CasesService } from '../cases/cases.service.js';
import { ExtractsService } from '../meetings/extracts.service.js';
import { MeetingItemsService } from '../meetings/meeting-items.service.js';
import { MeetingItem } from '../meetings/meeting.entity.js';
import { MeetingsService } from '../meetings/meetings.service.js';
import { OrganisationsService } from '../organisations/organisations.service.js';
import { DEMO_DECISION, DEMO_ROUND } from './demo-data.js';

const demoActor = (): Actor => ({ ...systemActor('demo'), roles: ['admin'] });

/**
 * Records the utskott's meeting with its § 19 (the decision to send the draft on remiss),
 * adjusts that § at once, posts the notice and registers the extract in the strategy case.
 * Done once: a second run finds the § and returns it.
 */
export async function seedDecision(
  app: INestApplication,
): Promise<{ meetingId: number; itemId: number; paragraph: number }> {
  const actor = demoActor();
  const owner = (await app.get(CasesService).list({ limit: 200 }, actor)).items.find(
    (item) => item.title === DEMO_ROUND.caseTitle,
  );
  if (!owner) throw new Error(`The demo case "${DEMO_ROUND.caseTitle}" is missing`);
  const existing = await app
    .get(DataSource)
    .manager.findOneBy(MeetingItem, { caseId: owner.id, title: DEMO_DECISION.title });
  if (existing) {
    return { meetingId: existing.meetingId, itemId: existing.id, paragraph: existing.paragraph };
  }
  const organisation = (await app.get(OrganisationsService).list({ limit: 200 })).items.find(
    (candidate) => candidate.name === DEMO_DECISION.organisation,
  );
  if (!organisation)
    throw new Error(`The demo organisation "${DEMO_DECISION.organisation}" is missing`);
  const today = app.get(Clock).today();
  const items = app.get(MeetingItemsService);
  const meetings = app.get(MeetingsService);
  // The utskott moved here with 18 paragraphs already used this year.
  await items.setSequence(
    organisation.id,
    { year: Number(today.slice(0, 4)), next: DEMO_DECISION.paragraph },
    actor,
  );
  const meeting = await meetings.create(
    { organisationId: organisation.id, date: today, ...DEMO_DECISION.meeting },
    actor,
  );
  const item = await items.add(
    meeting.id,
    {
      title: DEMO_DECISION.title,
      caseId: owner.id,
      documents: DEMO_DECISION.documents,
      background: DEMO_DECISION.background,
      deliberation: DEMO_DECISION.deliberation,
      decision: DEMO_DECISION.decision,
      sendTo: DEMO_DECISION.sendTo,
    },
    actor,
  );
  await meetings.adjust(meeting.id, { adjustedOn: today }, actor);
  await meetings.postNotice(meeting.id, { postedOn: today }, actor);
  await app.get(ExtractsService).registerFinal(item.id, actor);
  return { meetingId: meeting.id, itemId: item.id, paragraph: item.paragraph };
}
