import { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// remissvar: answers with their comments per section, each registered as a document of the case
export class CreateResponses1795370000000 implements MigrationInterface {
  name = 'CreateResponses1795370000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE referral_round_response (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        round_id INT UNSIGNED NOT NULL,
        recipient_id INT UNSIGNED NOT NULL,
        position ENUM('approve','approve_with_comments','reject','no_comments','declined') NOT NULL,
        summary TEXT ${TEXT} NULL,
        decision_organ VARCHAR(200) ${TEXT} NULL,
        decision_date DATE NULL,
        decision_paragraph VARCHAR(20) ${TEXT} NULL,
        decision_case_number VARCHAR(32) ${EXACT} NULL,
        received_via ENUM('account','link','email','paper') NOT NULL,
        submitted_by INT UNSIGNED NULL,
        submitted_at DATETIME(3) NOT NULL,
        late TINYINT NOT NULL DEFAULT 0,
        document_id INT UNSIGNED NOT NULL,
        supersedes_id INT UNSIGNED NULL,
        idempotency_key VARCHAR(100) ${EXACT} NULL,
        body_hash CHAR(64) ${EXACT} NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_referral_round_response_idempotency (recipient_id, idempotency_key),
        KEY ix_referral_round_response_round (round_id, id),
        KEY ix_referral_round_response_recipient (recipient_id, id),
        CONSTRAINT fk_referral_round_response_round FOREIGN KEY (round_id)
          REFERENCES referral_round (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_response_recipient FOREIGN KEY (recipient_id)
          REFERENCES referral_round_recipient (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_response_document FOREIGN KEY (document_id)
          REFERENCES document (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_response_submitted_by FOREIGN KEY (submitted_by)
          REFERENCES user (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE referral_round_comment (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        response_id INT UNSIGNED NOT NULL,
        round_id INT UNSIGNED NOT NULL,
        section_ref VARCHAR(20) ${TEXT} NOT NULL,
        text TEXT ${TEXT} NOT NULL,
        position SMALLINT UNSIGNED NOT NULL,
        PRIMARY KEY (id),
        KEY ix_referral_round_comment_response (response_id, position),
        KEY ix_referral_round_comment_round_section (round_id, section_ref),
        CONSTRAINT fk_referral_round_comment_response FOREIGN KEY (response_id)
          REFERENCES referral_round_response (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // Files sent with an answer beyond the first (which is the answer's own document).
    await queryRunner.query(`
      CREATE TABLE referral_round_response_document (
        response_id INT UNSIGNED NOT NULL,
        document_id INT UNSIGNED NOT NULL,
        position SMALLINT UNSIGNED NOT NULL,
        PRIMARY KEY (response_id, document_id),
        KEY ix_referral_round_response_document_document (document_id),
        CONSTRAINT fk_referral_round_response_document_response FOREIGN KEY (response_id)
          REFERENCES referral_round_response (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_response_document_document FOREIGN KEY (document_id)
          REFERENCES document (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    await queryRunner.query(
      'ALTER TABLE referral_round_recipient ADD COLUMN response_id INT UNSIGNED NULL AFTER late',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE referral_round_recipient DROP COLUMN response_id');
    await queryRunner.query('DROP TABLE referral_round_response_document');
    await queryRunner.query('DROP TABLE referral_round_comment');
    await queryRunner.query('DROP TABLE referral_round_response');
  }
}
