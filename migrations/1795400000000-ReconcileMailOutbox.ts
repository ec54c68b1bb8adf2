import { MigrationInterface, QueryRunner } from 'typeorm';

// The outbox row, not the queue, decides what is still to be sent: `offers` counts the times a
// row was handed to the queue (each offer is a job of its own, `mail-<id>-<offers>`), and
// `link_seed` lets every attempt of one mail carry the same secure link. The seed is erased once
// the mail is sent, failed or cancelled.
export class ReconcileMailOutbox1795400000000 implements MigrationInterface {
  name = 'ReconcileMailOutbox1795400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE mail_outbox
        ADD COLUMN offers INT UNSIGNED NOT NULL DEFAULT 0 AFTER attempts,
        ADD COLUMN link_seed CHAR(32) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL AFTER offers`);
    await queryRunner.query(
      'ALTER TABLE referral_round_link ADD KEY ix_referral_round_link_outbox (outbox_id)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE referral_round_link DROP KEY ix_referral_round_link_outbox',
    );
    await queryRunner.query('ALTER TABLE mail_outbox DROP COLUMN link_seed, DROP COLUMN offers');
  }
}
