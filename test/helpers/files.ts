import { deflateSync } from 'node:zlib';
import yazl from 'yazl';

/** A small but real PDF (file-type recognises it by its header). */
export function pdf(text = 'Förslag till strategi'): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
    'utf8',
  );
}

/** A 1×1 PNG. */
export function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
</Types>`;

const DOCUMENT_XML =
  '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Remissvar</w:t></w:r></w:p></w:body></w:document>';

/** The unpacked size of {@link docx}'s parts other than its padding. */
export const DOCX_TEXT_BYTES = Buffer.byteLength(CONTENT_TYPES) + Buffer.byteLength(DOCUMENT_XML);

/** A minimal .docx; `padding` adds a part of that many zero bytes (a zip bomb when large). */
export async function docx(padding = 0): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(CONTENT_TYPES), '[Content_Types].xml');
  zip.addBuffer(Buffer.from(DOCUMENT_XML), 'word/document.xml');
  if (padding > 0) zip.addBuffer(Buffer.alloc(padding), 'word/media/padding.bin');
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * A .docx zip bomb whose headers lie: its padding part inflates to `realBytes` zero bytes while
 * its local and central headers both claim `declaredBytes`.
 */
export async function lyingDocx(realBytes: number, declaredBytes: number): Promise<Buffer> {
  const bytes = await docx(realBytes);
  const name = Buffer.from('word/media/padding.bin');
  let patched = 0;
  for (let offset = 0; offset + 46 < bytes.length; offset += 1) {
    const signature = bytes.readUInt32LE(offset);
    if (signature === 0x04034b50) {
      // Local file header: name length at 26, name at 30, uncompressed size at 22.
      const nameLength = bytes.readUInt16LE(offset + 26);
      if (bytes.subarray(offset + 30, offset + 30 + nameLength).equals(name)) {
        bytes.writeUInt32LE(declaredBytes, offset + 22);
        patched += 1;
      }
    } else if (signature === 0x02014b50) {
      // Central directory header: name length at 28, name at 46, uncompressed size at 24.
      const nameLength = bytes.readUInt16LE(offset + 28);
      if (bytes.subarray(offset + 46, offset + 46 + nameLength).equals(name)) {
        bytes.writeUInt32LE(declaredBytes, offset + 24);
        patched += 1;
      }
    }
  }
  if (patched !== 2)
    throw new Error(`expected two headers of the padding part, patched ${patched}`);
  return bytes;
}
