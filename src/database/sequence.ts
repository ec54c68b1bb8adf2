import type { EntityManager } from 'typeorm';

/** The counter tables, each with its key columns and `last_value`. */
const SEQUENCES = {
  case_number_sequence: ['series_code', 'year'],
  paragraph_sequence: ['organisation_id', 'year'],
} as const;

/**
 * Takes the next number of a counter row (the first is 1) in one round trip: the upsert takes the
 * row lock that serialises its users until the caller's transaction commits, and hands the new
 * value back through LAST_INSERT_ID. A rollback gives the number back, so none is skipped.
 * Call it as late in the transaction as possible: every other user of the counter waits from here
 * to the commit.
 */
export async function nextInSequence(
  manager: EntityManager,
  table: keyof typeof SEQUENCES,
  key: readonly (string | number)[],
): Promise<number> {
  const columns = SEQUENCES[table];
  const result = await manager.query<{ insertId: number }>(
    `INSERT INTO ${table} (${columns.join(', ')}, last_value) ` +
      `VALUES (${columns.map(() => '?').join(', ')}, LAST_INSERT_ID(1)) ` +
      'ON DUPLICATE KEY UPDATE last_value = LAST_INSERT_ID(last_value + 1)',
    [...key],
  );
  return Number(result.insertId);
}
