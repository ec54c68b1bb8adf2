import { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// sammanträden, paragrafer (§), their numbering, extracts and dispatch (expediering)
export class CreateMeetings1795380000000 implements MigrationInterface {
  name = 'CreateMeetings1795380000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // yearly: § numbers start again at 1 each calendar year; continuous: they never reset.
    await queryRunner.query(`
      ALTER TABLE organisation
        ADD COLUMN paragraph_numbering ENUM('yearly','continuous') NOT NULL DEFAULT 'yearly'`);

    // The last § number used per organisation and year (year 0 for continuous numbering).
    await queryRunner.query(`
      CREATE TABLE paragraph_sequence (
        organisation_id INT UNSIGNED NOT NULL,
        year SMALLINT UNSIGNED NOT NULL,
        last_value INT UNSIGNED NOT NULL,
        PRIMARY KEY (organisation_id, year),
        CONSTRAINT fk_paragraph_sequence_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    await queryRunner.query(`
      CREATE TABLE meeting (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        organisation_id INT UNSIGNED NOT NULL,
        date DATE NOT NULL,
        starts_at CHAR(5) ${EXACT} NULL,
        place VARCHAR(200) ${TEXT} NULL,
        chair VARCHAR(200) ${TEXT} NULL,
        secretary VARCHAR(200) ${TEXT} NULL,
        adjusters LONGTEXT ${EXACT} NOT NULL,
        present LONGTEXT ${EXACT} NOT NULL,
        kept_at VARCHAR(200) ${TEXT} NULL,
        status ENUM('planned','held','adjusted') NOT NULL DEFAULT 'planned',
        adjusted_on DATE NULL,
        adjusted_by INT UNSIGNED NULL,
        notice_posted_on DATE NULL,
        created_by INT UNSIGNED NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_meeting_organisation_date (organisation_id, date),
        KEY ix_meeting_date (date, id),
        CONSTRAINT fk_meeting_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_adjusted_by FOREIGN KEY (adjusted_by)
          REFERENCES user (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_created_by FOREIGN KEY (created_by)
          REFERENCES user (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // One § of a meeting. The unique key is what keeps two paragraphs from sharing a number.
    await queryRunner.query(`
      CREATE TABLE meeting_item (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        meeting_id INT UNSIGNED NOT NULL,
        organisation_id INT UNSIGNED NOT NULL,
        sequence_year SMALLINT UNSIGNED NOT NULL,
        paragraph INT UNSIGNED NOT NULL,
        title VARCHAR(500) ${TEXT} NOT NULL,
        case_id INT UNSIGNED NULL,
        documents TEXT ${TEXT} NULL,
        background MEDIUMTEXT ${TEXT} NULL,
        proposals TEXT ${TEXT} NULL,
        decision_process TEXT ${TEXT} NULL,
        deliberation MEDIUMTEXT ${TEXT} NULL,
        decision MEDIUMTEXT ${TEXT} NOT NULL,
        reservations TEXT ${TEXT} NULL,
        send_to LONGTEXT ${EXACT} NOT NULL,
        adjusted_on DATE NULL,
        adjusted_immediately TINYINT NOT NULL DEFAULT 0,
        extract_document_id INT UNSIGNED NULL,
        created_by INT UNSIGNED NULL,
        version INT UNSIGNED NOT NULL DEFAULT 1,
        created_at DATETIME(3) NOT NULL,
        updated_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_meeting_item_paragraph (organisation_id, sequence_year, paragraph),
        KEY ix_meeting_item_meeting (meeting_id, paragraph),
        KEY ix_meeting_item_case (case_id, id),
        CONSTRAINT fk_meeting_item_meeting FOREIGN KEY (meeting_id)
          REFERENCES meeting (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_item_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_item_case FOREIGN KEY (case_id)
          REFERENCES case_record (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_item_extract_document FOREIGN KEY (extract_document_id)
          REFERENCES document (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // expediering: the extract sent to an organisation, once, registered as an outgoing document.
    await queryRunner.query(`
      CREATE TABLE meeting_item_dispatch (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        item_id INT UNSIGNED NOT NULL,
        organisation_id INT UNSIGNED NOT NULL,
        document_id INT UNSIGNED NOT NULL,
        outbox_id INT UNSIGNED NOT NULL,
        dispatched_by INT UNSIGNED NULL,
        dispatched_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_meeting_item_dispatch_once (item_id, organisation_id),
        CONSTRAINT fk_meeting_item_dispatch_item FOREIGN KEY (item_id)
          REFERENCES meeting_item (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_item_dispatch_organisation FOREIGN KEY (organisation_id)
          REFERENCES organisation (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_meeting_item_dispatch_document FOREIGN KEY (document_id)
          REFERENCES document (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // The decision (§) that ordered a round; its extract goes with the invitation.
    await queryRunner.query(`
      ALTER TABLE referral_round
        ADD COLUMN decision_item_id INT UNSIGNED NULL AFTER message,
        ADD CONSTRAINT fk_referral_round_decision_item FOREIGN KEY (decision_item_id)
          REFERENCES meeting_item (id) ON DELETE RESTRICT ON UPDATE RESTRICT`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE referral_round DROP FOREIGN KEY fk_referral_round_decision_item',
    );
    await queryRunner.query('ALTER TABLE referral_round DROP COLUMN decision_item_id');
    await queryRunner.query('DROP TABLE meeting_item_dispatch');
    await queryRunner.query('DROP TABLE meeting_item');
    await queryRunner.query('DROP TABLE meeting');
    await queryRunner.query('DROP TABLE paragraph_sequence');
    await queryRunner.query('ALTER TABLE organisation DROP COLUMN paragraph_numbering');
  }
}
