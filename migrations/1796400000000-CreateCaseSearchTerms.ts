import { MigrationInterface, QueryRunner } from 'typeorm';
import { caseTerms } from '../src/cases/case-terms.js';

const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;
const BATCH = 2_000;

// The words of every case, so a search reads one word's cases newest first and stops after a page
// instead of sorting every FULLTEXT match. Existing cases get their terms here, in batches.
export class CreateCaseSearchTerms1796400000000 implements MigrationInterface {
  name = 'CreateCaseSearchTerms1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE case_search_term (
        term VARCHAR(64) NOT NULL,
        case_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (term, case_id),
        CONSTRAINT fk_case_search_term_case FOREIGN KEY (case_id)
          REFERENCES case_record (id) ON DELETE CASCADE ON UPDATE RESTRICT
      ) ${TABLE}`);
    let after = 0;
    for (;;) {
      const rows = (await queryRunner.query(
        'SELECT id, title, description FROM case_record WHERE id > ? ORDER BY id LIMIT ?',
        [after, BATCH],
      )) as { id: number; title: string; description: string | null }[];
      if (rows.length === 0) break;
      const values = rows.flatMap((row) =>
        caseTerms(row.title, row.description).map((term) => [term, row.id]),
      );
      if (values.length > 0) {
        await queryRunner.query(
          `INSERT INTO case_search_term (term, case_id) VALUES ${values.map(() => '(?, ?)').join(', ')} ` +
            'ON DUPLICATE KEY UPDATE case_id = case_id',
          values.flat(),
        );
      }
      after = Number(rows[rows.length - 1].id);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE case_search_term');
  }
}
