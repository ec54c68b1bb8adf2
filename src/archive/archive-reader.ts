import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { RECIPIENT_ENTITY } from '../referral-rounds/round-mail-delivery.js';
import type {
  ArchiveAgent,
  ArchiveAnsweredRound,
  ArchiveCase,
  ArchiveConsultee,
  ArchiveExtension,
  ArchiveHistoryEvent,
  ArchiveParagraph,
  ArchiveRecord,
  ArchiveRelation,
  ArchiveRound,
} from './archive-model.js';
import { packageFileName } from './package-layout.js';

/** Cases read per round trip: a handful of queries per batch, whatever the batch holds. */
const BATCH = 100;

/** Said of a confidential case none of whose documents names its own OSL reference. */
export const GENERAL_SECRECY_REFERENCE = 'Offentlighets- och sekretesslagen (2009:400)';

type Row = Record<string, unknown>;

/**
 * Reads closed cases for the archive: everything erms.xml says about them, a batch of cases at a
 * time with a fixed number of queries per batch, in the order of the given ids.
 */
@Injectable()
export class ArchiveReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The cases in the given order; `inPackage` tells which related cases travel along. */
  async *cases(
    caseIds: readonly number[],
    inPackage: ReadonlySet<number>,
  ): AsyncGenerator<ArchiveCase> {
    for (let start = 0; start < caseIds.length; start += BATCH) {
      const batch = caseIds.slice(start, start + BATCH);
      const read = await this.readBatch(batch, inPackage);
      for (const id of batch) {
        const found = read.get(id);
        if (!found) throw new Error(`Case ${id} no longer exists`);
        yield found;
      }
    }
  }

  private async readBatch(ids: number[], inPackage: ReadonlySet<number>) {
    const q = <T = Row>(sql: string, params: unknown[]) => this.dataSource.query<T[]>(sql, params);

    const cases = await q(
      `SELECT c.id, c.case_number, c.series_code, c.title, c.description, c.classification,
              c.status, c.created_at, c.closed_at, c.closed_reason, c.confidential,
              o.name AS organisation, u.name AS officer_name
         FROM case_record c
         JOIN organisation o ON o.id = c.organisation_id
         LEFT JOIN user u ON u.id = c.officer_id
        WHERE c.id IN (?)`,
      [ids],
    );
    const documents = await q(
      `SELECT d.id, d.case_id, d.number, d.document_number, d.direction, d.title, d.counterpart,
              d.document_date, d.registered_at, d.file_name, d.mime_type, d.size, d.sha256,
              d.confidentiality, u.name AS registered_by
         FROM document d
         LEFT JOIN user u ON u.id = d.registered_by
        WHERE d.case_id IN (?)
        ORDER BY d.case_id, d.number`,
      [ids],
    );
    // An answer is one document in the sender's case and one in the consultee's own case.
    const answers = await q(
      `SELECT r.document_id, sd.document_number AS sender_number, sd.case_id AS sender_case_id,
              sc.case_number AS sender_case_number,
              r.reply_document_id, od.document_number AS own_number, od.case_id AS own_case_id,
              oc.case_number AS own_case_number
         FROM referral_round_response r
         JOIN document sd ON sd.id = r.document_id
         JOIN case_record sc ON sc.id = sd.case_id
         JOIN document od ON od.id = r.reply_document_id
         JOIN case_record oc ON oc.id = od.case_id
        WHERE sd.case_id IN (?) OR od.case_id IN (?)`,
      [ids, ids],
    );
    const rounds = await q(
      `SELECT id, case_id, title, status, sent_at, deadline, closed_at, closed_reason
         FROM referral_round WHERE case_id IN (?) ORDER BY id`,
      [ids],
    );
    const roundIds = rounds.map((round) => Number(round.id));
    const roundDocuments = roundIds.length
      ? await q(
          `SELECT rd.round_id, d.document_number
             FROM referral_round_document rd JOIN document d ON d.id = rd.document_id
            WHERE rd.round_id IN (?) ORDER BY rd.round_id, rd.position`,
          [roundIds],
        )
      : [];
    const recipients = roundIds.length
      ? await q(
          `SELECT rr.id, rr.round_id, rr.status, rr.extended_deadline, rr.answered_at, rr.late,
                  o.name AS organisation, oc.case_number AS own_case_number,
                  r.position, sd.document_number AS answer_number, od.document_number AS own_answer_number
             FROM referral_round_recipient rr
             JOIN organisation o ON o.id = rr.organisation_id
             LEFT JOIN case_record oc ON oc.id = rr.own_case_id
             LEFT JOIN referral_round_response r ON r.id = rr.response_id
             LEFT JOIN document sd ON sd.id = r.document_id
             LEFT JOIN document od ON od.id = r.reply_document_id
            WHERE rr.round_id IN (?)
            ORDER BY rr.round_id, o.name, rr.id`,
          [roundIds],
        )
      : [];
    const recipientIds = recipients.map((recipient) => Number(recipient.id));
    const extensions = recipientIds.length
      ? await q(
          `SELECT e.recipient_id, e.previous_deadline, e.deadline, e.reason, e.granted_at,
                  u.name AS granted_by
             FROM referral_round_extension e LEFT JOIN user u ON u.id = e.granted_by
            WHERE e.recipient_id IN (?) ORDER BY e.recipient_id, e.id`,
          [recipientIds],
        )
      : [];
    const answered = await q(
      `SELECT rr.own_case_id, sc.case_number AS sender_case_number, rnd.title,
              COALESCE(rr.extended_deadline, rnd.deadline) AS deadline
         FROM referral_round_recipient rr
         JOIN referral_round rnd ON rnd.id = rr.round_id
         JOIN case_record sc ON sc.id = rnd.case_id
        WHERE rr.own_case_id IN (?)
        ORDER BY rr.own_case_id, rnd.id`,
      [ids],
    );
    const paragraphs = await q(
      `SELECT mi.id, mi.case_id, mi.paragraph, mi.title, mi.decision, mi.adjusted_on,
              m.date AS meeting_date, o.name AS organ, d.document_number AS extract_number
         FROM meeting_item mi
         JOIN meeting m ON m.id = mi.meeting_id
         JOIN organisation o ON o.id = mi.organisation_id
         LEFT JOIN document d ON d.id = mi.extract_document_id
        WHERE mi.case_id IN (?)
        ORDER BY mi.case_id, m.date, mi.paragraph`,
      [ids],
    );
    const history = await this.history(cases, documents, rounds, recipients, paragraphs);

    const byCase = <T>(rows: Row[], key: string, map: (row: Row) => T) => {
      const grouped = new Map<number, T[]>();
      for (const row of rows) {
        const id = Number(row[key]);
        let list = grouped.get(id);
        if (!list) grouped.set(id, (list = []));
        list.push(map(row));
      }
      return grouped;
    };

    const relations = new Map<number, ArchiveRelation[]>();
    const relate = (documentId: number, relation: ArchiveRelation) => {
      let list = relations.get(documentId);
      if (!list) relations.set(documentId, (list = []));
      list.push(relation);
    };
    for (const answer of answers) {
      // The consultee's own copy refers to the answer received in the sender's case.
      relate(Number(answer.reply_document_id), {
        type: 'reference',
        documentNumber: String(answer.sender_number),
        caseNumber: String(answer.sender_case_number),
        inPackage: inPackage.has(Number(answer.sender_case_id)),
      });
      relate(Number(answer.document_id), {
        type: 'referenced_by',
        documentNumber: String(answer.own_number),
        caseNumber: String(answer.own_case_number),
        inPackage: inPackage.has(Number(answer.own_case_id)),
      });
    }

    const recordsByCase = byCase(documents, 'case_id', (row): ArchiveRecord => {
      const documentNumber = String(row.document_number);
      return {
        documentNumber,
        runningNumber: Number(row.number),
        direction: row.direction as ArchiveRecord['direction'],
        title: String(row.title),
        counterpart: nullableString(row.counterpart),
        date: String(row.document_date),
        registeredAt: row.registered_at as Date,
        registeredBy: agent(row.registered_by),
        confidentiality: nullableString(row.confidentiality),
        file: {
          path: `representations/rep1/data/${packageFileName(documentNumber, String(row.file_name), String(row.mime_type))}`,
          originalName: String(row.file_name),
          mimeType: String(row.mime_type),
          size: Number(row.size),
          sha256: String(row.sha256),
        },
        relations: relations.get(Number(row.id)) ?? [],
      };
    });

    const extensionsByRecipient = byCase(extensions, 'recipient_id', (row): ArchiveExtension => ({
      previousDeadline: String(row.previous_deadline),
      deadline: String(row.deadline),
      reason: String(row.reason),
      grantedAt: row.granted_at as Date,
      grantedBy: agent(row.granted_by),
    }));
    const roundById = new Map(rounds.map((round) => [Number(round.id), round]));
    const consulteesByRound = byCase(recipients, 'round_id', (row): ArchiveConsultee => {
      const round = roundById.get(Number(row.round_id));
      return {
        organisation: String(row.organisation),
        status: String(row.status),
        deadline: String(row.extended_deadline ?? round?.deadline),
        extensions: extensionsByRecipient.get(Number(row.id)) ?? [],
        answeredAt: (row.answered_at as Date | null) ?? null,
        late: Number(row.late) === 1,
        position: nullableString(row.position),
        answerRecord: nullableString(row.answer_number),
        ownCaseNumber: nullableString(row.own_case_number),
        ownAnswerRecord: nullableString(row.own_answer_number),
      };
    });
    const sentByRound = byCase(roundDocuments, 'round_id', (row) => String(row.document_number));
    const roundsByCase = byCase(rounds, 'case_id', (row): ArchiveRound => ({
      title: String(row.title),
      status: String(row.status),
      sentAt: (row.sent_at as Date | null) ?? null,
      deadline: String(row.deadline),
      closedAt: (row.closed_at as Date | null) ?? null,
      closedReason: nullableString(row.closed_reason),
      sentRecords: sentByRound.get(Number(row.id)) ?? [],
      consultees: consulteesByRound.get(Number(row.id)) ?? [],
    }));
    const answeredByCase = byCase(answered, 'own_case_id', (row): ArchiveAnsweredRound => ({
      senderCaseNumber: String(row.sender_case_number),
      roundTitle: String(row.title),
      deadline: String(row.deadline),
    }));
    const paragraphsByCase = byCase(paragraphs, 'case_id', (row): ArchiveParagraph => ({
      organ: String(row.organ),
      meetingDate: String(row.meeting_date),
      paragraph: Number(row.paragraph),
      title: String(row.title),
      decision: String(row.decision),
      adjustedOn: nullableString(row.adjusted_on),
      extractRecord: nullableString(row.extract_number),
    }));

    const result = new Map<number, ArchiveCase>();
    for (const row of cases) {
      const id = Number(row.id);
      const records = recordsByCase.get(id) ?? [];
      const caseParagraphs = paragraphsByCase.get(id) ?? [];
      const confidential = Number(row.confidential) === 1;
      const markings = [...new Set(records.flatMap((record) => record.confidentiality ?? []))];
      result.set(id, {
        caseNumber: String(row.case_number),
        seriesCode: String(row.series_code),
        title: String(row.title),
        description: nullableString(row.description),
        classification: nullableString(row.classification),
        status: row.status as ArchiveCase['status'],
        openedAt: row.created_at as Date,
        closedAt: (row.closed_at as Date | null) ?? null,
        closedReason: nullableString(row.closed_reason),
        decisionDate: caseParagraphs.at(-1)?.meetingDate ?? null,
        organisation: String(row.organisation),
        officer: agent(row.officer_name),
        confidential,
        secrecyReferences:
          markings.length > 0 ? markings : confidential ? [GENERAL_SECRECY_REFERENCE] : [],
        records,
        rounds: roundsByCase.get(id) ?? [],
        answeredRounds: answeredByCase.get(id) ?? [],
        paragraphs: caseParagraphs,
        history: history.get(id) ?? [],
      });
    }
    return result;
  }

  /**
   * The audit trail of each case and of its documents, rounds, consultees and paragraphs, each
   * event naming what it was about as the register does (a document by its number, not its id).
   */
  private async history(
    cases: Row[],
    documents: Row[],
    rounds: Row[],
    recipients: Row[],
    paragraphs: Row[],
  ): Promise<Map<number, ArchiveHistoryEvent[]>> {
    const owners = new Map<string, { caseId: number; label: string }>();
    const own = (entity: string, row: Row, caseId: number, label: string) =>
      owners.set(`${entity}:${String(row.id)}`, { caseId, label });
    for (const row of cases) own('case', row, Number(row.id), `ärende ${String(row.case_number)}`);
    for (const row of documents) {
      own('document', row, Number(row.case_id), `handling ${String(row.document_number)}`);
    }
    for (const row of rounds) {
      own('referral_round', row, Number(row.case_id), `remissomgång ”${String(row.title)}”`);
    }
    for (const row of paragraphs) {
      own(
        'meeting_item',
        row,
        Number(row.case_id),
        `§ ${String(row.paragraph)} ${String(row.organ)} ${String(row.meeting_date)}`,
      );
    }
    const roundCase = new Map(rounds.map((round) => [Number(round.id), Number(round.case_id)]));
    for (const recipient of recipients) {
      const caseId = roundCase.get(Number(recipient.round_id));
      if (caseId !== undefined) {
        own(RECIPIENT_ENTITY, recipient, caseId, `remissinstans ${String(recipient.organisation)}`);
      }
    }
    const byEntity = new Map<string, string[]>();
    for (const key of owners.keys()) {
      const [entity, id] = splitKey(key);
      let list = byEntity.get(entity);
      if (!list) byEntity.set(entity, (list = []));
      list.push(id);
    }
    const events: Row[] = [];
    for (const [entity, entityIds] of byEntity) {
      for (let start = 0; start < entityIds.length; start += 1_000) {
        events.push(
          ...(await this.dataSource.query<Row[]>(
            `SELECT id, occurred_at, actor_label, action, entity, entity_id
               FROM audit_event WHERE entity = ? AND entity_id IN (?)`,
            [entity, entityIds.slice(start, start + 1_000)],
          )),
        );
      }
    }
    events.sort((a, b) => Number(BigInt(String(a.id)) - BigInt(String(b.id))));
    const result = new Map<number, ArchiveHistoryEvent[]>();
    for (const event of events) {
      const owner = owners.get(`${String(event.entity)}:${String(event.entity_id)}`);
      if (owner === undefined) continue;
      let list = result.get(owner.caseId);
      if (!list) result.set(owner.caseId, (list = []));
      list.push({
        occurredAt: event.occurred_at as Date,
        actor: String(event.actor_label),
        action: String(event.action),
        entity: owner.label,
      });
    }
    return result;
  }
}

function splitKey(key: string): [string, string] {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}

function nullableString(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'bigint'
    ? value.toString()
    : JSON.stringify(value);
}

function agent(name: unknown): ArchiveAgent | null {
  const found = nullableString(name);
  return found === null ? null : { name: found };
}
