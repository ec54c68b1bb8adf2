import { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// remissrundor with their documents and recipients, and the transactional mail outbox
export class CreateReferralRoundsAndOutbox1795350000000 implements MigrationInterface {
  name = 'CreateReferralRoundsAndOutbox1795350000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE referral_round (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        case_id INT UNSIGNED NOT NULL,
        title VARCHAR(500) ${TEXT} NOT NULL,
        message TEXT ${TEXT} NULL,
        deadline DATE NOT NULL,
        sections LONGTEXT ${EXACT} NOT NULL,
        reminder_policy LONGTEXT ${EXACT} NULL,
        status ENUM('draft','sent','closed') NOT NULL DEFAULT 'draft',
        created_by INT UNSIGNED NULL,
        sent_at DATETIME(3) NULL,
        closed_at DATETIME(3) NULL,
        closed_reason TEXT ${TEXT} NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_referral_round_case (case_id, id),
        KEY ix_referral_round_status_deadline (status, deadline, id),
        CONSTRAINT fk_referral_round_case FOREIGN KEY (case_id)
          REFERENCES case_record (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE referral_round_document (
        round_id INT UNSIGNED NOT NULL,
        document_id INT UNSIGNED NOT NULL,
        position SMALLINT UNSIGNED NOT NULL,
        PRIMARY KEY (round_id, document_id),
        KEY ix_referral_round_document_document (document_id),
        CONSTRAINT fk_referral_round_document_round FOREIGN KEY (round_id)
          REFERENCES referral_round (id) ON DELETE CASCADE ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_document_document FOREIGN KEY (document_id)
          REFERENCES document (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // One row per organisation in a round.
    await queryRunner.query(`
      CREATE TABLE referral_round_recipient (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        round_id INT UNSIGNED NOT NULL,
        organisation_id INT UNSIGNED NOT NULL,
        status ENUM('pending','sent','answered','declined','failed') NOT NULL DEFAULT 'pending',
        extended_deadline DATE NULL,
        email VARCHAR(254) ${EXACT} NULL,
        invitation_count SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        invitation_outbox_id INT UNSIGNED NULL,
        sent_at DATETIME(3) NULL,
        failed_at DATETIME(3) NULL,
        failure_reason VARCHAR(500) ${TEXT} NULL,
        answered_at DATETIME(3) NULL,
        late TINYINT NOT NULL DEFAULT 0,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_referral_round_recipient_round_organisation (round_id, organisation_id),
        KEY ix_referral_round_recipient_organisation (organisation_id, id),
        CONSTRAINT fk_referral_round_recipient_round FOREIGN KEY (round_id)
          REFERENCES referral_round (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_recipient_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // The secure links mailed to a recipient, kept only as SHA-256; a resend or closing voids them.
    await queryRunner.query(`
      CREATE TABLE referral_round_link (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        recipient_id INT UNSIGNED NOT NULL,
        token_hash CHAR(64) ${EXACT} NOT NULL,
        outbox_id INT UNSIGNED NULL,
        issued_at DATETIME(3) NOT NULL,
        voided_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_referral_round_link_token_hash (token_hash),
        KEY ix_referral_round_link_recipient (recipient_id, voided_at),
        CONSTRAINT fk_referral_round_link_recipient FOREIGN KEY (recipient_id)
          REFERENCES referral_round_recipient (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // Every mail is written here in the transaction that causes it; dedupe_key makes it exist once.
    await queryRunner.query(`
      CREATE TABLE mail_outbox (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        kind VARCHAR(64) ${EXACT} NOT NULL,
        dedupe_key VARCHAR(191) ${EXACT} NOT NULL,
        entity VARCHAR(64) ${EXACT} NULL,
        entity_id INT UNSIGNED NULL,
        to_address VARCHAR(254) ${EXACT} NOT NULL,
        to_name VARCHAR(200) ${TEXT} NULL,
        subject VARCHAR(998) ${TEXT} NOT NULL,
        text_body MEDIUMTEXT ${TEXT} NOT NULL,
        html_body MEDIUMTEXT ${TEXT} NOT NULL,
        attachments LONGTEXT ${EXACT} NULL,
        message_id VARCHAR(255) ${EXACT} NOT NULL,
        status ENUM('pending','sent','failed','cancelled') NOT NULL DEFAULT 'pending',
        attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
        last_error VARCHAR(1000) ${TEXT} NULL,
        smtp_response VARCHAR(1000) ${TEXT} NULL,
        queued_at DATETIME(3) NULL,
        created_at DATETIME(3) NOT NULL,
        sent_at DATETIME(3) NULL,
        failed_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_mail_outbox_dedupe_key (dedupe_key),
        UNIQUE KEY uq_mail_outbox_message_id (message_id),
        KEY ix_mail_outbox_status_queued (status, queued_at),
        KEY ix_mail_outbox_entity (entity, entity_id)
      ) ${TABLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE mail_outbox');
    await queryRunner.query('DROP TABLE referral_round_link');
    await queryRunner.query('DROP TABLE referral_round_recipient');
    await queryRunner.query('DROP TABLE referral_round_document');
    await queryRunner.query('DROP TABLE referral_round');
  }
}
