import type { INestApplication } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource } from 'typeorm';
import { systemActor, type Actor } from '../common/actor.js';
import { ExtractsService } from '../meetings/extracts.service.js';
import { loadRecipients } from '../referral-rounds/recipient-rows.js';
import { ReferralRound } from '../referral-rounds/referral-round.entity.js';
import { RoundsService } from '../referral-rounds/rounds.service.js';
import { CompilationService } from '../responses/compilation.service.js';
import { MemoService } from '../responses/memo.service.js';
import type { RecordedParagraph } from './demo-meeting.js';

const demoActor = (): Actor => ({ ...systemActor('demo'), roles: ['admin'] });

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The end of the remiss: the compilation registered in the case, the round closed (its links
 * stop working and no more reminders go out). Done once.
 */
export async function concludeRound(app: INestApplication, roundId: number): Promise<void> {
  const actor = demoActor();
  const round = await app.get(DataSource).manager.findOneByOrFail(ReferralRound, { id: roundId });
  if (round.status === 'closed') return;
  await app.get(CompilationService).register(roundId, actor);
  await app
    .get(RoundsService)
    .close(roundId, 'Remisstiden har gått ut och svaren är sammanställda.', actor);
}

/** The Word documents of the story, written to `folder` to open; returns their paths. */
export async function writeWordFiles(
  app: INestApplication,
  folder: string,
  story: { roundId: number; decision: RecordedParagraph; final: RecordedParagraph },
): Promise<string[]> {
  const actor = demoActor();
  await mkdir(folder, { recursive: true });
  const extracts = app.get(ExtractsService);
  const files: [string, Buffer][] = [
    [
      `Protokollsutdrag § ${story.decision.paragraph} beslut om remiss.docx`,
      await bytesOf(
        (await extracts.extract(story.decision.meetingId, story.decision.itemId, actor)).stream,
      ),
    ],
    [
      'Protokoll utskottet.docx',
      await bytesOf((await extracts.protocol(story.decision.meetingId, actor)).stream),
    ],
    [
      `Protokollsutdrag § ${story.final.paragraph} antagande.docx`,
      await bytesOf(
        (await extracts.extract(story.final.meetingId, story.final.itemId, actor)).stream,
      ),
    ],
  ];
  const manager = app.get(DataSource).manager;
  files.push([
    'Remissammanställning.docx',
    (await app.get(CompilationService).build(story.roundId, actor)).bytes,
  ]);
  const servicenamnden = (await loadRecipients(manager, story.roundId)).find(
    (recipient) => recipient.organisation?.name === 'Servicenämnden',
  );
  if (servicenamnden?.ownCaseNumber) {
    files.push([
      'Tjänsteskrivelse Servicenämnden.docx',
      (await app.get(MemoService).build(servicenamnden.id, actor)).bytes,
    ]);
  }
  const paths: string[] = [];
  for (const [name, bytes] of files) {
    const path = join(folder, name);
    await writeFile(path, bytes);
    paths.push(path);
  }
  return paths;
}
