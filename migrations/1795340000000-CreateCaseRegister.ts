import { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// ärenden (cases) with gap-free numbers per series and year, and handlingar (documents)
export class CreateCaseRegister1795340000000 implements MigrationInterface {
  name = 'CreateCaseRegister1795340000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // One row per series and year; its row lock serialises numbering, and a rolled-back
    // registration rolls its number back too, so numbers never skip.
    await queryRunner.query(`
      CREATE TABLE case_number_sequence (
        series_code VARCHAR(10) ${EXACT} NOT NULL,
        year SMALLINT UNSIGNED NOT NULL,
        last_value INT UNSIGNED NOT NULL,
        PRIMARY KEY (series_code, year)
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE case_record (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        case_number VARCHAR(32) ${EXACT} NOT NULL,
        series_code VARCHAR(10) ${EXACT} NOT NULL,
        year SMALLINT UNSIGNED NOT NULL,
        sequence INT UNSIGNED NOT NULL,
        title VARCHAR(500) ${TEXT} NOT NULL,
        description TEXT ${TEXT} NULL,
        organisation_id INT UNSIGNED NOT NULL,
        officer_id INT UNSIGNED NULL,
        classification VARCHAR(32) ${EXACT} NULL,
        confidential TINYINT NOT NULL DEFAULT 0,
        status ENUM('open','closed') NOT NULL DEFAULT 'open',
        closed_reason TEXT ${TEXT} NULL,
        closed_at DATETIME(3) NULL,
        document_count INT UNSIGNED NOT NULL DEFAULT 0,
        registered_by INT UNSIGNED NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_case_record_case_number (case_number),
        UNIQUE KEY uq_case_record_series_year_sequence (series_code, year, sequence),
        KEY ix_case_record_status (status, id),
        KEY ix_case_record_organisation (organisation_id, id),
        FULLTEXT KEY ft_case_record_text (title, description),
        CONSTRAINT fk_case_record_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_case_record_officer FOREIGN KEY (officer_id)
          REFERENCES user (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE document (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        case_id INT UNSIGNED NOT NULL,
        number INT UNSIGNED NOT NULL,
        document_number VARCHAR(48) ${EXACT} NOT NULL,
        direction ENUM('incoming','outgoing','internal') NOT NULL,
        title VARCHAR(500) ${TEXT} NOT NULL,
        counterpart VARCHAR(300) ${TEXT} NULL,
        document_date DATE NOT NULL,
        registered_at DATETIME(3) NOT NULL,
        registered_by INT UNSIGNED NULL,
        file_name VARCHAR(255) ${EXACT} NOT NULL,
        mime_type VARCHAR(127) ${EXACT} NOT NULL,
        size BIGINT UNSIGNED NOT NULL,
        sha256 CHAR(64) ${EXACT} NOT NULL,
        confidentiality VARCHAR(200) ${TEXT} NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_document_document_number (document_number),
        UNIQUE KEY uq_document_case_number (case_id, number),
        KEY ix_document_registered_at (registered_at, id),
        KEY ix_document_sha256 (sha256),
        CONSTRAINT fk_document_case FOREIGN KEY (case_id)
          REFERENCES case_record (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE document');
    await queryRunner.query('DROP TABLE case_record');
    await queryRunner.query('DROP TABLE case_number_sequence');
  }
}
