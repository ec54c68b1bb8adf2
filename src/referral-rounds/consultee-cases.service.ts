import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { withoutRemissPrefix } from '../common/templates.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import type { Case } from '../cases/case.entity.js';
import { CasesService } from '../cases/cases.service.js';
import type { Document } from '../documents/document.entity.js';
import { DocumentsService } from '../documents/documents.service.js';
import type { Organisation } from '../organisations/organisation.entity.js';
import { WordService } from '../word/word.service.js';
import { ReferralRound, RoundRecipient } from './referral-round.entity.js';

export interface OutgoingRemiss {
  round: ReferralRound;
  owner: Case;
  sender: Organisation;
  documents: Document[];
}

/** `Remiss: <title> (<sender's case number>)`, without doubling a title that says Remiss. */
export function consulteeCaseTitle(roundTitle: string, senderCaseNumber: string): string {
  return `Remiss: ${withoutRemissPrefix(roundTitle)} (${senderCaseNumber})`.slice(0, 500);
}

/**
 * The receiving side of a remiss: an organisation that keeps its own case series in Remiss gets
 * the remiss registered as a case of its own when the round is sent to it, with the cover letter
 * and the draft as incoming documents, and the recipient row points at that case. Organisations
 * without a series (outside bodies) answer through their link only.
 */
@Injectable()
export class ConsulteeCases {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cases: CasesService,
    private readonly documents: DocumentsService,
    private readonly word: WordService,
    private readonly clock: Clock,
  ) {}

  /** Opens the consultees' cases, in the caller's (sending) transaction; once per recipient. */
  async open(
    manager: EntityManager,
    remiss: OutgoingRemiss,
    recipients: RoundRecipient[],
    actor: Actor,
  ): Promise<void> {
    const { round, owner, sender, documents } = remiss;
    const today = this.clock.today();
    const consultees = recipients.filter(
      (recipient) =>
        recipient.organisation?.seriesCode &&
        !recipient.ownCaseId &&
        recipient.organisationId !== owner.organisationId,
    );
    for (const recipient of consultees) {
      const organisation = recipient.organisation!;
      const deadline = recipient.extendedDeadline ?? round.deadline;
      const letter = await this.documents.storeBytes(
        await this.word.build('coverLetterPdf', {
          municipalityName: this.config.municipalityName,
          sender: sender.name,
          senderCaseNumber: owner.caseNumber,
          recipient: organisation.name,
          roundTitle: round.title,
          sentOn: today,
          deadline,
          message: round.message,
          documents,
          sections: round.sections,
        }),
        `Missiv ${owner.caseNumber} ${organisation.name}.pdf`,
        'application/pdf',
      );
      const own = await this.cases.registerIn(
        manager,
        {
          title: consulteeCaseTitle(round.title, owner.caseNumber),
          description: `Remiss från ${sender.name}, dnr ${owner.caseNumber}. Svar senast ${deadline}.`,
          organisationId: organisation.id,
          confidential: owner.confidential,
        },
        actor,
      );
      const incoming = { direction: 'incoming' as const, counterpart: sender.name, date: today };
      await this.documents.registerStored(
        manager,
        own.id,
        {
          ...incoming,
          title: `Missiv: ${withoutRemissPrefix(round.title)} (${owner.caseNumber})`,
        },
        letter,
        actor,
      );
      for (const document of documents) {
        await this.documents.registerStored(
          manager,
          own.id,
          {
            ...incoming,
            title: document.title,
            confidentiality: document.confidentiality ?? undefined,
          },
          document,
          actor,
        );
      }
      await manager.update(RoundRecipient, { id: recipient.id }, { ownCaseId: own.id });
      recipient.ownCaseId = own.id;
      recipient.ownCaseNumber = own.caseNumber;
    }
  }
}
