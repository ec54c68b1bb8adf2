import type { EntityManager } from 'typeorm';

/**
 * How log lines name mails: `Mail 42 (round-invitation, round 7)`. Never the address, the body or
 * a link. Mails to round recipients name their round.
 */
export async function describeMails(
  manager: EntityManager,
  ids: number[],
): Promise<Map<number, string>> {
  const labels = new Map<number, string>(ids.map((id) => [id, `Mail ${id}`]));
  if (ids.length === 0) return labels;
  try {
    const rows = await manager.query<{ id: number; kind: string; round_id: number | null }[]>(
      `SELECT m.id, m.kind, r.round_id
         FROM mail_outbox m
         LEFT JOIN referral_round_recipient r
           ON m.entity = 'referral_round_recipient' AND r.id = m.entity_id
        WHERE m.id IN (?)`,
      [ids],
    );
    for (const row of rows) {
      const round = row.round_id === null ? '' : `, round ${row.round_id}`;
      labels.set(Number(row.id), `Mail ${row.id} (${row.kind}${round})`);
    }
  } catch {
    // The ids alone still name the mails when the database cannot be read.
  }
  return labels;
}
