import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { safeFileName } from '../common/file-name.js';
import { AuditService } from '../audit/audit.service.js';
import { Secrecy } from '../common/secrecy.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Case } from '../cases/case.entity.js';
import { retryOnDeadlock } from '../database/transaction.js';
import { DocumentsService } from '../documents/documents.service.js';
import { DocumentDto } from '../documents/dto/document.dto.js';
import { loadRecipients } from '../referral-rounds/recipient-rows.js';
import { ReferralRound } from '../referral-rounds/referral-round.entity.js';
import { type CompilationData, type CompilationWording } from '../word/compilation.docx.js';
import { loadWordTemplate } from '../word/word-templates.js';
import { WordService } from '../word/word.service.js';
import { decisionLine } from './answer-pdf.js';
import { Response, ResponseComment } from './response.entity.js';

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

// remissammanställning
@Injectable()
export class CompilationService {
  private readonly wording: CompilationWording;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly documents: DocumentsService,
    private readonly word: WordService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {
    this.wording = loadWordTemplate<CompilationWording>(config.templatesDir, 'compilation').wording;
  }

  /** The compilation as it stands now, as a .docx. */
  async build(roundId: number, actor: Actor): Promise<{ bytes: Buffer; fileName: string }> {
    const data = await this.gather(roundId, actor);
    return {
      bytes: await this.word.build('compilation', data, this.wording),
      fileName: safeFileName(`Remissammanställning ${data.caseNumber} ${data.compiledOn}.docx`),
    };
  }

  /** Registers the compilation as it stands now as an internal document of the case. */
  async register(roundId: number, actor: Actor): Promise<DocumentDto> {
    const round = await this.dataSource.manager.findOneBy(ReferralRound, { id: roundId });
    if (!round) throw DomainError.notFound('Round', roundId);
    const { bytes, fileName } = await this.build(roundId, actor);
    const stored = await this.documents.storeBytes(bytes, fileName, DOCX_TYPE);
    return retryOnDeadlock(() =>
      this.dataSource.transaction(async (manager) => {
        const { document, owner } = await this.documents.registerStored(
          manager,
          round.caseId,
          { title: `${this.wording.title}: ${round.title}`, direction: 'internal' },
          stored,
          actor,
        );
        await this.audit.record(manager, actor, {
          action: 'round.compilation_registered',
          entity: 'referral_round',
          entityId: roundId,
          after: { documentId: document.id, documentNumber: document.documentNumber },
        });
        return DocumentDto.from(document, owner.caseNumber, false);
      }),
    );
  }

  private async gather(roundId: number, actor: Actor): Promise<CompilationData> {
    const manager = this.dataSource.manager;
    const round = await manager.findOneBy(ReferralRound, { id: roundId });
    if (!round) throw DomainError.notFound('Round', roundId);
    const owner = await manager.findOneByOrFail(Case, { id: round.caseId });
    if (!Secrecy.maySee(actor, { caseConfidential: owner.confidential })) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'confidential',
        `${owner.caseNumber} is confidential; only registrars and admins may compile its answers`,
      );
    }
    const recipients = await loadRecipients(manager, roundId, { orderBy: 'name' });
    const responseIds = recipients.flatMap((recipient) => recipient.responseId ?? []);
    const [responses, comments] =
      responseIds.length === 0
        ? [[], []]
        : await Promise.all([
            manager.findBy(Response, { id: In(responseIds) }),
            manager.find(ResponseComment, {
              where: { responseId: In(responseIds) },
              order: { position: 'ASC' },
            }),
          ]);
    const responseById = new Map(responses.map((response) => [response.id, response]));
    const organisationOf = new Map(
      recipients.map((recipient) => [recipient.responseId, recipient.organisation!.name]),
    );
    return {
      municipalityName: this.config.municipalityName,
      caseNumber: owner.caseNumber,
      roundTitle: round.title,
      deadline: round.deadline,
      compiledOn: this.clock.today(),
      recipients: recipients.map((recipient) => {
        const response = recipient.responseId ? responseById.get(recipient.responseId) : null;
        return {
          organisation: recipient.organisation!.name,
          deadline: recipient.extendedDeadline ?? round.deadline,
          extended: Boolean(recipient.extendedDeadline),
          answer: response
            ? {
                position: response.position,
                answeredOn: this.clock.dayOf(response.submittedAt),
                late: response.late,
                decision: decisionLine({
                  organ: response.decisionOrgan,
                  date: response.decisionDate,
                  paragraph: response.decisionParagraph,
                  caseNumber: response.decisionCaseNumber,
                }),
                summary: response.summary,
              }
            : null,
        };
      }),
      // Comments in the order of the recipients (by name), then as each answer listed them.
      sections: round.sections.map((section) => ({
        ref: section.ref,
        title: section.title,
        comments: recipients.flatMap((recipient) =>
          comments
            .filter(
              (comment) =>
                comment.responseId === recipient.responseId && comment.sectionRef === section.ref,
            )
            .map((comment) => ({
              organisation: organisationOf.get(comment.responseId) ?? '',
              text: comment.text,
            })),
        ),
      })),
    };
  }
}
