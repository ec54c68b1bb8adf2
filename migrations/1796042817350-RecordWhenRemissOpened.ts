import { MigrationInterface, QueryRunner } from 'typeorm';

// When a consultee first opened the remiss (its link's page, the link's JSON or a document through
// the link): set once, never moved, so the round's page can tell an unread invitation from a read one.
export class RecordWhenRemissOpened1796042817350 implements MigrationInterface {
  name = 'RecordWhenRemissOpened1796042817350';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE referral_round_recipient ADD COLUMN opened_at DATETIME(3) NULL AFTER sent_at',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE referral_round_recipient DROP COLUMN opened_at');
  }
}
