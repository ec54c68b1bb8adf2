import { MigrationInterface, QueryRunner } from 'typeorm';

// Names, titles: Swedish order (å, ä, ö after z). Codes, e-mail keys and hashes: exact bytes.
const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

export class CreateDirectoryUsersAudit1795334400000 implements MigrationInterface {
  name = 'CreateDirectoryUsersAudit1795334400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organisation (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(200) ${TEXT} NOT NULL,
        kind ENUM('council','committee','company','federation','external') NOT NULL,
        series_code VARCHAR(10) ${EXACT} NULL,
        email VARCHAR(254) ${EXACT} NULL,
        parent_id INT UNSIGNED NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_organisation_name (name),
        UNIQUE KEY uq_organisation_series_code (series_code),
        KEY ix_organisation_kind_name (kind, name),
        CONSTRAINT fk_organisation_parent FOREIGN KEY (parent_id) REFERENCES organisation (id)
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE user (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        name VARCHAR(200) ${TEXT} NOT NULL,
        email VARCHAR(254) ${EXACT} NOT NULL,
        password_hash VARCHAR(255) ${EXACT} NOT NULL,
        roles SET('admin','registrar','clerk','respondent','reader') NOT NULL,
        active TINYINT(1) NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        last_login_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_user_email (email),
        KEY ix_user_name (name)
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE user_organisation (
        user_id INT UNSIGNED NOT NULL,
        organisation_id INT UNSIGNED NOT NULL,
        PRIMARY KEY (user_id, organisation_id),
        KEY IDX_81c4608739c8cf71fa1f96e11a (user_id),
        KEY IDX_d9628e009b6d71bf677c04f849 (organisation_id),
        CONSTRAINT fk_user_organisation_user FOREIGN KEY (user_id) REFERENCES user (id)
          ON DELETE CASCADE ON UPDATE CASCADE,
        CONSTRAINT fk_user_organisation_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE CASCADE ON UPDATE CASCADE
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE audit_event (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        occurred_at DATETIME(3) NOT NULL,
        actor_user_id INT UNSIGNED NULL,
        actor_label VARCHAR(254) ${TEXT} NOT NULL,
        action VARCHAR(64) ${EXACT} NOT NULL,
        entity VARCHAR(64) ${EXACT} NOT NULL,
        entity_id VARCHAR(64) ${EXACT} NOT NULL,
        before_state LONGTEXT ${EXACT} NULL,
        after_state LONGTEXT ${EXACT} NULL,
        request_id VARCHAR(64) ${EXACT} NULL,
        PRIMARY KEY (id),
        KEY ix_audit_event_entity (entity, entity_id, id),
        KEY ix_audit_event_actor (actor_user_id, id),
        KEY ix_audit_event_occurred_at (occurred_at)
      ) ${TABLE}`);

    // The audit log is append-only for everyone who can reach the database, not only for the app.
    await queryRunner.query(`
      CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_event is append-only'`);
    await queryRunner.query(`
      CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event FOR EACH ROW
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_event is append-only'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER IF EXISTS audit_event_no_delete');
    await queryRunner.query('DROP TRIGGER IF EXISTS audit_event_no_update');
    await queryRunner.query('DROP TABLE audit_event');
    await queryRunner.query('DROP TABLE user_organisation');
    await queryRunner.query('DROP TABLE user');
    await queryRunner.query('DROP TABLE organisation');
  }
}
