import { MigrationInterface, QueryRunner } from 'typeorm';

// Single sign-on: an admin may allow an existing password account to be linked to the identity
// provider at its next sign-in through it, until this moment; the permit is cleared when used.
export class AllowSingleSignOnLink1796200000000 implements MigrationInterface {
  name = 'AllowSingleSignOnLink1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `user` ADD `sso_link_allowed_until` datetime(3) NULL');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE `user` DROP COLUMN `sso_link_allowed_until`');
  }
}
