import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// Archive export: closed cases delivered to the archive as E-ARK packages (CITS ERMS v3). The
// export row is the truth about a package; the cases it resolved its selection to are kept so a
// retried build produces the same package.
export class CreateArchiveExports1796300000000 implements MigrationInterface {
  name = 'CreateArchiveExports1796300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE archive_export (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        package_id CHAR(36) NOT NULL,
        status ENUM('queued','building','ready','failed') NOT NULL DEFAULT 'queued',
        selection LONGTEXT NOT NULL,
        confidential TINYINT NOT NULL DEFAULT 0,
        case_count INT UNSIGNED NOT NULL,
        document_count INT UNSIGNED NOT NULL,
        size BIGINT UNSIGNED NULL,
        sha256 CHAR(64) NULL,
        error TEXT NULL,
        attempt SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        requested_by INT UNSIGNED NULL,
        created_at DATETIME(3) NOT NULL,
        started_at DATETIME(3) NULL,
        finished_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_archive_export_package (package_id),
        KEY ix_archive_export_status (status, id),
        CONSTRAINT fk_archive_export_requested_by FOREIGN KEY (requested_by)
          REFERENCES user (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);
    await queryRunner.query(`
      CREATE TABLE archive_export_case (
        export_id INT UNSIGNED NOT NULL,
        case_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (export_id, case_id),
        CONSTRAINT fk_archive_export_case_export FOREIGN KEY (export_id)
          REFERENCES archive_export (id) ON DELETE CASCADE ON UPDATE RESTRICT,
        CONSTRAINT fk_archive_export_case_case FOREIGN KEY (case_id)
          REFERENCES case_record (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE archive_export_case');
    await queryRunner.query('DROP TABLE archive_export');
  }
}
