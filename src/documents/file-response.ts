import { safeFileName } from '../common/file-name.js';
import { StreamableFile } from '@nestjs/common';
import { create as contentDisposition } from 'content-disposition';
import type { DocumentContent } from './documents.service.js';

/** A stored file as a download: its type, length and a name that survives any client. */
export function fileResponse(content: DocumentContent): StreamableFile {
  const fileName = safeFileName(content.fileName);
  return new StreamableFile(content.stream, {
    type: content.mimeType,
    length: content.size,
    disposition: contentDisposition(fileName, {
      type: 'attachment',
      // Old clients read only the plain name: give them å→a rather than question marks.
      fallback: fileName
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^\x20-\x7e]/g, '_'),
    }),
  });
}
