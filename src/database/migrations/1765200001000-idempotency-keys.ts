import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys (IETF httpapi draft `Idempotency-Key`): one row per principal and key,
 * claimed in the same transaction as the command it guards, with the hash of the request and
 * the response to replay. The primary key is what makes a repeat run nothing.
 */
export class IdempotencyKeys1765200001000 implements MigrationInterface {
  name = 'IdempotencyKeys1765200001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE idempotency_keys (
      principal varchar(64) NOT NULL,
      idempotency_key varchar(255) NOT NULL,
      request_hash varchar(64) NOT NULL,
      status integer,
      response text,
      created_at varchar(30) NOT NULL,
      PRIMARY KEY (principal, idempotency_key)
    )`);
    await q.query('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
