import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { adminAuth, createOrganisation, createUser, TestUser } from './helpers/factories.js';
import { docx, DOCX_TEXT_BYTES, lyingDocx, pdf, png } from './helpers/files.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function filesUnder(directory: string): string[] {
  try {
    return readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
}

describe('documents', () => {
  let t: TestApp;
  let registrar: TestUser;
  let reader: TestUser;
  let caseId: number;
  let caseNumber: string;

  beforeAll(async () => {
    t = await startTestApp({ UPLOAD_MAX_MB: '1' });
    const admin = await adminAuth(t);
    const ks = await createOrganisation(t, admin, {
      name: 'Kommunstyrelsen',
      kind: 'council',
      seriesCode: 'KS',
    });
    registrar = await createUser(t, admin, ['registrar'], [ks.id]);
    reader = await createUser(t, admin, ['reader']);
    const created = await t
      .http()
      .post('/api/cases')
      .set('Authorization', registrar.auth)
      .send({ title: 'Strategi för inkludering', organisationId: ks.id });
    caseId = created.body.id;
    caseNumber = created.body.caseNumber;
  });
  afterAll(async () => {
    await t.close();
  });

  const upload = (
    file: Buffer | null,
    fileName: string,
    fields: Record<string, string> = { title: 'Handling', direction: 'incoming' },
    options: { contentType?: string; id?: number; auth?: string } = {},
  ) => {
    const request = t
      .http()
      .post(`/api/cases/${options.id ?? caseId}/documents`)
      .set('Authorization', options.auth ?? registrar.auth);
    for (const [name, value] of Object.entries(fields)) void request.field(name, value);
    if (file)
      void request.attach('file', file, { filename: fileName, contentType: options.contentType });
    return request;
  };
  const listed = async () =>
    (await t.http().get(`/api/cases/${caseId}/documents`).set('Authorization', registrar.auth)).body
      .items as { documentNumber: string }[];

  it('stores the bytes with a Swedish file name and gives them back identical', async () => {
    const bytes = pdf();
    const fileName = 'Förslag till strategi – bilaga 1 (åäö ÅÄÖ).pdf';
    const response = await upload(bytes, fileName, {
      title: 'Förslag till strategi',
      direction: 'outgoing',
      counterpart: 'Samtliga nämnder och bolag',
      date: '2021-05-21',
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      caseId,
      caseNumber,
      documentNumber: `${caseNumber}-1`,
      number: 1,
      direction: 'outgoing',
      title: 'Förslag till strategi',
      counterpart: 'Samtliga nämnder och bolag',
      date: '2021-05-21',
      fileName,
      mimeType: 'application/pdf',
      size: bytes.length,
      sha256: sha256(bytes),
      confidentiality: null,
      redacted: false,
    });

    const download = await t
      .http()
      .get(`/api/documents/${response.body.id}/content`)
      .set('Authorization', reader.auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    const disposition = download.headers['content-disposition'];
    expect(disposition).toContain(
      'attachment; filename="Forslag till strategi _ bilaga 1 (aao AAO).pdf"',
    );
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(disposition)![1])).toBe(fileName);
    expect(sha256(download.body as Buffer)).toBe(sha256(bytes));
  });

  it('numbers documents within the case without gaps, also when uploaded concurrently', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        upload(png(), `bild-${index}.png`, { title: `Bild ${index}`, direction: 'internal' }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(201));
    expect((await listed()).map((item) => item.documentNumber)).toEqual(
      Array.from({ length: 9 }, (_, index) => `${caseNumber}-${index + 1}`),
    );
    // The same bytes are stored once.
    expect(
      filesUnder(t.config.storageDir).filter((path) => !path.includes('incoming')),
    ).toHaveLength(2);
    const cases = await t.http().get(`/api/cases/${caseId}`).set('Authorization', registrar.auth);
    expect(cases.body.documentCount).toBe(9);
  });

  it('accepts a Word file, plain text and an e-mail, typed from their bytes', async () => {
    const word = await upload(await docx(), 'Tjänsteskrivelse.docx', {
      title: 'Tjänsteskrivelse',
      direction: 'incoming',
    });
    expect(word.status).toBe(201);
    expect(word.body.mimeType).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const text = await upload(
      Buffer.from('Anteckning om remissen, med å ä ö.\n'),
      'anteckning.txt',
    );
    expect(text.body.mimeType).toBe('text/plain');
    const mail = await upload(
      Buffer.from('From: a@exempel.se\r\nTo: b@exempel.se\r\nSubject: Remissvar\r\n\r\nHej!\r\n'),
      'svar.eml',
    );
    expect(mail.body.mimeType).toBe('message/rfc822');
  });

  it('refuses each bad upload with the right status and leaves nothing behind', async () => {
    const before = await listed();
    const storedBefore = filesUnder(t.config.storageDir);
    const refusals: [
      string,
      Promise<{ status: number; body: { code: string; details?: { field: string }[] } }>,
    ][] = [
      ['pdf named .png', upload(pdf(), 'bild.png')],
      ['exe', upload(Buffer.from('MZ\x90\x00binary'), 'program.exe')],
      ['declared as image', upload(pdf(), 'brev.pdf', undefined, { contentType: 'image/png' })],
      ['binary as .txt', upload(png(), 'anteckning.txt')],
      ['zip bomb', docx(8 * 1024 * 1024).then((bomb) => upload(bomb, 'bomb.docx'))],
      ['empty', upload(Buffer.alloc(0), 'tom.pdf')],
      ['oversize', upload(Buffer.concat([pdf(), Buffer.alloc(1024 * 1024)]), 'stor.pdf')],
      ['no file', upload(null, '')],
      ['bad direction', upload(pdf(), 'a.pdf', { title: 'X', direction: 'sideways' })],
      [
        'bad date',
        upload(pdf(), 'a.pdf', { title: 'X', direction: 'incoming', date: '2026-02-30' }),
      ],
      ['missing title', upload(pdf(), 'a.pdf', { direction: 'incoming' })],
      [
        'unknown field',
        upload(pdf(), 'a.pdf', { title: 'X', direction: 'incoming', colour: 'red' }),
      ],
      ['unknown case', upload(pdf(), 'a.pdf', undefined, { id: 999999 })],
      ['reader', upload(pdf(), 'a.pdf', undefined, { auth: reader.auth })],
    ];
    const results = Object.fromEntries(
      await Promise.all(refusals.map(async ([name, response]) => [name, await response] as const)),
    );
    const summary = Object.fromEntries(
      Object.entries(results).map(([name, response]) => [
        name,
        `${response.status} ${response.body.code}${response.body.details ? ` ${response.body.details.map((d) => d.field).join(',')}` : ''}`,
      ]),
    );
    expect(summary).toEqual({
      'pdf named .png': '415 content_mismatch file',
      exe: '415 unsupported_file_type file',
      'declared as image': '415 content_mismatch file',
      'binary as .txt': '415 content_mismatch file',
      'zip bomb': '415 suspicious_archive file',
      empty: '400 empty_file file',
      oversize: '413 payload_too_large',
      'no file': '400 validation_failed file',
      'bad direction': '400 validation_failed direction',
      'bad date': '400 validation_failed date',
      'missing title': '400 validation_failed title',
      'unknown field': '400 validation_failed colour',
      'unknown case': '404 not_found',
      reader: '403 forbidden',
    });
    expect(await listed()).toEqual(before);
    // No new stored file, and nothing left in the incoming folder.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(filesUnder(t.config.storageDir)).toEqual(storedBefore);
  });

  it('shows the register across cases and withholds confidential details from a reader', async () => {
    const marked = await upload(pdf('sekretess'), 'utredning.pdf', {
      title: 'Utredning om enskild',
      direction: 'incoming',
      counterpart: 'Socialtjänsten',
      confidentiality: 'OSL 26 kap. 1 §',
    });
    expect(marked.status).toBe(201);

    const asReader = await t
      .http()
      .get(`/api/documents/${marked.body.id}`)
      .set('Authorization', reader.auth);
    expect(asReader.body).toMatchObject({
      documentNumber: marked.body.documentNumber,
      direction: 'incoming',
      date: marked.body.date,
      title: null,
      counterpart: null,
      fileName: null,
      confidentiality: 'OSL 26 kap. 1 §',
      redacted: true,
    });
    const download = await t
      .http()
      .get(`/api/documents/${marked.body.id}/content`)
      .set('Authorization', reader.auth);
    expect(download.status).toBe(403);
    expect(download.body.code).toBe('confidential');
    const asRegistrar = await t
      .http()
      .get(`/api/documents/${marked.body.id}/content`)
      .set('Authorization', registrar.auth);
    expect(asRegistrar.status).toBe(200);

    const today = marked.body.registeredAt
      ? new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Stockholm' }).format(
          new Date(marked.body.registeredAt),
        )
      : '';
    const register = await t
      .http()
      .get(`/api/documents?from=${today}&to=${today}&direction=incoming&limit=2`)
      .set('Authorization', reader.auth);
    expect(register.status).toBe(200);
    const next = await t
      .http()
      .get(
        `/api/documents?from=${today}&to=${today}&direction=incoming&limit=2&cursor=${register.body.nextCursor}`,
      )
      .set('Authorization', reader.auth);
    const numbers = [...register.body.items, ...next.body.items].map(
      (item: { documentNumber: string }) => item.documentNumber,
    );
    const incoming = (await listed())
      .filter((_, index) => index >= 9)
      .map((item) => item.documentNumber);
    expect(numbers).toEqual(incoming);
    expect(next.body.items.at(-1)).toMatchObject({ title: null, redacted: true });

    const yesterday = await t
      .http()
      .get('/api/documents?to=2020-01-01')
      .set('Authorization', reader.auth);
    expect(yesterday.body.items).toEqual([]);
    const badRange = await t
      .http()
      .get('/api/documents?from=2026-13-01')
      .set('Authorization', reader.auth);
    expect(badRange.status).toBe(400);
    expect(badRange.body.details[0].field).toBe('from');
  });

  it('inflates an Office file to count its size, refusing a bomb whose zip headers lie (A20)', async () => {
    // 16 MB of zeros packed into about 16 kB, with headers that claim 5,000 bytes.
    const bomb = await lyingDocx(16 * 1024 * 1024, 5_000);
    expect(bomb.length).toBeLessThan(64 * 1024);
    const before = await listed();
    const storedBefore = filesUnder(t.config.storageDir);

    const refused = await upload(bomb, 'Yttrande.docx', {
      title: 'Yttrande',
      direction: 'incoming',
    });
    expect(refused.status).toBe(415);
    expect(refused.body.code).toBe('suspicious_archive');
    const limit = bomb.length * 200;
    expect(refused.body.message).toBe(
      `file expands to more than ${limit} bytes when unpacked, though its headers claim ${DOCX_TEXT_BYTES + 5_000}; it is refused as a possible zip bomb`,
    );
    expect(refused.body.details).toEqual([{ field: 'file', messages: [refused.body.message] }]);
    expect(await listed()).toEqual(before);
    // The refused upload's temporary file goes once the request is done.
    for (let tries = 0; tries < 100; tries += 1) {
      if (filesUnder(t.config.storageDir).length === storedBefore.length) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(filesUnder(t.config.storageDir)).toEqual(storedBefore);

    // An honest Word file still registers.
    const word = await upload(await docx(), 'Yttrande.docx', {
      title: 'Yttrande',
      direction: 'incoming',
    });
    expect(word.status).toBe(201);
  });
});
