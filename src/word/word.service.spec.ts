import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/env.schema.js';
import { docxText, readPart } from '../../test/helpers/docx-text.js';
import { ITEM_19, MEETING_19 } from '../../test/fixtures/paragraph-19.js';
import type { WordWording } from './extract.docx.js';
import { WordService } from './word.service.js';

const wording = JSON.parse(
  readFileSync(join(__dirname, '../../templates/word/extract.json'), 'utf8'),
) as WordWording;
const serviceWith = (wordThreads: number) => new WordService({ wordThreads } as AppConfig);

describe('WordService', () => {
  it('builds in a worker thread the same document the builder makes in this one', async () => {
    const pooled = serviceWith(1);
    const inThread = serviceWith(0);
    try {
      const [fromWorker, local] = await Promise.all([
        pooled.build('extract', MEETING_19, ITEM_19, wording, null),
        inThread.build('extract', MEETING_19, ITEM_19, wording, null),
      ]);
      expect(pooled.builtInWorkers).toBe(1);
      expect(inThread.builtInWorkers).toBe(0);
      expect(Buffer.isBuffer(fromWorker)).toBe(true);
      expect(await docxText(fromWorker)).toBe(await docxText(local));
      expect(await readPart(fromWorker, 'word/header1.xml')).toContain('UTDRAG');
    } finally {
      await pooled.onApplicationShutdown();
      await inThread.onApplicationShutdown();
    }
  });

  it('builds documents of every kind concurrently through the pool', async () => {
    const pooled = serviceWith(2);
    try {
      const extracts = await Promise.all(
        [19, 20, 21].map((paragraph) =>
          pooled.build('extract', MEETING_19, { ...ITEM_19, paragraph }, wording, null),
        ),
      );
      expect(pooled.builtInWorkers).toBe(3);
      const texts = await Promise.all(extracts.map((bytes) => docxText(bytes)));
      expect(texts.map((text) => /§ (\d+)/.exec(text)?.[1])).toEqual(['19', '20', '21']);
    } finally {
      await pooled.onApplicationShutdown();
    }
  });
});
