import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log (its own hash chain, for erasures of personal data) and the signed checkpoints.
 * A checkpoint row keeps the signed payload as the exact canonical JSON that was signed.
 */
export class Audit1764304000000 implements MigrationInterface {
  name = 'Audit1764304000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE audit_log (
      id varchar(36) PRIMARY KEY,
      version integer NOT NULL,
      type varchar(40) NOT NULL,
      data text NOT NULL,
      actor_id varchar(100) NOT NULL,
      actor_role varchar(40) NOT NULL,
      occurred_at varchar(30) NOT NULL,
      recorded_at varchar(30) NOT NULL,
      prev_hash varchar(64),
      hash varchar(64) NOT NULL,
      CONSTRAINT audit_log_version UNIQUE (version)
    )`);
    await q.query(`CREATE TABLE audit_checkpoints (
      sequence integer PRIMARY KEY,
      created_at varchar(30) NOT NULL,
      tree_size integer NOT NULL,
      root_hash varchar(64) NOT NULL,
      key_id varchar(64) NOT NULL,
      payload text NOT NULL,
      signature text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE audit_checkpoints');
    await q.query('DROP TABLE audit_log');
  }
}
