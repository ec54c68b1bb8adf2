import { MigrationInterface, QueryRunner } from 'typeorm';

// Both sides of a remiss in one thread: the consultee's own case for the remiss it received, and
// its answer registered there as outgoing.
export class LinkConsulteeCases1795390000000 implements MigrationInterface {
  name = 'LinkConsulteeCases1795390000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE referral_round_recipient
        ADD COLUMN own_case_id INT UNSIGNED NULL AFTER response_id,
        ADD KEY ix_referral_round_recipient_own_case (own_case_id),
        ADD CONSTRAINT fk_referral_round_recipient_own_case FOREIGN KEY (own_case_id)
          REFERENCES case_record (id) ON DELETE RESTRICT ON UPDATE RESTRICT`);
    await queryRunner.query(`
      ALTER TABLE referral_round_response
        ADD COLUMN reply_document_id INT UNSIGNED NULL AFTER document_id,
        ADD CONSTRAINT fk_referral_round_response_reply_document FOREIGN KEY (reply_document_id)
          REFERENCES document (id) ON DELETE RESTRICT ON UPDATE RESTRICT`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE referral_round_response DROP FOREIGN KEY fk_referral_round_response_reply_document',
    );
    await queryRunner.query('ALTER TABLE referral_round_response DROP COLUMN reply_document_id');
    await queryRunner.query(
      'ALTER TABLE referral_round_recipient DROP FOREIGN KEY fk_referral_round_recipient_own_case',
    );
    await queryRunner.query(
      'ALTER TABLE referral_round_recipient DROP KEY ix_referral_round_recipient_own_case',
    );
    await queryRunner.query('ALTER TABLE referral_round_recipient DROP COLUMN own_case_id');
  }
}
