import yauzl from 'yauzl';

/** The text of a .docx's main document part, paragraphs separated by newlines. */
export async function docxText(bytes: Buffer): Promise<string> {
  const xml = await readPart(bytes, 'word/document.xml');
  return xml
    .replace(/<\/w:p>/g, '\n')
    .replace(/<w:tab\/>/g, '\t')
    .replace(/<[^>]+>/g, '')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** One part of a zip package (a .docx), as text. */
export function readPart(bytes: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('not a zip'));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('unreadable'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in the package`)));
      zip.readEntry();
    });
  });
}

/** The words of the page headers, then of the body: what a reader sees on the first page. */
export async function pageText(bytes: Buffer): Promise<string> {
  const headers = await Promise.all(
    ['word/header1.xml', 'word/header2.xml', 'word/header3.xml'].map((name) =>
      readPart(bytes, name).catch(() => ''),
    ),
  );
  const words = headers.map((xml) => xml.replace(/<\/w:p>/g, '\n').replace(/<[^>]+>/g, ''));
  return `${words.join('\n')}\n${await docxText(bytes)}`;
}

/** A supertest body parser that keeps a download's bytes: `.buffer(true).parse(binary)`. */
export function binary(
  response: { on: (event: string, listener: (chunk?: Buffer) => void) => void },
  done: (error: Error | null, body: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk) => chunks.push(chunk!));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}
