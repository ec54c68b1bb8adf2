import { MigrationInterface, QueryRunner } from 'typeorm';

// The start page lists the latest failed deliveries and the answers of the last days across all
// rounds (each a range on the recipient's status and one instant, read newest first), and the
// consultees due by a day who have an extension (by their status and extended deadline).
export class IndexRecipientsForTheDesk1796047318000 implements MigrationInterface {
  name = 'IndexRecipientsForTheDesk1796047318000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'CREATE INDEX ix_referral_round_recipient_status_failed ON referral_round_recipient (status, failed_at)',
    );
    await queryRunner.query(
      'CREATE INDEX ix_referral_round_recipient_status_answered ON referral_round_recipient (status, answered_at)',
    );
    await queryRunner.query(
      'CREATE INDEX ix_referral_round_recipient_status_extended ON referral_round_recipient (status, extended_deadline)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'DROP INDEX ix_referral_round_recipient_status_extended ON referral_round_recipient',
    );
    await queryRunner.query(
      'DROP INDEX ix_referral_round_recipient_status_answered ON referral_round_recipient',
    );
    await queryRunner.query(
      'DROP INDEX ix_referral_round_recipient_status_failed ON referral_round_recipient',
    );
  }
}
