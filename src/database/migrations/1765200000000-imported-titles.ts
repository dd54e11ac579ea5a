import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The titles registered by importing a form (unless a duplicate was asked for): a second import
 * of the same title fails on the primary key, also when two imports run at the same moment.
 */
export class ImportedTitles1765200000000 implements MigrationInterface {
  name = 'ImportedTitles1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE imported_titles (
      title varchar(1000) PRIMARY KEY,
      body_id varchar(36) NOT NULL,
      imported_at varchar(30) NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE imported_titles');
  }
}
