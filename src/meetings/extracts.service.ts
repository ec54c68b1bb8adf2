import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { safeFileName } from '../common/file-name.js';
import { AuditService } from '../audit/audit.service.js';
import type { Case } from '../cases/case.entity.js';
import { Secrecy } from '../common/secrecy.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { Document } from '../documents/document.entity.js';
import { DocumentsService, type DocumentContent } from '../documents/documents.service.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../documents/storage/document-storage.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { DOCX_TYPE } from '../responses/compilation.service.js';
import { type ItemData, type MeetingData, type WordWording } from '../word/extract.docx.js';
import { loadWordTemplate } from '../word/word-templates.js';
import { WordService } from '../word/word.service.js';
import { noticeDates } from './appeal-period.js';
import { mayRecordFor } from './meeting-access.js';
import { Meeting, MeetingItem, type SendToEntry } from './meeting.entity.js';

/** An item with what its documents need: its meeting (with organisation) and its case. */
export type LoadedItem = MeetingItem & { meeting: Meeting & { organisation: Organisation } };

/** The meeting fields a document shows. */
type ExtractMeeting = Pick<
  Meeting,
  | 'date'
  | 'startsAt'
  | 'place'
  | 'chair'
  | 'secretary'
  | 'adjusters'
  | 'present'
  | 'adjustedOn'
  | 'noticePostedOn'
  | 'keptAt'
> & { organisation: Pick<Organisation, 'name'> };

/** The § fields a document shows. */
type ExtractItemFields = Pick<
  MeetingItem,
  | 'paragraph'
  | 'title'
  | 'documents'
  | 'background'
  | 'proposals'
  | 'decisionProcess'
  | 'deliberation'
  | 'decision'
  | 'reservations'
  | 'sendTo'
  | 'adjustedOn'
> & { case?: Pick<Case, 'caseNumber'> | null };

/** A § with what its extract, its file name and the secrecy check need. */
type ExtractItem = ExtractItemFields &
  Pick<MeetingItem, 'organisationId' | 'caseId'> & {
    case?: Pick<Case, 'caseNumber' | 'confidential'> | null;
    meeting: ExtractMeeting;
  };

interface ExtractSource {
  item: ExtractItem;
  /** The registered final extract, once there is one. */
  extractDocument: Pick<Document, 'sha256' | 'fileName' | 'mimeType' | 'size'> | null;
}

/** One row of EXTRACT_SOURCE_SQL; DATE columns come back as `YYYY-MM-DD` strings. */
interface ExtractRow {
  meeting_id: number;
  organisation_id: number;
  paragraph: number;
  title: string;
  case_id: number | null;
  documents: string | null;
  background: string | null;
  proposals: string | null;
  decision_process: string | null;
  deliberation: string | null;
  decision: string;
  reservations: string | null;
  send_to: string;
  adjusted_on: string | null;
  meeting_date: string;
  starts_at: string | null;
  place: string | null;
  chair: string | null;
  secretary: string | null;
  adjusters: string;
  present: string;
  kept_at: string | null;
  meeting_adjusted_on: string | null;
  notice_posted_on: string | null;
  organisation_name: string;
  case_number: string | null;
  case_confidential: number | null;
  document_sha256: string | null;
  document_file_name: string | null;
  document_mime_type: string | null;
  document_size: string | number | null;
}

const EXTRACT_SOURCE_SQL = `
  SELECT i.meeting_id, i.organisation_id, i.paragraph, i.title, i.case_id, i.documents,
         i.background, i.proposals, i.decision_process, i.deliberation, i.decision,
         i.reservations, i.send_to, i.adjusted_on,
         m.date AS meeting_date, m.starts_at, m.place, m.chair, m.secretary, m.adjusters,
         m.present, m.kept_at, m.adjusted_on AS meeting_adjusted_on, m.notice_posted_on,
         o.name AS organisation_name,
         c.case_number, c.confidential AS case_confidential,
         d.sha256 AS document_sha256, d.file_name AS document_file_name,
         d.mime_type AS document_mime_type, d.size AS document_size
    FROM meeting_item i
    JOIN meeting m ON m.id = i.meeting_id
    JOIN organisation o ON o.id = m.organisation_id
    LEFT JOIN case_record c ON c.id = i.case_id
    LEFT JOIN document d ON d.id = i.extract_document_id
   WHERE i.id = ?`;

// protokollsutdrag and the whole protocol
@Injectable()
export class ExtractsService {
  private readonly wording: WordWording;
  private readonly logo: Buffer | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsService,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    private readonly word: WordService,
    private readonly audit: AuditService,
  ) {
    ({ wording: this.wording, logo: this.logo } = loadWordTemplate<WordWording>(
      config.templatesDir,
      'extract',
    ));
  }

  /**
   * The extract of one §: a draft marked UTKAST until the § is adjusted; after that the final
   * extract, registered once as an outgoing document of the item's case and served from there.
   */
  async extract(meetingId: number, itemId: number, actor: Actor): Promise<DocumentContent> {
    const source = await this.loadSource(meetingId, itemId);
    await this.assertMayRead(source.item, actor);
    if (source.item.adjustedOn !== null && source.item.caseId !== null) {
      const document =
        source.extractDocument ??
        (await this.dataSource.manager.findOneByOrFail(Document, {
          id: await this.registerFinal(itemId, actor),
        }));
      return {
        stream: await this.storage.open(document.sha256),
        fileName: document.fileName,
        mimeType: document.mimeType,
        size: document.size,
      };
    }
    const bytes = await this.build(source.item);
    return { ...this.asContent(bytes), fileName: this.fileName(source.item) };
  }

  /** The whole protocol: front page with the notice box, then every § in order. */
  async protocol(meetingId: number, actor: Actor): Promise<DocumentContent> {
    const manager = this.dataSource.manager;
    const meeting = await manager.findOne(Meeting, {
      where: { id: meetingId },
      relations: { organisation: true },
    });
    if (!meeting) throw DomainError.notFound('Meeting', meetingId);
    const items = await manager.find(MeetingItem, {
      where: { meetingId },
      order: { paragraph: 'ASC' },
      relations: { case: true },
    });
    const secret = items.find(
      (item) => !Secrecy.maySee(actor, { caseConfidential: item.case?.confidential ?? false }),
    );
    if (secret) {
      const keptByActor = await mayRecordFor(manager, actor, meeting.organisationId);
      if (!Secrecy.maySee(actor, { caseConfidential: true, keptByActor })) {
        throw this.confidential(secret);
      }
    }
    const bytes = await this.word.build(
      'protocol',
      this.meetingData(meeting as Meeting & { organisation: Organisation }),
      items.map((item) => this.itemData(item)),
      this.wording,
      this.logo,
    );
    const organ = meeting.organisation!.name;
    const draft = meeting.status === 'adjusted' ? '' : ` ${this.wording.draft}`;
    return {
      ...this.asContent(bytes),
      fileName: safeFileName(`Protokoll ${organ.slice(0, 80)} ${meeting.date}${draft}.docx`),
    };
  }

  /**
   * The registered final extract of an adjusted § with a case, made and registered the first
   * time it is asked for (the item row lock makes that once, whoever asks at the same time).
   */
  async registerFinal(itemId: number, actor: Actor, loaded?: LoadedItem): Promise<number> {
    if (loaded?.extractDocumentId) return loaded.extractDocumentId;
    if (!loaded) {
      const existing = await this.dataSource.manager.findOne(MeetingItem, {
        select: { id: true, extractDocumentId: true },
        where: { id: itemId },
      });
      if (existing?.extractDocumentId) return existing.extractDocumentId;
    }
    const item = loaded ?? (await this.load(this.dataSource.manager, null, itemId));
    if (item.adjustedOn === null || item.caseId === null) {
      throw DomainError.conflict(
        'not_adjusted',
        `§ ${item.paragraph} has no final extract: it is not adjusted or has no case`,
      );
    }
    // Built outside the transaction: the bytes depend only on adjusted, locked data.
    const stored = await this.documents.storeBytes(
      await this.build(item),
      this.fileName(item),
      DOCX_TYPE,
    );
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const locked = await manager.findOneOrFail(MeetingItem, {
          where: { id: itemId },
          lock: { mode: 'pessimistic_write' },
        });
        if (locked.extractDocumentId) return locked.extractDocumentId;
        const { document } = await this.documents.registerStored(
          manager,
          item.caseId!,
          {
            title: this.title(item),
            direction: 'outgoing',
            counterpart:
              item.sendTo
                .map((entry) => entry.name)
                .join(', ')
                .slice(0, 300) || undefined,
            date: item.adjustedOn!,
          },
          stored,
          actor,
        );
        await manager.update(MeetingItem, { id: itemId }, { extractDocumentId: document.id });
        await this.audit.record(manager, actor, {
          action: 'meeting_item.extract_registered',
          entity: 'meeting_item',
          entityId: itemId,
          after: { documentId: document.id, documentNumber: document.documentNumber },
        });
        return document.id;
      }),
    );
  }

  /** Loads an item with its meeting, organisation and case; 404 when it is not the meeting's. */
  async load(
    manager: EntityManager,
    meetingId: number | null,
    itemId: number,
  ): Promise<LoadedItem> {
    const item = await manager.findOne(MeetingItem, {
      where: { id: itemId },
      relations: { meeting: { organisation: true }, case: true, extractDocument: true },
    });
    if (!item || (meetingId !== null && item.meetingId !== meetingId)) {
      throw DomainError.notFound('Item', itemId);
    }
    return item as LoadedItem;
  }

  /**
   * What an extract needs, in one query mapped straight to plain objects: every request for a
   * draft extract reads it, and entity hydration of the item with its meeting, organisation, case
   * and document cost more of the request thread than the query itself.
   */
  private async loadSource(meetingId: number, itemId: number): Promise<ExtractSource> {
    const [row] = await this.dataSource.query<ExtractRow[]>(EXTRACT_SOURCE_SQL, [itemId]);
    if (!row || row.meeting_id !== meetingId) throw DomainError.notFound('Item', itemId);
    const json = <T>(value: string): T => JSON.parse(value) as T;
    return {
      item: {
        paragraph: row.paragraph,
        title: row.title,
        organisationId: row.organisation_id,
        caseId: row.case_id,
        case:
          row.case_id === null
            ? null
            : { caseNumber: row.case_number!, confidential: row.case_confidential === 1 },
        documents: row.documents,
        background: row.background,
        proposals: row.proposals,
        decisionProcess: row.decision_process,
        deliberation: row.deliberation,
        decision: row.decision,
        reservations: row.reservations,
        sendTo: json<SendToEntry[]>(row.send_to),
        adjustedOn: row.adjusted_on,
        meeting: {
          organisation: { name: row.organisation_name },
          date: row.meeting_date,
          startsAt: row.starts_at,
          place: row.place,
          chair: row.chair,
          secretary: row.secretary,
          adjusters: json<string[]>(row.adjusters),
          present: json<string[]>(row.present),
          adjustedOn: row.meeting_adjusted_on,
          noticePostedOn: row.notice_posted_on,
          keptAt: row.kept_at,
        },
      },
      extractDocument:
        row.document_sha256 === null
          ? null
          : {
              sha256: row.document_sha256,
              fileName: row.document_file_name!,
              mimeType: row.document_mime_type!,
              size: Number(row.document_size),
            },
    };
  }

  private build(item: ExtractItem): Promise<Buffer> {
    return this.word.build(
      'extract',
      this.meetingData(item.meeting),
      this.itemData(item),
      this.wording,
      this.logo,
    );
  }

  private meetingData(meeting: ExtractMeeting): MeetingData {
    const notice = meeting.noticePostedOn ? noticeDates(meeting.noticePostedOn) : null;
    return {
      municipalityName: this.config.municipalityName,
      organisation: meeting.organisation.name,
      date: meeting.date,
      startsAt: meeting.startsAt,
      place: meeting.place ?? '',
      chair: meeting.chair ?? '',
      secretary: meeting.secretary ?? '',
      adjusters: meeting.adjusters,
      present: meeting.present,
      adjustedOn: meeting.adjustedOn,
      noticePostedOn: meeting.noticePostedOn,
      noticeRemovedOn: notice?.removedOn ?? null,
      lastAppealDay: notice?.lastAppealDay ?? null,
      keptAt: meeting.keptAt ?? `${meeting.organisation.name}, ${this.config.municipalityName}`,
    };
  }

  private itemData(item: ExtractItemFields): ItemData {
    return {
      paragraph: item.paragraph,
      title: item.title,
      caseNumber: item.case?.caseNumber ?? null,
      documents: item.documents,
      background: item.background,
      proposals: item.proposals,
      decisionProcess: item.decisionProcess,
      deliberation: item.deliberation,
      decision: item.decision,
      reservations: item.reservations,
      sendTo: item.sendTo.map((entry) => entry.name),
      adjustedOn: item.adjustedOn,
    };
  }

  private async assertMayRead(item: ExtractItem, actor: Actor): Promise<void> {
    const secret = { caseConfidential: item.case?.confidential ?? false };
    if (Secrecy.maySee(actor, secret)) return;
    const keptByActor = await mayRecordFor(this.dataSource.manager, actor, item.organisationId);
    if (!Secrecy.maySee(actor, { ...secret, keptByActor })) throw this.confidential(item);
  }

  private confidential(item: Pick<ExtractItem, 'paragraph' | 'case'>): DomainError {
    return new DomainError(
      HttpStatus.FORBIDDEN,
      'confidential',
      `§ ${item.paragraph} belongs to confidential case ${item.case?.caseNumber}; only its clerks, registrars and admins may read it`,
    );
  }

  private title(item: LoadedItem): string {
    const meeting = item.meeting;
    return `Protokollsutdrag ${meeting.organisation.name} ${meeting.date} § ${item.paragraph}: ${item.title}`.slice(
      0,
      500,
    );
  }

  private fileName(item: ExtractItem): string {
    const draft = item.adjustedOn === null ? ` ${this.wording.draft}` : '';
    const organ = item.meeting.organisation.name.slice(0, 80);
    return safeFileName(
      `Protokollsutdrag ${organ} ${item.meeting.date} § ${item.paragraph}${draft}.docx`,
    );
  }

  private asContent(bytes: Buffer): Omit<DocumentContent, 'fileName'> {
    return { stream: Readable.from([bytes]), mimeType: DOCX_TYPE, size: bytes.length };
  }
}
