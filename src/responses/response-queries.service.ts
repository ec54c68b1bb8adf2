import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { Secrecy } from '../common/secrecy.js';
import type { Actor } from '../common/actor.js';
import { DomainError } from '../common/domain-error.js';
import { Case } from '../cases/case.entity.js';
import { booleanTransformer, jsonTransformer } from '../database/transformers.js';
import { Document } from '../documents/document.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { RoundRecipient, type RoundSection } from '../referral-rounds/referral-round.entity.js';
import { ROUND_READERS } from '../referral-rounds/round-queries.service.js';
import type { ResponseDto, SectionListDto } from './dto/response.dto.js';
import {
  Response,
  ResponseComment,
  ResponseDocument,
  type Position,
  type ReceivedVia,
} from './response.entity.js';

/** One line of a round's answers in a register or status page. */
export interface AnswerRegisterEntry {
  id: number;
  organisation: { name: string };
  position: Position;
  receivedVia: ReceivedVia;
  submittedAt: string;
  late: boolean;
  documentNumber: string;
}

/** A round as far as reading its answers needs it. */
interface RoundHead {
  sections: RoundSection[];
  caseConfidential: boolean;
}

const readsAllRounds = (actor: Actor) => ROUND_READERS.some((role) => actor.roles.includes(role));

/** Reading answers: per round (the latest per recipient, or all) and per section. */
@Injectable()
export class ResponseQueriesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One answer as its submitter sees it right after submitting; `owner` is the round's case. */
  async one(id: number, actor: Actor, owner: Pick<Case, 'confidential'>): Promise<ResponseDto> {
    const response = await this.dataSource.manager.findOneByOrFail(Response, { id });
    const [dto] = await this.toDtos([response], actor, owner);
    return dto;
  }

  /**
   * A round's answers: the one that counts per recipient, or with `history` every answer. A
   * respondent sees only their own organisations' answers.
   */
  async listForRound(roundId: number, actor: Actor, history: boolean): Promise<ResponseDto[]> {
    const round = await this.roundOfAnswers(roundId, actor);
    const builder = this.dataSource.manager
      .createQueryBuilder(Response, 'a')
      .innerJoin(RoundRecipient, 'r', 'r.id = a.recipient_id')
      .innerJoin(Organisation, 'o', 'o.id = r.organisation_id')
      .where('a.round_id = :roundId', { roundId })
      .orderBy('o.name', 'ASC')
      .addOrderBy('a.id', 'ASC');
    if (!history) builder.andWhere('a.id = r.response_id');
    if (!readsAllRounds(actor)) {
      if (actor.organisationIds.length === 0) return [];
      builder.andWhere('r.organisation_id IN (:...own)', { own: actor.organisationIds });
    }
    return this.toDtos(await builder.getMany(), actor, { confidential: round.caseConfidential });
  }

  /**
   * What a round's page shows of its answers, with one check of the round: the answers that
   * count as a register lists them (see {@link registerRows}) and the comments per section (as
   * {@link sections}).
   */
  async overview(
    roundId: number,
    actor: Actor,
  ): Promise<{ register: AnswerRegisterEntry[]; sections: SectionListDto }> {
    const round = await this.roundOfAnswers(roundId, actor);
    const [register, sections] = await Promise.all([
      this.registerRows(roundId, actor),
      this.sectionsOf(roundId, round, actor),
    ]);
    return { register, sections };
  }

  /**
   * The answers that count in a round as a register lists them: who, position, how and when, and
   * the registration number. None of these is withheld under secrecy, so a page listing a large
   * round reads them without loading the texts, comments and files of `listForRound`.
   */
  private async registerRows(roundId: number, actor: Actor): Promise<AnswerRegisterEntry[]> {
    const own = readsAllRounds(actor) ? null : actor.organisationIds;
    if (own !== null && own.length === 0) return [];
    const rows = await this.dataSource.query<
      {
        id: number;
        organisation: string;
        position: Position;
        receivedVia: ReceivedVia;
        submittedAt: Date;
        late: number;
        documentNumber: string;
      }[]
    >(
      `SELECT a.id, o.name AS organisation, a.position, a.received_via AS receivedVia,
              a.submitted_at AS submittedAt, a.late, d.document_number AS documentNumber
         FROM referral_round_response a
         JOIN referral_round_recipient r ON r.id = a.recipient_id AND r.response_id = a.id
         JOIN organisation o ON o.id = r.organisation_id
         JOIN document d ON d.id = a.document_id
        WHERE a.round_id = ?${own === null ? '' : ' AND r.organisation_id IN (?)'}
        ORDER BY o.name, a.id`,
      own === null ? [roundId] : [roundId, own],
    );
    return rows.map((row) => ({
      id: Number(row.id),
      organisation: { name: row.organisation },
      position: row.position,
      receivedVia: row.receivedVia,
      submittedAt: row.submittedAt.toISOString(),
      late: Boolean(row.late),
      documentNumber: row.documentNumber,
    }));
  }

  /** The round whose answers are asked for; 404 as for a missing round to whoever may not see it. */
  private async roundOfAnswers(roundId: number, actor: Actor): Promise<RoundHead> {
    const round = await this.roundHead(roundId);
    if (!readsAllRounds(actor) && !(await this.addressedTo(roundId, actor))) {
      throw DomainError.notFound('Round', roundId);
    }
    return round;
  }

  /**
   * What deciding who may read a round's answers needs: its sections and whether its case is
   * confidential, in one plain query (pages read it several times per request).
   */
  private async roundHead(roundId: number): Promise<RoundHead> {
    const [row] = await this.dataSource.query<{ sections: string; confidential: number }[]>(
      `SELECT r.sections, c.confidential
         FROM referral_round r
         JOIN case_record c ON c.id = r.case_id
        WHERE r.id = ?`,
      [roundId],
    );
    if (!row) throw DomainError.notFound('Round', roundId);
    return {
      sections: jsonTransformer.from(row.sections) as RoundSection[],
      caseConfidential: booleanTransformer.from(row.confidential) as boolean,
    };
  }

  /** Whether one of the actor's organisations is among the round's recipients. */
  private async addressedTo(roundId: number, actor: Actor): Promise<boolean> {
    if (actor.organisationIds.length === 0) return false;
    return this.dataSource.manager.existsBy(RoundRecipient, {
      roundId,
      organisationId: In([...actor.organisationIds]),
    });
  }

  /**
   * Each section of the draft with every comment on it in the answers that count; nothing of a
   * round the actor may not see the contents of (the same rule as the round itself).
   */
  async sections(roundId: number, actor: Actor): Promise<SectionListDto> {
    return this.sectionsOf(roundId, await this.roundHead(roundId), actor);
  }

  private async sectionsOf(
    roundId: number,
    round: RoundHead,
    actor: Actor,
  ): Promise<SectionListDto> {
    if (!Secrecy.maySee(actor, { caseConfidential: round.caseConfidential })) {
      return { items: [], redacted: true };
    }
    const comments = await this.dataSource.query<
      {
        sectionRef: string;
        text: string;
        responseId: number;
        organisation: string;
        position: ResponseDto['position'];
      }[]
    >(
      `SELECT c.section_ref AS sectionRef, c.text, c.response_id AS responseId,
              o.name AS organisation, a.position
         FROM referral_round_comment c
         JOIN referral_round_response a ON a.id = c.response_id
         JOIN referral_round_recipient r ON r.response_id = a.id
         JOIN organisation o ON o.id = r.organisation_id
        WHERE c.round_id = ?
        ORDER BY o.name, c.position`,
      [roundId],
    );
    return {
      items: round.sections.map((section) => ({
        ref: section.ref,
        title: section.title,
        comments: comments
          .filter((comment) => comment.sectionRef === section.ref)
          .map(({ responseId, organisation, position, text }) => ({
            responseId,
            organisation,
            position,
            text,
          })),
      })),
      redacted: false,
    };
  }

  private async toDtos(
    responses: Response[],
    actor: Actor,
    owner: Pick<Case, 'confidential'>,
  ): Promise<ResponseDto[]> {
    if (responses.length === 0) return [];
    const manager = this.dataSource.manager;
    const ids = responses.map((response) => response.id);
    const [comments, extra, recipients] = await Promise.all([
      manager.find(ResponseComment, { where: { responseId: In(ids) }, order: { position: 'ASC' } }),
      manager.find(ResponseDocument, {
        where: { responseId: In(ids) },
        order: { position: 'ASC' },
      }),
      manager
        .createQueryBuilder(RoundRecipient, 'r')
        .innerJoinAndMapOne('r.organisation', Organisation, 'o', 'o.id = r.organisation_id')
        .where('r.id IN (:...ids)', { ids: [...new Set(responses.map((r) => r.recipientId))] })
        .getMany(),
    ]);
    const documentIds = [
      ...responses.map((response) => response.documentId),
      ...responses.flatMap((response) => response.replyDocumentId ?? []),
      ...extra.map((link) => link.documentId),
    ];
    const documents = new Map(
      (await manager.findBy(Document, { id: In(documentIds) })).map((document) => [
        document.id,
        document,
      ]),
    );
    const recipientById = new Map(recipients.map((recipient) => [recipient.id, recipient]));
    return responses.map((response) => {
      const recipient = recipientById.get(response.recipientId)!;
      return toResponseDto(
        response,
        {
          organisation: { id: recipient.organisationId, name: recipient.organisation!.name },
          comments: comments.filter((comment) => comment.responseId === response.id),
          documents,
          attachmentIds: extra
            .filter((link) => link.responseId === response.id)
            .map((link) => link.documentId),
          current: recipient.responseId === response.id,
        },
        actor,
        owner.confidential,
      );
    });
  }
}

/** What an answer's DTO shows besides its own row. */
export interface AnswerParts {
  organisation: { id: number; name: string };
  /** Its comments in order. */
  comments: Pick<ResponseComment, 'sectionRef' | 'text'>[];
  /** Its documents (the answer, the reply in the consultee's case, the further files) by id. */
  documents: ReadonlyMap<number, Pick<Document, 'id' | 'documentNumber' | 'fileName'>>;
  /** The further files' documents in order. */
  attachmentIds: number[];
  /** It is the answer that counts for its recipient. */
  current: boolean;
}

/**
 * One answer as the actor may see it: an answer is sent to the round's sender by the recipient,
 * so besides those who read every secret, the recipient organisation's own people may read it.
 */
export function toResponseDto(
  response: Response,
  parts: AnswerParts,
  actor: Actor,
  caseConfidential: boolean,
): ResponseDto {
  const hidden = !Secrecy.maySee(actor, {
    caseConfidential,
    sentTo: [parts.organisation.id],
  });
  const decision =
    response.decisionOrgan ??
    response.decisionDate ??
    response.decisionParagraph ??
    response.decisionCaseNumber;
  return {
    id: response.id,
    roundId: response.roundId,
    recipientId: response.recipientId,
    organisation: parts.organisation,
    position: response.position,
    summary: hidden ? null : response.summary,
    comments: hidden ? [] : parts.comments.map(({ sectionRef, text }) => ({ sectionRef, text })),
    decision:
      decision === null
        ? null
        : {
            organ: response.decisionOrgan ?? undefined,
            date: response.decisionDate ?? undefined,
            paragraph: response.decisionParagraph ?? undefined,
            caseNumber: response.decisionCaseNumber ?? undefined,
          },
    receivedVia: response.receivedVia,
    submittedAt: response.submittedAt.toISOString(),
    submittedBy: response.submittedBy,
    late: response.late,
    documentId: response.documentId,
    documentNumber: parts.documents.get(response.documentId)!.documentNumber,
    replyDocumentNumber: response.replyDocumentId
      ? (parts.documents.get(response.replyDocumentId)?.documentNumber ?? null)
      : null,
    attachments: parts.attachmentIds.map((documentId) => {
      const file = parts.documents.get(documentId)!;
      return {
        documentId: file.id,
        documentNumber: file.documentNumber,
        fileName: hidden ? null : file.fileName,
      };
    }),
    supersedesId: response.supersedesId,
    current: parts.current,
    redacted: hidden,
  };
}
