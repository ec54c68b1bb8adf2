import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { sha256Of } from '../documents/file-inspection.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../documents/storage/document-storage.js';
import type { ArchiveCase, ArchivePackageInfo } from './archive-model.js';
import { ArchiveReader } from './archive-reader.js';
import { validateErmsFile } from './erms-validation.js';
import { writeErmsXml } from './erms-xml.js';
import { metsXml, type PackageFile } from './mets-xml.js';
import { ERMS_PATH, METS_PATH, README_PATH } from './package-layout.js';
import { archiveReadme } from './package-readme.js';
import { digestZipEntries } from './zip-digests.js';

/** A package that must not be delivered: invalid metadata, a damaged file, a reopened case. */
export class ExportRejected extends Error {}

/** Where a ready package lies. */
export function packagePath(storageDir: string, packageId: string): string {
  return join(storageDir, 'exports', `${packageId}.zip`);
}

export const SYSTEM_NAME = 'Remiss';

/** The version the package names as its producing system's. */
export const SYSTEM_VERSION = readVersion();

function readVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as {
      version?: unknown;
    };
    return typeof manifest.version === 'string' ? manifest.version : 'okänd';
  } catch {
    return 'okänd';
  }
}

export interface BuildRequest {
  exportId: number;
  attempt: number;
  packageId: string;
  createdAt: Date;
  selection: string;
  caseIds: number[];
}

export interface BuiltPackage {
  size: number;
  sha256: string;
  files: number;
}

/**
 * Builds one E-ARK package: erms.xml from the database, validated against the CITS ERMS schema,
 * METS.xml with every file's size and SHA-256, the README, and the document files streamed from
 * the store into a zip. Each attempt writes its own work folder; only a package whose every file
 * was read back and matched METS.xml is moved to its final name.
 */
@Injectable()
export class ArchiveBuilder {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    private readonly reader: ArchiveReader,
  ) {}

  async build(request: BuildRequest): Promise<BuiltPackage> {
    const exportsDir = join(this.config.storageDir, 'exports');
    const work = join(exportsDir, `.work-${request.exportId}-${request.attempt}`);
    await rm(work, { recursive: true, force: true });
    await mkdir(work, { recursive: true });
    try {
      const info: ArchivePackageInfo = {
        packageId: request.packageId,
        producer: this.config.municipalityName,
        system: { name: SYSTEM_NAME, version: SYSTEM_VERSION },
        createdAt: request.createdAt,
        selection: request.selection,
      };
      const files: PackageFile[] = [];
      const caseNumbers: string[] = [];
      const ermsFile = join(work, 'erms.xml');
      await this.writeErms(info, request.caseIds, ermsFile, files, caseNumbers);
      const validation = await validateErmsFile(
        ermsFile,
        join(this.config.templatesDir, 'archive', 'ERMS_v3.xsd'),
      );
      if (!validation.valid) {
        throw new ExportRejected(
          `erms.xml does not validate against CITS ERMS v3.0.2 (ERMS_v3.xsd): ${validation.errors.join(' | ')}`,
        );
      }
      const erms: PackageFile = {
        path: ERMS_PATH,
        mimeType: 'application/xml',
        size: (await stat(ermsFile)).size,
        sha256: await sha256Of(ermsFile),
      };
      const readme = Buffer.from(archiveReadme(info, caseNumbers, files.length), 'utf8');
      const readmeFile: PackageFile = {
        path: README_PATH,
        mimeType: 'text/plain',
        size: readme.length,
        sha256: sha256(readme),
      };
      const mets = Buffer.from(metsXml(info, erms, [readmeFile], files), 'utf8');
      const expected = new Map<string, { size: number; sha256: string; label: string }>();
      const root = request.packageId;
      expected.set(`${root}/${METS_PATH}`, {
        size: mets.length,
        sha256: sha256(mets),
        label: METS_PATH,
      });
      for (const file of [erms, readmeFile, ...files]) {
        expected.set(`${root}/${file.path}`, {
          size: file.size,
          sha256: file.sha256,
          label: file.documentNumber ? `document ${file.documentNumber}` : file.path,
        });
      }

      const zipFile = join(work, 'package.zip');
      const built = await this.writeZip(zipFile, request, mets, readme, ermsFile, files);
      await verifyZip(zipFile, expected);
      await mkdir(exportsDir, { recursive: true });
      await rename(zipFile, packagePath(this.config.storageDir, request.packageId));
      return { ...built, files: expected.size };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  private async writeErms(
    info: ArchivePackageInfo,
    caseIds: number[],
    path: string,
    files: PackageFile[],
    caseNumbers: string[],
  ): Promise<void> {
    const reader = this.reader;
    async function* closedCases(): AsyncGenerator<ArchiveCase> {
      for await (const found of reader.cases(caseIds, new Set(caseIds))) {
        if (found.status !== 'closed') {
          throw new ExportRejected(
            `Case ${found.caseNumber} has been reopened since the export was asked for: only closed cases are delivered`,
          );
        }
        caseNumbers.push(found.caseNumber);
        for (const record of found.records) {
          files.push({
            path: record.file.path,
            mimeType: record.file.mimeType,
            size: record.file.size,
            sha256: record.file.sha256,
            documentNumber: record.documentNumber,
            created: record.registeredAt,
          });
        }
        yield found;
      }
    }
    const out = createWriteStream(path);
    const failed = new Promise<never>((_, reject) => out.once('error', reject));
    await Promise.race([writeErmsXml(info, closedCases(), out), failed]);
    await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
  }

  /** Streams everything into the zip, checking each document's bytes against its SHA-256. */
  private async writeZip(
    path: string,
    request: BuildRequest,
    mets: Buffer,
    readme: Buffer,
    ermsFile: string,
    files: PackageFile[],
  ): Promise<{ size: number; sha256: string }> {
    const root = request.packageId;
    // A fixed time in every entry: the same export gives the same bytes on every attempt.
    const mtime = request.createdAt;
    const zip = new yazl.ZipFile();
    // The first reason to stop; set from stream callbacks.
    const state: { failure: Error | null } = { failure: null };
    let abort: (error: Error) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => {
      abort = (error) => {
        state.failure ??= error;
        reject(state.failure);
      };
    });
    zip.on('error', (error: Error) => abort(error));

    zip.addBuffer(mets, `${root}/${METS_PATH}`, { mtime, compress: true });
    zip.addBuffer(readme, `${root}/${README_PATH}`, { mtime, compress: true });
    zip.addReadStreamLazy(`${root}/${ERMS_PATH}`, { mtime, compress: true }, (callback) => {
      callback(null, createReadStream(ermsFile).on('error', abort));
    });
    for (const file of files) {
      zip.addReadStreamLazy(`${root}/${file.path}`, { mtime, compress: false }, (callback) => {
        this.storage.open(file.sha256).then(
          (stream) => {
            stream.on('error', abort);
            callback(null, stream.pipe(checked(file, abort)));
          },
          () =>
            abort(
              new ExportRejected(
                `The file of document ${file.documentNumber ?? file.path} is missing from the document store (SHA-256 ${file.sha256})`,
              ),
            ),
        );
      });
    }
    zip.end();

    const hash = createHash('sha256');
    let size = 0;
    const counter = new PassThrough();
    counter.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    const out = createWriteStream(path);
    try {
      await Promise.race([
        pipeline(zip.outputStream as Readable, counter, out as Writable),
        aborted,
      ]);
    } catch (error) {
      (zip.outputStream as Readable).destroy();
      out.destroy();
      throw state.failure ?? error;
    }
    if (state.failure) throw state.failure;
    return { size, sha256: hash.digest('hex') };
  }
}

/** Passes a document's bytes on, and stops the build when they do not match its SHA-256. */
function checked(file: PackageFile, abort: (error: Error) => void): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      const found = hash.digest('hex');
      if (found !== file.sha256 || size !== file.size) {
        abort(
          new ExportRejected(
            `The stored file of document ${file.documentNumber ?? file.path} no longer matches its registered checksum ` +
              `(SHA-256 registered ${file.sha256}, ${file.size} bytes; found ${found}, ${size} bytes): the package is not delivered`,
          ),
        );
      }
      callback();
    },
  });
}

/** Reads the written zip back and checks every entry against METS.xml's size and SHA-256. */
async function verifyZip(
  path: string,
  expected: Map<string, { size: number; sha256: string; label: string }>,
): Promise<void> {
  const seen = new Set<string>();
  await digestZipEntries(path, (entry, found) => {
    const want = expected.get(entry.fileName);
    if (!want) {
      throw new ExportRejected(`The package holds ${entry.fileName}, which METS.xml does not list`);
    }
    seen.add(entry.fileName);
    if (found.sha256 !== want.sha256 || found.size !== want.size) {
      throw new ExportRejected(
        `In the written package, ${want.label} does not match METS.xml (SHA-256 ${want.sha256}, ${want.size} bytes; found ${found.sha256}, ${found.size} bytes)`,
      );
    }
  });
  const missing = [...expected.keys()].filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new ExportRejected(
      `The package lacks files METS.xml lists: ${missing.slice(0, 5).join(', ')}`,
    );
  }
}

function sha256(buffer: Buffer): string {
  return createHash('sha256').update(buffer).digest('hex');
}
