import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signing keys the database was bound to, in order: every instance signs with the last one.
 * The first start records its key (before any checkpoint, so that two instances starting at the
 * same moment cannot both begin with their own key: `position` is unique, one of them loses),
 * and a key that replaces one declared lost is recorded after it, naming it in `replaces`.
 * Databases from before start with no row: the newest checkpoint's key counts until a start
 * records it.
 */
export class SigningKeys1768100000000 implements MigrationInterface {
  name = 'SigningKeys1768100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_signing_keys (
      position integer PRIMARY KEY,
      key_id varchar(64) NOT NULL,
      replaces varchar(64),
      recorded_at varchar(30) NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_signing_keys');
  }
}
