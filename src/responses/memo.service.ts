import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { safeFileName } from '../common/file-name.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { Secrecy } from '../common/secrecy.js';
import { withoutRemissPrefix } from '../common/templates.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/env.schema.js';
import { Case } from '../cases/case.entity.js';
import type { Document } from '../documents/document.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { markRecipientOpened } from '../referral-rounds/recipient-opened.js';
import { loadRecipients } from '../referral-rounds/recipient-rows.js';
import { ReferralRound } from '../referral-rounds/referral-round.entity.js';
import { RoundQueriesService } from '../referral-rounds/round-queries.service.js';
import { User } from '../users/user.entity.js';
import { loadWordTemplate } from '../word/word-templates.js';
import { WordService } from '../word/word.service.js';
import type { MemoWording } from '../word/memo.docx.js';
import { Response, ResponseComment } from './response.entity.js';

/** Who may open an inbox entry: the recipient organisation's own people, registrars and admins. */
export function mayHandleFor(actor: Actor, organisationId: number): boolean {
  return (
    actor.roles.includes('admin') ||
    actor.roles.includes('registrar') ||
    actor.organisationIds.includes(organisationId)
  );
}

// tjänsteskrivelse: the consultee's draft memo for its own committee
@Injectable()
export class MemoService {
  private readonly wording: MemoWording;
  private readonly logo: Buffer | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rounds: RoundQueriesService,
    private readonly word: WordService,
    private readonly clock: Clock,
  ) {
    ({ wording: this.wording, logo: this.logo } = loadWordTemplate<MemoWording>(
      config.templatesDir,
      'memo',
    ));
  }

  /**
   * The memo for a recipient that registered the remiss in a case of its own: the remiss as its
   * background, and the organisation's answer (when it has given one) as its statement.
   */
  async build(recipientId: number, actor: Actor): Promise<{ bytes: Buffer; fileName: string }> {
    const manager = this.dataSource.manager;
    const found = await manager.query<{ round_id: number }[]>(
      'SELECT round_id FROM referral_round_recipient WHERE id = ?',
      [recipientId],
    );
    if (found.length === 0) throw DomainError.notFound('Recipient', recipientId);
    const [recipient] = await loadRecipients(manager, Number(found[0].round_id), {
      id: recipientId,
    });
    // Another organisation's entry answers as one that does not exist, naming no one.
    if (!mayHandleFor(actor, recipient.organisationId)) {
      throw DomainError.notFound('Recipient', recipientId);
    }
    if (!recipient.ownCaseNumber) {
      throw DomainError.conflict(
        'no_own_case',
        `${recipient.organisation!.name} keeps no case series here, so the remiss has no case of its own to write a memo in`,
      );
    }
    const round = await manager.findOneByOrFail(ReferralRound, { id: recipient.roundId });
    const owner = await manager.findOneByOrFail(Case, { id: round.caseId });
    const documents = await this.rounds.documents(manager, round.id);
    const secrecy = this.secrecy(actor, owner, documents, recipient.organisationId);
    const sender = await manager.findOneByOrFail(Organisation, { id: owner.organisationId });
    const response = recipient.responseId
      ? await manager.findOneBy(Response, { id: recipient.responseId })
      : null;
    const comments = response
      ? await manager.find(ResponseComment, {
          where: { responseId: response.id },
          order: { position: 'ASC' },
        })
      : [];
    const officer = actor.userId
      ? await manager.findOne(User, {
          select: { id: true, name: true },
          where: { id: actor.userId },
        })
      : null;
    const bytes = await this.word.build(
      'memo',
      {
        municipalityName: this.config.municipalityName,
        // The user who downloads it; a process (the demo, a job) leaves the line to fill in.
        officer: officer?.name ?? '',
        officerPhone: null,
        date: this.clock.today(),
        caseNumber: recipient.ownCaseNumber,
        committee: recipient.organisation!.name,
        roundTitle: withoutRemissPrefix(round.title),
        sender: sender.name,
        senderCaseNumber: owner.caseNumber,
        deadline: recipient.extendedDeadline ?? round.deadline,
        receivedOn: this.clock.dayOf(recipient.sentAt ?? round.sentAt ?? this.clock.now()),
        originalDeadline: recipient.extendedDeadline ? round.deadline : null,
        proposal: null,
        // Written for the committee from the facts; the cover letter speaks to the recipient.
        background: null,
        statement: response?.summary ?? null,
        comments: comments.map((comment) => ({
          sectionRef: comment.sectionRef,
          sectionTitle:
            round.sections.find((section) => section.ref === comment.sectionRef)?.title ?? null,
          text: comment.text,
        })),
        signatures: [],
        attachments: documents.map((document, index) => `Bilaga ${index + 1}, ${document.title}.`),
        draft: response === null,
        confidentiality: secrecy,
      },
      this.wording,
      this.logo,
    );
    // The consultee's own people drafting its memo have opened the remiss; the sender's have not.
    if (round.status === 'sent' && actor.organisationIds.includes(recipient.organisationId)) {
      await markRecipientOpened(manager, recipient.id, this.clock.now());
    }
    const fileName = safeFileName(`Tjänsteskrivelse ${recipient.ownCaseNumber}.docx`);
    return { bytes, fileName };
  }

  /**
   * A memo of a remiss under secrecy is written by the consultee's own respondents (who were sent
   * the remiss to answer it), registrars and admins, and carries the marking on every page; the
   * organisation's other users, who see the remiss's title withheld everywhere, are refused.
   */
  private secrecy(
    actor: Actor,
    owner: Case,
    documents: Document[],
    organisationId: number,
  ): { marking: string | null } | null {
    const markings = [...new Set(documents.flatMap((document) => document.confidentiality ?? []))];
    const subject = {
      caseConfidential: owner.confidential,
      marking: markings.length > 0 ? markings.join(', ') : null,
      sentTo: [organisationId],
    };
    if (!Secrecy.isConfidential(subject)) return null;
    if (!Secrecy.maySee(actor, subject)) {
      throw new DomainError(
        HttpStatus.FORBIDDEN,
        'confidential',
        `The remiss in ${owner.caseNumber} is confidential; only the organisation's respondents, registrars and admins may draft its memo`,
      );
    }
    return { marking: subject.marking };
  }
}
