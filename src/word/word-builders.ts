import { renderCoverLetterPdf } from '../referral-rounds/cover-letter-pdf.js';
import { renderAnswerPdf } from '../responses/answer-pdf.js';
import { buildCompilation } from './compilation.docx.js';
import { buildExtract, buildProtocol } from './extract.docx.js';
import { buildMemo } from './memo.docx.js';

/**
 * Every document the service generates, by name: the Word documents and the PDFs of answers given
 * without a file and of cover letters. Each is a pure function of its arguments.
 */
export const WORD_BUILDERS = {
  extract: buildExtract,
  protocol: buildProtocol,
  compilation: buildCompilation,
  memo: buildMemo,
  answerPdf: renderAnswerPdf,
  coverLetterPdf: renderCoverLetterPdf,
} as const;

export type WordDocumentName = keyof typeof WORD_BUILDERS;

export type WordArgs<K extends WordDocumentName> = Parameters<(typeof WORD_BUILDERS)[K]>;

/** One document to build, as it crosses to a worker thread (structured-cloneable). */
export interface WordTask<K extends WordDocumentName = WordDocumentName> {
  name: K;
  args: WordArgs<K>;
}

/** Builds one document in the calling thread. */
export function buildWord<K extends WordDocumentName>(task: WordTask<K>): Promise<Buffer> {
  const build = WORD_BUILDERS[task.name] as (...args: WordArgs<K>) => Promise<Buffer>;
  return build(...task.args);
}
