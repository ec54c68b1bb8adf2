import { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// A token carries the user's token version; raising it (password change, deactivation) ends every
// token issued before. Refused logins, 403s and 429s go to a security log of their own, one row per
// address, route, account and minute with a count, so a flood cannot grow it without bound.
// Requests keep the caller's own X-Request-Id beside the server's id.
export class EndSessionsAndLogSecurityEvents1795404000000 implements MigrationInterface {
  name = 'EndSessionsAndLogSecurityEvents1795404000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE user ADD COLUMN token_version INT UNSIGNED NOT NULL DEFAULT 0 AFTER active',
    );
    await queryRunner.query(
      `ALTER TABLE audit_event ADD COLUMN client_request_id VARCHAR(64) ${EXACT} NULL AFTER request_id`,
    );
    await queryRunner.query(`
      CREATE TABLE security_event (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
        kind VARCHAR(32) ${EXACT} NOT NULL,
        minute DATETIME NOT NULL,
        client_address VARCHAR(64) ${EXACT} NOT NULL,
        method VARCHAR(10) ${EXACT} NOT NULL,
        route VARCHAR(200) ${EXACT} NOT NULL,
        account VARCHAR(254) ${TEXT} NOT NULL,
        user_id INT UNSIGNED NULL,
        count INT UNSIGNED NOT NULL,
        first_at DATETIME(3) NOT NULL,
        last_at DATETIME(3) NOT NULL,
        request_id VARCHAR(64) ${EXACT} NULL,
        client_request_id VARCHAR(64) ${EXACT} NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_security_event_bucket (kind, minute, client_address, method, route, account),
        KEY ix_security_event_address (client_address, id),
        KEY ix_security_event_account (account, id),
        KEY ix_security_event_last_at (last_at)
      ) ${TABLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE security_event');
    await queryRunner.query('ALTER TABLE audit_event DROP COLUMN client_request_id');
    await queryRunner.query('ALTER TABLE user DROP COLUMN token_version');
  }
}
