import { MigrationInterface, QueryRunner } from 'typeorm';

// Single sign-on: a user is found by the identity provider's issuer and subject (stable, unlike
// the e-mail address); a user created on first sign-in through it has no password.
export class AddSingleSignOnIdentity1796100000000 implements MigrationInterface {
  name = 'AddSingleSignOnIdentity1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE `user` ADD `oidc_issuer` varchar(255) NULL, ADD `oidc_subject` varchar(255) NULL, MODIFY `password_hash` varchar(255) NULL',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX `uq_user_oidc_identity` ON `user` (`oidc_issuer`, `oidc_subject`)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX `uq_user_oidc_identity` ON `user`');
    await queryRunner.query(
      "UPDATE `user` SET `password_hash` = '!' WHERE `password_hash` IS NULL",
    );
    await queryRunner.query(
      'ALTER TABLE `user` DROP COLUMN `oidc_subject`, DROP COLUMN `oidc_issuer`, MODIFY `password_hash` varchar(255) NOT NULL',
    );
  }
}
