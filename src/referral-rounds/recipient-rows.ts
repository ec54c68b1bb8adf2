import type { EntityManager } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity.js';
import type { OrganisationKind } from '../organisations/organisation-kind.js';
import { RoundRecipient } from './referral-round.entity.js';
import type { RecipientStatus } from './round-status.js';

interface RecipientRow {
  id: number;
  round_id: number;
  organisation_id: number;
  status: RecipientStatus;
  extended_deadline: string | null;
  email: string | null;
  invitation_count: number;
  invitation_outbox_id: number | null;
  sent_at: Date | null;
  opened_at: Date | null;
  failed_at: Date | null;
  failure_reason: string | null;
  answered_at: Date | null;
  late: number;
  response_id: number | null;
  own_case_id: number | null;
  own_case_number: string | null;
  created_at: Date;
  updated_at: Date;
  organisation_name: string;
  organisation_kind: OrganisationKind;
  organisation_email: string | null;
  organisation_series_code: string | null;
  delivery_status: string | null;
  delivery_sent_at: Date | null;
}

/** A recipient's current invitation in the outbox: still waiting for the mail server, or when it took it. */
export interface Delivery {
  pending: boolean;
  sentAt: Date | null;
}

/** A recipient with its current invitation's delivery (null before the round is sent). */
export interface RecipientWithDelivery {
  recipient: RoundRecipient;
  delivery: Delivery | null;
}

/**
 * A round's recipients with their organisations, by name (Swedish order) or by id, in one plain
 * query: a round may have a thousand of them, and entity hydration would cost more than the
 * query itself.
 */
export async function loadRecipients(
  manager: EntityManager,
  roundId: number,
  options: RecipientFilter = {},
): Promise<RoundRecipient[]> {
  return (await loadRecipientsWithDelivery(manager, roundId, options)).map(
    ({ recipient }) => recipient,
  );
}

interface RecipientFilter {
  status?: RecipientStatus;
  id?: number;
  orderBy?: 'id' | 'name';
}

/** {@link loadRecipients} with each recipient's current invitation, from the same query. */
export async function loadRecipientsWithDelivery(
  manager: EntityManager,
  roundId: number,
  { status, id, orderBy = 'id' }: RecipientFilter = {},
): Promise<RecipientWithDelivery[]> {
  const conditions = ['r.round_id = ?'];
  const parameters: unknown[] = [roundId];
  if (status) {
    conditions.push('r.status = ?');
    parameters.push(status);
  }
  if (id !== undefined) {
    conditions.push('r.id = ?');
    parameters.push(id);
  }
  const rows = await manager.query<RecipientRow[]>(
    `SELECT r.id, r.round_id, r.organisation_id, r.status, r.extended_deadline, r.email,
            r.invitation_count, r.invitation_outbox_id, r.sent_at, r.opened_at, r.failed_at, r.failure_reason,
            r.answered_at, r.late, r.response_id, r.own_case_id, oc.case_number AS own_case_number,
            r.created_at, r.updated_at, o.name AS organisation_name, o.kind AS organisation_kind,
            o.email AS organisation_email, o.series_code AS organisation_series_code,
            m.status AS delivery_status, m.sent_at AS delivery_sent_at
       FROM referral_round_recipient r
       JOIN organisation o ON o.id = r.organisation_id
       LEFT JOIN case_record oc ON oc.id = r.own_case_id
       LEFT JOIN mail_outbox m ON m.id = r.invitation_outbox_id
      WHERE ${conditions.join(' AND ')}
      ORDER BY ${orderBy === 'name' ? 'o.name, r.id' : 'r.id'}`,
    parameters,
  );
  return rows.map((row) => ({
    recipient: Object.assign(new RoundRecipient(), {
      id: row.id,
      roundId: row.round_id,
      organisationId: row.organisation_id,
      status: row.status,
      extendedDeadline: row.extended_deadline,
      email: row.email,
      invitationCount: Number(row.invitation_count),
      invitationOutboxId: row.invitation_outbox_id,
      sentAt: row.sent_at,
      openedAt: row.opened_at,
      failedAt: row.failed_at,
      failureReason: row.failure_reason,
      answeredAt: row.answered_at,
      late: Number(row.late) === 1,
      responseId: row.response_id,
      ownCaseId: row.own_case_id,
      ownCaseNumber: row.own_case_number,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      organisation: Object.assign(new Organisation(), {
        id: row.organisation_id,
        name: row.organisation_name,
        kind: row.organisation_kind,
        email: row.organisation_email,
        seriesCode: row.organisation_series_code,
      }),
    }),
    delivery:
      row.delivery_status === null
        ? null
        : { pending: row.delivery_status === 'pending', sentAt: row.delivery_sent_at },
  }));
}
