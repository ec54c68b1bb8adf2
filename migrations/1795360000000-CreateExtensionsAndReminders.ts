import { MigrationInterface, QueryRunner } from 'typeorm';

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_swedish_ci';
const EXACT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_bin';
const TABLE = `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_swedish_ci`;

// anstånd (extensions) and påminnelser (reminders), each reminder once per recipient, kind, deadline
export class CreateExtensionsAndReminders1795360000000 implements MigrationInterface {
  name = 'CreateExtensionsAndReminders1795360000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE referral_round_extension (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        recipient_id INT UNSIGNED NOT NULL,
        previous_deadline DATE NOT NULL,
        deadline DATE NOT NULL,
        reason TEXT ${TEXT} NOT NULL,
        granted_by INT UNSIGNED NULL,
        granted_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        KEY ix_referral_round_extension_recipient (recipient_id, id),
        CONSTRAINT fk_referral_round_extension_recipient FOREIGN KEY (recipient_id)
          REFERENCES referral_round_recipient (id) ON DELETE RESTRICT ON UPDATE RESTRICT,
        CONSTRAINT fk_referral_round_extension_granted_by FOREIGN KEY (granted_by)
          REFERENCES user (id) ON DELETE RESTRICT ON UPDATE RESTRICT
      ) ${TABLE}`);

    // Planned when the invitation is sent (or the deadline extended); the sweep reads only the
    // planned rows that are due, through (status, due_at), whatever the number of recipients.
    await queryRunner.query(`
      CREATE TABLE referral_round_reminder (
        id INT UNSIGNED NOT NULL AUTO_INCREMENT,
        recipient_id INT UNSIGNED NOT NULL,
        kind VARCHAR(32) ${EXACT} NOT NULL,
        deadline DATE NOT NULL,
        due_at DATETIME(3) NOT NULL,
        status ENUM('planned','queued','skipped','cancelled') NOT NULL DEFAULT 'planned',
        outbox_id INT UNSIGNED NULL,
        created_at DATETIME(3) NOT NULL,
        done_at DATETIME(3) NULL,
        PRIMARY KEY (id),
        UNIQUE KEY uq_referral_round_reminder_once (recipient_id, kind, deadline),
        KEY ix_referral_round_reminder_due (status, due_at),
        CONSTRAINT fk_referral_round_reminder_recipient FOREIGN KEY (recipient_id)
          REFERENCES referral_round_recipient (id) ON DELETE CASCADE ON UPDATE RESTRICT
      ) ${TABLE}`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE referral_round_reminder');
    await queryRunner.query('DROP TABLE referral_round_extension');
  }
}
