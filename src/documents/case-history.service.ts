import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { AuditEventDto } from '../audit/dto/audit-event.dto.js';
import type { Actor } from '../common/actor.js';
import type { Page } from '../common/pagination.js';
import { DocumentsService } from './documents.service.js';

/**
 * A case's history: the audit rows of the case and of its documents, newest first, redacted by
 * the one secrecy rule. Everyone who may open the case may read its history; the whole audit log
 * stays with admins and auditors.
 */
@Injectable()
export class CaseHistoryService {
  constructor(
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
  ) {}

  async history(
    caseId: number,
    query: { cursor?: string; limit?: number },
    actor: Actor,
  ): Promise<Page<AuditEventDto>> {
    const documents = await this.documents.listForCase(caseId, actor);
    return this.audit.listForSubjects(
      [
        { entity: 'case', ids: [caseId] },
        { entity: 'document', ids: documents.map((document) => document.id) },
      ],
      query,
      actor,
    );
  }
}
