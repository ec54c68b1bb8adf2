import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  el,
  unzip,
  xmlFile,
  xmllintMissing,
  xmllintSchemaErrors,
  xpath,
} from './helpers/archive-package.js';
import { ArchiveExportsService } from '../src/archive/archive-exports.service.js';
import { binary } from './helpers/docx-text.js';
import { buildSecretCase, SECRETS, type SecretCase } from './helpers/secret-case.js';
import { SmtpSink, waitFor } from './helpers/smtp-sink.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

interface ExportBody {
  id: number;
  status: string;
  packageId: string;
  caseCount: number;
  documentCount: number;
  confidential: boolean;
  size: number | null;
  sha256: string | null;
  error: string | null;
}

describe('archive export', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let s: SecretCase;
  /** A closed case of its own, with one document whose stored file is later damaged. */
  let plainCaseId: number;
  let plainNumber: string;
  let plainDocument: { id: number; sha256: string; documentNumber: string };

  const post = (body: unknown, auth = s.registrar.auth) =>
    t
      .http()
      .post('/api/archive/exports')
      .set('Authorization', auth)
      .send(body as object);
  const status = (id: number, auth = s.registrar.auth) =>
    t.http().get(`/api/archive/exports/${id}`).set('Authorization', auth);
  const download = (id: number, auth: string) =>
    t
      .http()
      .get(`/api/archive/exports/${id}/package`)
      .set('Authorization', auth)
      .buffer(true)
      .parse(binary);
  const settled = async (id: number): Promise<ExportBody> =>
    (
      await waitFor(
        () => status(id),
        (response) => ['ready', 'failed'].includes((response.body as ExportBody).status),
        60_000,
      )
    ).body as ExportBody;
  const exportRows = async () =>
    Number((await t.sql<{ n: number }>('SELECT COUNT(*) AS n FROM archive_export'))[0].n);
  const close = async (caseId: number) => {
    const response = await t
      .http()
      .post(`/api/cases/${caseId}/close`)
      .set('Authorization', s.registrar.auth)
      .send({ reason: 'Ärendet är avslutat och ska arkiveras.' });
    expect(response.status).toBe(200);
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ SMTP_URL: sink.url, MUNICIPALITY_NAME: 'Kalmar kommun' });
    s = await buildSecretCase(t, sink);
    const created = await t
      .http()
      .post('/api/cases')
      .set('Authorization', s.registrar.auth)
      .send({ title: 'Översyn av arkivreglementet', organisationId: s.organisations.ks });
    expect(created.status).toBe(201);
    plainCaseId = created.body.id;
    plainNumber = created.body.caseNumber;
    const uploaded = await t
      .http()
      .post(`/api/cases/${plainCaseId}/documents`)
      .set('Authorization', s.registrar.auth)
      .field('title', 'Förslag till arkivreglemente')
      .field('direction', 'internal')
      .attach('file', Buffer.from('%PDF-1.4\n% arkivreglemente\n%%EOF\n'), {
        filename: 'arkivreglemente.pdf',
        contentType: 'application/pdf',
      });
    expect(uploaded.status).toBe(201);
    plainDocument = uploaded.body;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('refuses a bad selection with the field named, and writes nothing', async () => {
    const cases: [unknown, number, string][] = [
      [{}, 400, 'caseIds'],
      [{ caseIds: [] }, 400, 'caseIds'],
      [{ caseIds: ['ett'] }, 400, 'caseIds'],
      [{ series: 'ks' }, 400, 'series'],
      [{ closedFrom: '2026-02-30' }, 400, 'closedFrom'],
      [{ closedFrom: '2026-06-01', closedTo: '2026-05-31' }, 400, 'closedTo'],
      [{ series: 'KS', format: 'tar' }, 400, 'format'],
      [{ caseIds: [999_999] }, 400, 'caseIds'],
    ];
    for (const [body, code, field] of cases) {
      const response = await post(body);
      expect({ body, status: response.status }).toEqual({ body, status: code });
      expect(JSON.stringify(response.body)).toContain(field);
    }
    // An open case is not delivered; nor is a selection without closed cases.
    const open = await post({ caseIds: [s.openCaseId] });
    expect(open.status).toBe(409);
    expect(open.body.code).toBe('case_not_closed');
    const empty = await post({ series: 'ZZZ' });
    expect(empty.status).toBe(409);
    expect(empty.body.code).toBe('empty_selection');
    // Only admins and registrars.
    expect((await post({ series: 'KS' }, s.reader.auth)).status).toBe(403);
    expect((await post({ series: 'KS' }, s.clerk.auth)).status).toBe(403);
    expect((await t.http().post('/api/archive/exports').send({ series: 'KS' })).status).toBe(401);
    expect(await exportRows()).toBe(0);
    expect((await status(999_999)).status).toBe(404);
  });

  it('delivers a confidential case with its marking in erms.xml, downloadable by admins only', async () => {
    await close(s.caseId);
    await close(s.consulteeCaseId);
    await close(s.openCaseId);
    const markedCase = (
      await t.http().get(`/api/cases/${s.openCaseId}`).set('Authorization', s.admin)
    ).body.caseNumber as string;
    const asked = await post({ caseIds: [s.openCaseId, s.consulteeCaseId, s.caseId, s.caseId] });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({
      status: 'queued',
      caseCount: 3,
      confidential: true,
      selection: {
        caseIds: [s.caseId, s.consulteeCaseId, s.openCaseId].sort((a, b) => a - b),
      },
    });
    const done = await settled(asked.body.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('ready');

    // A registrar may ask for it, but not take a confidential package home.
    const refused = await download(done.id, s.registrar.auth);
    expect(refused.status).toBe(403);
    expect(JSON.parse((refused.body as Buffer).toString('utf8')).code).toBe('confidential_export');
    expect((await download(done.id, s.reader.auth)).status).toBe(403);

    const fetched = await download(done.id, s.admin);
    expect(fetched.status).toBe(200);
    expect(fetched.headers['content-type']).toBe('application/zip');
    const bytes = fetched.body as Buffer;
    expect(bytes.length).toBe(done.size);
    expect(sha256(bytes)).toBe(done.sha256);
    const files = await unzip(bytes);
    const root = done.packageId;
    const ermsBytes = files.get(`${root}/metadata/descriptive/erms.xml`);
    expect(ermsBytes).toBeDefined();
    const erms = xmlFile(ermsBytes as Buffer, 'erms.xml');
    if (!xmllintMissing) {
      expect(xmllintSchemaErrors(erms)).toBeNull();
      const secret = `//${el('aggregation')}[${el('objectId')}="${s.caseNumber}"]`;
      expect(xpath(erms, `${secret}/${el('securityClass')}/text()`)).toHaveLength(1);
      expect(xpath(erms, `${secret}/${el('restriction')}/@restrictionType`)).toEqual([
        'restrictionType="confidential"',
      ]);
      expect(xpath(erms, `${secret}/${el('restriction')}/${el('regulation')}/text()`)).toEqual([
        'Offentlighets- och sekretesslagen (2009:400)',
      ]);
      // A marked document carries its own OSL reference, and so does its case.
      const marked = `//${el('aggregation')}[${el('objectId')}="${markedCase}"]`;
      expect(xpath(erms, `${marked}/${el('restriction')}/${el('regulation')}/text()`)).toEqual([
        'OSL 18 kap. 1 §',
      ]);
      expect(
        xpath(
          erms,
          `${marked}//${el('record')}[${el('title')}="${SECRETS.markedTitle}"]/${el('restriction')}/${el('regulation')}/text()`,
        ),
      ).toEqual(['OSL 18 kap. 1 §']);
    }
    // The archive gets everything: the confidential files are in the package, unredacted.
    const documents = (
      await t.http().get(`/api/cases/${s.caseId}/documents`).set('Authorization', s.admin)
    ).body.items as { documentNumber: string; sha256: string }[];
    const data = [...files.keys()].filter((name) => name.includes('/representations/rep1/data/'));
    for (const document of documents) {
      const base = document.documentNumber.replace('/', '-').replace(/\s+/g, '_');
      const name = data.find((path) => path.includes(`/data/${base}.`));
      expect({ document: document.documentNumber, found: name !== undefined }).toEqual({
        document: document.documentNumber,
        found: true,
      });
      expect(sha256(files.get(name as string) as Buffer)).toBe(document.sha256);
    }
    const readme = (files.get(`${root}/README.txt`) as Buffer).toString('utf8');
    expect(readme).toContain('Arkivbildare (producent): Kalmar kommun');
    expect(readme).toContain(`- ${s.caseNumber}`);
    const audit = await t.sql<{ action: string }>(
      "SELECT action FROM audit_event WHERE entity = 'archive_export' AND entity_id = ? ORDER BY id",
      [String(done.id)],
    );
    expect(audit.map((row) => row.action)).toEqual([
      'archive_export.requested',
      'archive_export.ready',
      'archive_export.downloaded',
    ]);
  });

  it('builds the same package again on a retry, byte for byte', async () => {
    await close(plainCaseId);
    const asked = await post({ caseIds: [plainCaseId] });
    expect(asked.status).toBe(202);
    expect(asked.body.confidential).toBe(false);
    const first = await settled(asked.body.id);
    expect(first.status).toBe('ready');
    const firstBytes = (await download(first.id, s.registrar.auth)).body as Buffer;
    // Run the job again as a retry would: a new attempt over the same selection.
    await t.sql("UPDATE archive_export SET status = 'queued' WHERE id = ?", [first.id]);
    // Asked again while it waits to be built: the same export answers, nothing more is written.
    const rows = await exportRows();
    const twice = await post({ caseIds: [plainCaseId] });
    expect(twice.status).toBe(202);
    expect(twice.body).toMatchObject({ id: first.id, status: 'queued' });
    expect(await exportRows()).toBe(rows);
    await t.app.get(ArchiveExportsService).enqueue(first.id);
    const second = await waitFor(
      async () =>
        (
          await t.sql<{ status: string; attempt: number }>(
            'SELECT status, attempt FROM archive_export WHERE id = ?',
            [first.id],
          )
        )[0],
      (row) => row.status === 'ready' && Number(row.attempt) === 2,
      60_000,
    );
    expect(second).toEqual({ status: 'ready', attempt: 2 });
    const again = await status(first.id);
    expect(again.body.sha256).toBe(first.sha256);
    const secondBytes = (await download(first.id, s.registrar.auth)).body as Buffer;
    expect(secondBytes.equals(firstBytes)).toBe(true);
    const files = await unzip(secondBytes);
    const name = `${first.packageId}/representations/rep1/data/${plainNumber.replace('/', '-').replace(/\s+/g, '_')}-1.pdf`;
    expect(sha256(files.get(name) as Buffer)).toBe(plainDocument.sha256);
    const mets = xmlFile(files.get(`${first.packageId}/METS.xml`) as Buffer, 'METS.xml');
    if (!xmllintMissing) {
      expect(
        xpath(mets, `//${el('file')}[@LABEL="${plainDocument.documentNumber}"]/@CHECKSUM`),
      ).toEqual([`CHECKSUM="${plainDocument.sha256}"`]);
    }
  });

  it('fails an export whose stored file no longer matches its checksum, and offers no package', async () => {
    const stored = join(
      t.config.storageDir,
      plainDocument.sha256.slice(0, 2),
      plainDocument.sha256.slice(2, 4),
      plainDocument.sha256,
    );
    const original = readFileSync(stored);
    writeFileSync(
      stored,
      Buffer.concat([original.subarray(0, original.length - 1), Buffer.from('X')]),
    );
    try {
      const asked = await post({ caseIds: [plainCaseId] });
      expect(asked.status).toBe(202);
      const failed = await settled(asked.body.id);
      expect(failed.status).toBe('failed');
      expect(failed.error).toBe(
        `The stored file of document ${plainDocument.documentNumber} no longer matches its registered checksum ` +
          `(SHA-256 registered ${plainDocument.sha256}, ${original.length} bytes; found ${sha256(
            Buffer.concat([original.subarray(0, original.length - 1), Buffer.from('X')]),
          )}, ${original.length} bytes): the package is not delivered`,
      );
      expect(failed.size).toBeNull();
      const refused = await download(failed.id, s.admin);
      expect(refused.status).toBe(409);
      expect(JSON.parse((refused.body as Buffer).toString('utf8')).code).toBe('export_not_ready');
    } finally {
      writeFileSync(stored, original);
    }
  });

  it('lists earlier exports newest first, a page at a time', async () => {
    const first = await t
      .http()
      .get('/api/archive/exports?limit=2')
      .set('Authorization', s.registrar.auth);
    expect(first.status).toBe(200);
    const total = await exportRows();
    expect(total).toBe(3);
    expect(first.body.items.map((item: ExportBody) => item.status)).toEqual(['failed', 'ready']);
    const rest = await t
      .http()
      .get(`/api/archive/exports?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`)
      .set('Authorization', s.registrar.auth);
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    expect(
      (await t.http().get('/api/archive/exports').set('Authorization', s.reader.auth)).status,
    ).toBe(403);
  });
});
