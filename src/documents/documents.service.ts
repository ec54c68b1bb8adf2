import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomUUID } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { safeFileName } from '../common/file-name.js';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { formatDocumentNumber } from '../cases/case-number.js';
import { Case } from '../cases/case.entity.js';
import { CasesService } from '../cases/cases.service.js';
import { documentSecrecy, Secrecy } from '../common/secrecy.js';
import type { Actor } from '../common/actor.js';
import { assertDaysInRange, DOCUMENT_DATE_RANGE } from '../common/calendar-day.js';
import { Clock, startOfDayIn } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { decodeCursor, encodeCursor, Page } from '../common/pagination.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { Document } from './document.entity.js';
import { DocumentDto, DocumentQueryDto, RegisterDocumentDto } from './dto/document.dto.js';
import { inspectFile } from './file-inspection.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from './storage/document-storage.js';

/** An uploaded file as multer leaves it in the storage's incoming folder. */
export interface UploadedFile {
  path: string;
  originalname: string;
  mimetype: string;
  size: number;
}

/** A file checked and moved into the store, ready to be registered. */
export interface StoredFile {
  fileName: string;
  mimeType: string;
  size: number;
  sha256: string;
}

export interface DocumentContent {
  stream: Readable;
  fileName: string;
  mimeType: string;
  size: number;
}

const ONE_DAY_MS = 86_400_000;

@Injectable()
export class DocumentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cases: CasesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Registers a file as the next document of a case. The file is checked and stored first; the
   * row that points to it is committed only after that, so no row ever points to a missing file.
   * The caller removes whatever is left at `file.path` afterwards (nothing, once stored).
   */
  async register(
    caseId: number,
    fields: RegisterDocumentDto,
    file: UploadedFile | undefined,
    actor: Actor,
  ): Promise<DocumentDto> {
    await this.cases.assertExists(caseId);
    assertDaysInRange(this.clock.today(), [
      { field: 'date', day: fields.date, range: DOCUMENT_DATE_RANGE },
    ]);
    if (!file) {
      throw DomainError.validation([{ field: 'file', messages: ['file is required'] }]);
    }
    const stored = await this.store(file, 'file');
    return await retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const { document, owner } = await this.registerStored(
          manager,
          caseId,
          fields,
          stored,
          actor,
        );
        return DocumentDto.from(document, owner.caseNumber, this.redacted(owner, document, actor));
      }),
    );
  }

  /**
   * Checks an uploaded file (name, type from its bytes, archive bombs) and moves it into the
   * store; `field` names it in errors. Register it afterwards with {@link registerStored}.
   */
  async store(file: UploadedFile, field: string): Promise<StoredFile> {
    if (file.size === 0) {
      throw DomainError.badRequest('empty_file', `${field} is empty`, [
        { field, messages: [`${field} must not be empty`] },
      ]);
    }
    const fileName = file.originalname.normalize('NFC');
    // eslint-disable-next-line no-control-regex -- control characters are what is refused
    if (fileName.length > 255 || /[\x00-\x1f/\\]/.test(fileName)) {
      throw DomainError.validation([
        {
          field,
          messages: [`${field} name must be at most 255 characters, without / or \\`],
        },
      ]);
    }
    const inspected = await inspectFile(file.path, fileName, file.mimetype, file.size);
    await this.storage.put(file.path, inspected.sha256);
    return { fileName, mimeType: inspected.mimeType, size: file.size, sha256: inspected.sha256 };
  }

  /**
   * Stores bytes the service made itself (a rendered answer, a compilation). Their type is the
   * one it made, so they are hashed in memory and not sniffed from disk as uploads are.
   */
  async storeBytes(bytes: Buffer, fileName: string, mimeType: string): Promise<StoredFile> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const path = join(this.storage.incomingDir, `${randomUUID()}.generated`);
    await writeFile(path, bytes);
    try {
      await this.storage.put(path, sha256);
    } finally {
      await rm(path, { force: true });
    }
    return { fileName: safeFileName(fileName), mimeType, size: bytes.length, sha256 };
  }

  /**
   * Registers a stored file as the next document of a case, inside the caller's transaction
   * (which holds the case row from here to its commit, so numbers stay gap-free).
   */
  async registerStored(
    manager: EntityManager,
    caseId: number,
    fields: RegisterDocumentDto,
    stored: StoredFile,
    actor: Actor,
  ): Promise<{ document: Document; owner: Case }> {
    const { entity: owner, number } = await this.cases.takeDocumentNumber(manager, caseId);
    const document = this.documentOf(
      manager,
      owner,
      number,
      fields,
      stored,
      actor,
      this.clock.now(),
    );
    await manager.insert(Document, document);
    await this.audit.record(manager, actor, {
      action: 'document.registered',
      entity: 'document',
      entityId: document.id,
      after: DocumentDto.from(document, owner.caseNumber, false),
    });
    return { document, owner };
  }

  /** The row of a registered document, numbered `number` in its case. */
  private documentOf(
    manager: EntityManager,
    owner: Pick<Case, 'id' | 'caseNumber'>,
    number: number,
    fields: RegisterDocumentDto,
    stored: StoredFile,
    actor: Actor,
    now: Date,
  ): Document {
    return manager.create(Document, {
      caseId: owner.id,
      number,
      documentNumber: formatDocumentNumber(owner.caseNumber, number),
      direction: fields.direction,
      title: fields.title.trim(),
      counterpart: fields.counterpart?.trim() || null,
      date: fields.date ?? this.clock.dayOf(now),
      registeredAt: now,
      registeredBy: actor.userId,
      fileName: stored.fileName,
      mimeType: stored.mimeType,
      size: stored.size,
      sha256: stored.sha256,
      confidentiality: fields.confidentiality?.trim() || null,
    });
  }

  /**
   * Registers stored files as the next documents of one case, inside the caller's transaction,
   * for callers that already know the case's number (it never changes). One UPDATE takes all the
   * numbers and the case row's lock, which the transaction holds to its commit so the numbers stay
   * gap-free; then an INSERT per document. Call it as late in the transaction as the rows that
   * point at the documents allow. The registrations' audit entries are returned, not written: the
   * caller records them in the same transaction, together with its own (AuditService.recordMany).
   */
  async registerStoredIn(
    manager: EntityManager,
    owner: Pick<Case, 'id' | 'caseNumber'>,
    entries: { fields: RegisterDocumentDto; stored: StoredFile }[],
    actor: Actor,
  ): Promise<{ documents: Document[]; audit: AuditEntry[] }> {
    if (entries.length === 0) return { documents: [], audit: [] };
    const last = await takeDocumentNumbers(manager, owner.id, entries.length);
    const now = this.clock.now();
    const documents: Document[] = [];
    for (const [index, { fields, stored }] of entries.entries()) {
      const number = last - entries.length + 1 + index;
      const document = this.documentOf(manager, owner, number, fields, stored, actor, now);
      const inserted = await manager.query<{ insertId: number }>(
        `INSERT INTO document (case_id, number, document_number, direction, title, counterpart,
           document_date, registered_at, registered_by, file_name, mime_type, size, sha256,
           confidentiality) VALUES (?)`,
        [
          [
            document.caseId,
            document.number,
            document.documentNumber,
            document.direction,
            document.title,
            document.counterpart,
            document.date,
            document.registeredAt,
            document.registeredBy,
            document.fileName,
            document.mimeType,
            document.size,
            document.sha256,
            document.confidentiality,
          ],
        ],
      );
      document.id = Number(inserted.insertId);
      documents.push(document);
    }
    const audit = documents.map((document) => ({
      action: 'document.registered',
      entity: 'document',
      entityId: document.id,
      after: DocumentDto.from(document, owner.caseNumber, false),
    }));
    return { documents, audit };
  }

  /** A case's documents in number order. */
  async listForCase(caseId: number, actor: Actor): Promise<DocumentDto[]> {
    const owner = await this.cases.assertExists(caseId);
    const documents = await this.dataSource.manager.find(Document, {
      where: { caseId },
      order: { number: 'ASC' },
    });
    return documents.map((document) =>
      DocumentDto.from(document, owner.caseNumber, this.redacted(owner, document, actor)),
    );
  }

  /** The register (diarium): documents by registration time across cases, oldest first. */
  async list(query: DocumentQueryDto, actor: Actor): Promise<Page<DocumentDto>> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource.manager
      .createQueryBuilder(Document, 'd')
      .innerJoinAndMapOne('d.case', Case, 'c', 'c.id = d.case_id')
      .orderBy('d.registeredAt', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .limit(limit + 1);
    if (query.from) {
      builder.andWhere('d.registered_at >= :from', {
        from: startOfDayIn(query.from, this.config.tzRegion),
      });
    }
    if (query.to) {
      const dayAfter = new Date(Date.parse(`${query.to}T00:00:00Z`) + ONE_DAY_MS)
        .toISOString()
        .slice(0, 10);
      builder.andWhere('d.registered_at < :to', {
        to: startOfDayIn(dayAfter, this.config.tzRegion),
      });
    }
    if (query.direction)
      builder.andWhere('d.direction = :direction', { direction: query.direction });
    if (query.cursor !== undefined) {
      const [at, id] = decodeCursor(query.cursor, ['number', 'number']);
      builder.andWhere('(d.registered_at > :at OR (d.registered_at = :at AND d.id > :id))', {
        at: new Date(at),
        id,
      });
    }
    const rows = await builder.getMany();
    const last = rows[limit - 1];
    return {
      items: rows
        .slice(0, limit)
        .map((document) =>
          DocumentDto.from(
            document,
            document.case!.caseNumber,
            this.redacted(document.case!, document, actor),
          ),
        ),
      nextCursor: rows.length > limit ? encodeCursor([last.registeredAt.getTime(), last.id]) : null,
    };
  }

  async get(id: number, actor: Actor): Promise<DocumentDto> {
    const { document, owner } = await this.load(id);
    return DocumentDto.from(document, owner.caseNumber, this.redacted(owner, document, actor));
  }

  /**
   * The stored bytes; 403 for confidential material unless the user may read it. `sentTo`: the
   * organisations a round sent it to, whose respondents received it to answer (see Secrecy).
   */
  async content(
    id: number,
    actor: Actor,
    sentTo: readonly number[] = [],
  ): Promise<DocumentContent> {
    const { document, owner } = await this.load(id);
    if (!Secrecy.maySee(actor, { ...documentSecrecy(owner, document), sentTo })) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'confidential',
        `${document.documentNumber} is confidential; only registrars and admins may open it`,
      );
    }
    return {
      stream: await this.storage.open(document.sha256),
      fileName: document.fileName,
      mimeType: document.mimeType,
      size: document.size,
    };
  }

  private async load(id: number): Promise<{ document: Document; owner: Case }> {
    const document = await this.dataSource.manager
      .createQueryBuilder(Document, 'd')
      .innerJoinAndMapOne('d.case', Case, 'c', 'c.id = d.case_id')
      .where('d.id = :id', { id })
      .getOne();
    if (!document) throw DomainError.notFound('Document', id);
    return { document, owner: document.case! };
  }

  private redacted(owner: Case, document: Document, actor: Actor): boolean {
    return !Secrecy.maySee(actor, documentSecrecy(owner, document));
  }
}

/**
 * Takes the next `count` document numbers of a case in one round trip and returns the last: the
 * UPDATE locks the case row until the transaction ends and hands the new count back through
 * LAST_INSERT_ID. A rollback gives the numbers back, so none is skipped.
 */
async function takeDocumentNumbers(
  manager: EntityManager,
  caseId: number,
  count: number,
): Promise<number> {
  const result = await manager.query<{ affectedRows: number; insertId: number }>(
    'UPDATE case_record SET document_count = LAST_INSERT_ID(document_count + ?) WHERE id = ?',
    [count, caseId],
  );
  if (result.affectedRows !== 1) throw DomainError.notFound('Case', caseId);
  return Number(result.insertId);
}
