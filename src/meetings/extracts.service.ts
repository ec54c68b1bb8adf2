import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { safeFileName } from '../common/file-name.js';
import { AuditService } from '../audit/audit.service.js';
import { Secrecy } from '../common/secrecy.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Case } from '../cases/case.entity.js';
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
import { Meeting, MeetingItem } from './meeting.entity.js';

/** An item with what its documents need: its meeting (with organisation) and its case. */
export type LoadedItem = MeetingItem & { meeting: Meeting & { organisation: Organisation } };

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
    const item = await this.load(this.dataSource.manager, meetingId, itemId);
    await this.assertMayRead(item, actor);
    if (item.adjustedOn !== null && item.caseId !== null) {
      const document =
        item.extractDocument ??
        (await this.dataSource.manager.findOneByOrFail(Document, {
          id: await this.registerFinal(itemId, actor, item),
        }));
      return {
        stream: await this.storage.open(document.sha256),
        fileName: document.fileName,
        mimeType: document.mimeType,
        size: document.size,
      };
    }
    const bytes = await this.build(item);
    return { ...this.asContent(bytes), fileName: this.fileName(item) };
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

  private build(item: LoadedItem): Promise<Buffer> {
    return this.word.build(
      'extract',
      this.meetingData(item.meeting),
      this.itemData(item),
      this.wording,
      this.logo,
    );
  }

  private meetingData(meeting: Meeting & { organisation: Organisation }): MeetingData {
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

  private itemData(item: MeetingItem): ItemData {
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

  private async assertMayRead(item: LoadedItem, actor: Actor): Promise<void> {
    const secret = { caseConfidential: item.case?.confidential ?? false };
    if (Secrecy.maySee(actor, secret)) return;
    const keptByActor = await mayRecordFor(this.dataSource.manager, actor, item.organisationId);
    if (!Secrecy.maySee(actor, { ...secret, keptByActor })) throw this.confidential(item);
  }

  private confidential(item: MeetingItem & { case?: Case | null }): DomainError {
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

  private fileName(item: LoadedItem): string {
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
