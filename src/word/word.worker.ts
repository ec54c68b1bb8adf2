import { buildWord, type WordTask } from './word-builders.js';

/**
 * The worker-thread side of the Word pool: builds one document and hands its bytes back without
 * copying them.
 */
export default async function buildInWorker(task: WordTask): Promise<Uint8Array> {
  const bytes = await buildWord(task);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
