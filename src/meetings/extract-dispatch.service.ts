import { Secrecy } from '../common/secrecy.js';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { Document } from '../documents/document.entity.js';
import { DocumentsService } from '../documents/documents.service.js';
import { OutboxService } from '../mail/outbox.service.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { DispatchResultDto } from './dto/meeting.dto.js';
import { ExtractsService } from './extracts.service.js';
import { mayRecordFor } from './meeting-access.js';
import { MeetingItem, MeetingItemDispatch } from './meeting.entity.js';

// expediering: the final extract sent to the organisations the decision concerns
@Injectable()
export class ExtractDispatchService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly extracts: ExtractsService,
    private readonly documents: DocumentsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Expediering: mails the final extract to each organisation through the outbox and registers
   * it as an outgoing document to each, once per organisation however often it is asked.
   */
  async dispatch(
    meetingId: number,
    itemId: number,
    organisationIds: number[],
    actor: Actor,
  ): Promise<DispatchResultDto> {
    const item = await this.extracts.load(this.dataSource.manager, meetingId, itemId);
    if (!(await mayRecordFor(this.dataSource.manager, actor, item.organisationId))) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'not_your_organisation',
        `Only a clerk of ${item.meeting.organisation.name} or an admin may dispatch its extracts`,
      );
    }
    if (item.adjustedOn === null) {
      throw DomainError.conflict(
        'not_adjusted',
        `§ ${item.paragraph} is not adjusted; only a final extract is dispatched`,
      );
    }
    if (item.caseId === null || !item.case) {
      throw DomainError.conflict(
        'item_without_case',
        `§ ${item.paragraph} has no case to register the dispatched extracts in`,
      );
    }
    if (Secrecy.isConfidential({ caseConfidential: item.case.confidential })) {
      throw DomainError.conflict(
        'confidential',
        `${item.case.caseNumber} is confidential; its extracts are not sent by e-mail`,
      );
    }
    const receivers = await this.dataSource.manager.findBy(Organisation, {
      id: In(organisationIds),
    });
    const byId = new Map(receivers.map((organisation) => [organisation.id, organisation]));
    const problems = organisationIds.flatMap((id) => {
      const organisation = byId.get(id);
      if (!organisation) return [`${id} is not a known organisation`];
      if (!organisation.active) return [`${organisation.name} is not active`];
      if (!organisation.email) return [`${organisation.name} has no e-mail address`];
      return [];
    });
    if (problems.length > 0) {
      throw DomainError.validation([
        { field: 'organisationIds', messages: problems.map((p) => `organisationIds: ${p}`) },
      ]);
    }
    const extractId = await this.extracts.registerFinal(itemId, actor);
    const { result, outboxIds } = await retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.findOne(MeetingItem, {
          where: { id: itemId },
          lock: { mode: 'pessimistic_write' },
        });
        const extract = await manager.findOneByOrFail(Document, { id: extractId });
        const earlier = await manager.find(MeetingItemDispatch, {
          where: { itemId, organisationId: In(organisationIds) },
          relations: { document: true },
        });
        const done = new Map(earlier.map((row) => [row.organisationId, row]));
        const ids: number[] = [];
        const items = [];
        for (const organisationId of organisationIds) {
          const organisation = byId.get(organisationId)!;
          const previous = done.get(organisationId);
          if (previous) {
            items.push({
              organisationId,
              organisationName: organisation.name,
              documentNumber: previous.document!.documentNumber,
              queued: false,
            });
            continue;
          }
          const { document } = await this.documents.registerStored(
            manager,
            item.caseId!,
            {
              title: extract.title,
              direction: 'outgoing',
              counterpart: organisation.name,
              date: this.clock.today(),
            },
            extract,
            actor,
          );
          const [outboxId] = await this.outbox.add(manager, [
            {
              template: 'protocol-extract',
              dedupeKey: `protocol-extract:${itemId}:${organisationId}`,
              to: { address: organisation.email!, name: organisation.name },
              entity: 'meeting_item',
              entityId: itemId,
              attachments: [
                {
                  sha256: extract.sha256,
                  fileName: extract.fileName,
                  mimeType: extract.mimeType,
                  size: extract.size,
                },
              ],
              context: {
                recipientName: organisation.name,
                senderName: item.meeting.organisation.name,
                senderEmail: item.meeting.organisation.email,
                caseNumber: item.case!.caseNumber,
                paragraph: item.paragraph,
                itemTitle: item.title,
                meetingDate: item.meeting.date,
                adjustedOn: item.adjustedOn!,
                documentNumber: document.documentNumber,
                fileName: extract.fileName,
              },
            },
          ]);
          await manager.insert(MeetingItemDispatch, {
            itemId,
            organisationId,
            documentId: document.id,
            outboxId,
            dispatchedBy: actor.userId,
            dispatchedAt: this.clock.now(),
          });
          await this.audit.record(manager, actor, {
            action: 'meeting_item.dispatched',
            entity: 'meeting_item',
            entityId: itemId,
            after: {
              organisationId,
              documentId: document.id,
              documentNumber: document.documentNumber,
            },
          });
          ids.push(outboxId);
          items.push({
            organisationId,
            organisationName: organisation.name,
            documentNumber: document.documentNumber,
            queued: true,
          });
        }
        return { result: { items }, outboxIds: ids };
      }),
    );
    this.outbox.dispatch(outboxIds);
    return result;
  }
}
