import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { HttpStatus } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { Case } from '../cases/case.entity.js';
import { DOCUMENT_STORAGE, type DocumentStorage } from '../documents/storage/document-storage.js';
import type { DocumentContent } from '../documents/documents.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import type { RespondViewDto } from './dto/round.dto.js';
import { markRecipientOpened } from './recipient-opened.js';
import { RoundQueriesService } from './round-queries.service.js';
import { SecureLinks, type LinkHolder } from './secure-links.service.js';

/** The same answer for a forged, voided or expired link: it says nothing about which. */
function linkNotFound(): DomainError {
  return new DomainError(HttpStatus.NOT_FOUND, 'not_found', 'This link is not valid');
}

/** What the holder of a secure link (no account) may see and fetch: their own invitation. */
@Injectable()
export class RespondService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(DOCUMENT_STORAGE) private readonly storage: DocumentStorage,
    private readonly queries: RoundQueriesService,
    private readonly links: SecureLinks,
    private readonly clock: Clock,
  ) {}

  async view(token: string): Promise<RespondViewDto> {
    return this.viewOf(await this.resolve(token));
  }

  /** What the link shows, for a holder already resolved (see resolve). */
  async viewOf({ recipient, round }: LinkHolder): Promise<RespondViewDto> {
    const manager = this.dataSource.manager;
    const owner = await manager.findOneByOrFail(Case, { id: round.caseId });
    const sender = await manager.findOneByOrFail(Organisation, { id: owner.organisationId });
    const documents = await this.queries.documents(manager, round.id);
    return {
      roundTitle: round.title,
      caseNumber: owner.caseNumber,
      sender: sender.name,
      senderEmail: sender.email,
      recipient: recipient.organisation!.name,
      message: round.message,
      deadline: recipient.extendedDeadline ?? round.deadline,
      extended: recipient.extendedDeadline !== null,
      status: recipient.status,
      sections: round.sections,
      documents: documents.map(({ id, documentNumber, title, fileName, mimeType, size }) => ({
        id,
        documentNumber,
        title,
        fileName,
        mimeType,
        size,
      })),
    };
  }

  /** A document of the round the link belongs to; any other document is not found. */
  async document(token: string, documentId: number): Promise<DocumentContent> {
    const { round } = await this.resolve(token);
    const document = (await this.queries.documents(this.dataSource.manager, round.id)).find(
      (candidate) => candidate.id === documentId,
    );
    if (!document) throw DomainError.notFound('Document', documentId);
    return {
      stream: await this.storage.open(document.sha256),
      fileName: document.fileName,
      mimeType: document.mimeType,
      size: document.size,
    };
  }

  /**
   * The recipient (with its organisation) and round a live link belongs to; 404 otherwise. Every
   * use of a live link (its page, its JSON, a document, an answer) counts as the remiss opened.
   */
  async resolve(token: string): Promise<LinkHolder> {
    const holder = await this.links.resolve(this.dataSource.manager, token);
    if (!holder) throw linkNotFound();
    // Only the first open is kept and nothing clears it: once read as opened, there is no update.
    if (holder.recipient.openedAt === null) {
      const now = this.clock.now();
      await markRecipientOpened(this.dataSource.manager, holder.recipient.id, now);
      holder.recipient.openedAt = now;
    }
    return holder;
  }
}
