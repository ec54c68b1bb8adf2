import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yauzl from 'yauzl';

/** The schema as published (the shared standards folder), else the service's own copy. */
const PUBLISHED_XSD = resolve('..', 'shared', 'standards', 'cits-erms-v3', 'ERMS_v3.xsd');
const SERVICE_XSD = resolve('templates', 'archive', 'ERMS_v3.xsd');
export const ERMS_XSD = existsSync(PUBLISHED_XSD) ? PUBLISHED_XSD : SERVICE_XSD;

export const xmllintMissing = spawnSync('xmllint', ['--version']).error !== undefined;
if (xmllintMissing) {
  const message =
    'xmllint (Debian libxml2-utils) is not installed: archive XML is checked by one validator only';
  if (process.env.CI === 'true') throw new Error(message);
  console.warn(`SKIPPED: ${message}`);
}

/** Every file of a zip, by its path. */
export async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((done, fail) =>
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, opened) =>
      error ? fail(error) : done(opened),
    ),
  );
  const files = new Map<string, Buffer>();
  await new Promise<void>((done, fail) => {
    zip.on('error', fail);
    zip.on('end', done);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return fail(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('error', fail);
        stream.on('end', () => {
          files.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  return files;
}

/** Writes the XML to a temporary file and returns its path. */
export function xmlFile(xml: Buffer | string, name = 'document.xml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'remiss-xml-')), name);
  writeFileSync(path, xml);
  return path;
}

/** `xmllint --noout --schema`: null when valid, else its messages. */
export function xmllintSchemaErrors(path: string, xsd = ERMS_XSD): string | null {
  const run = spawnSync('xmllint', ['--noout', '--schema', xsd, path], { encoding: 'utf8' });
  return run.status === 0 ? null : `${run.stderr}`.trim() || `exit ${run.status}`;
}

/** Whether the XML is well-formed, by xmllint. */
export function xmllintWellFormed(path: string): boolean {
  return spawnSync('xmllint', ['--noout', path]).status === 0;
}

/**
 * The string values an XPath selects in the file, one per node (xmllint --xpath), with element
 * names matched by local-name so namespaces need no binding: `el('record')` → `*[local-name()="record"]`.
 */
export function xpath(path: string, expression: string): string[] {
  const run = spawnSync('xmllint', ['--xpath', expression, path], { encoding: 'utf8' });
  if (run.status !== 0) return [];
  return run.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
}

/** `*[local-name()="name"]`, for XPath over namespaced documents. */
export const el = (name: string) => `*[local-name()="${name}"]`;
