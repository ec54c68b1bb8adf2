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
import { DEMO_ROUND } from './demo-data.js';

const demoActor = (): Actor => ({ ...systemActor('demo'), roles: ['admin'] });

/** A decision the demo records: the meeting, its § and where the numbering continues. */
export interface DemoParagraph {
  organisation: string;
  paragraph: number;
  meeting: {
    startsAt: string;
    place: string;
    chair: string;
    secretary: string;
    adjusters: string[];
    present: string[];
    keptAt: string;
  };
  title: string;
  documents?: string;
  background?: string;
  deliberation?: string;
  decision: string;
  sendTo: string[];
}

export interface RecordedParagraph {
  meetingId: number;
  itemId: number;
  paragraph: number;
}

/**
 * Records a meeting of the organisation today with the § on the strategy case, adjusts it, posts
 * the notice and registers the extract in the case. Done once: a second run finds the § and
 * returns it.
 */
export async function recordParagraph(
  app: INestApplication,
  spec: DemoParagraph,
): Promise<RecordedParagraph> {
  const actor = demoActor();
  const owner = (await app.get(CasesService).list({ limit: 200 }, actor)).items.find(
    (item) => item.title === DEMO_ROUND.caseTitle,
  );
  if (!owner) throw new Error(`The demo case "${DEMO_ROUND.caseTitle}" is missing`);
  const existing = await app
    .get(DataSource)
    .manager.findOneBy(MeetingItem, { caseId: owner.id, title: spec.title });
  if (existing) {
    return { meetingId: existing.meetingId, itemId: existing.id, paragraph: existing.paragraph };
  }
  const organisation = (await app.get(OrganisationsService).list({ limit: 200 })).items.find(
    (candidate) => candidate.name === spec.organisation,
  );
  if (!organisation) throw new Error(`The demo organisation "${spec.organisation}" is missing`);
  const today = app.get(Clock).today();
  const items = app.get(MeetingItemsService);
  const meetings = app.get(MeetingsService);
  // The organisation moved its minutes here with the year's earlier paragraphs already used.
  await items.setSequence(
    organisation.id,
    { year: Number(today.slice(0, 4)), next: spec.paragraph },
    actor,
  );
  const meeting = await meetings.create(
    { organisationId: organisation.id, date: today, ...spec.meeting },
    actor,
  );
  const item = await items.add(
    meeting.id,
    {
      title: spec.title,
      caseId: owner.id,
      documents: spec.documents,
      background: spec.background,
      deliberation: spec.deliberation,
      decision: spec.decision,
      sendTo: spec.sendTo,
    },
    actor,
  );
  await meetings.adjust(meeting.id, { adjustedOn: today }, actor);
  await meetings.postNotice(meeting.id, { postedOn: today }, actor);
  await app.get(ExtractsService).registerFinal(item.id, actor);
  return { meetingId: meeting.id, itemId: item.id, paragraph: item.paragraph };
}
