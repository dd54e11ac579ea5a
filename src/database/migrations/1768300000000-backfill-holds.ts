import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bodies whose deadline monitoring rests while their known history is entered
 * (Nacherfassung): one row per held body, keyed by it, so that the scheduler's claim excludes
 * them with a `NOT EXISTS` on the primary key. The audit log records every begin and end
 * (`backfillBegun`, `backfillEnded`); verify checks this table against it.
 */
export class BackfillHolds1768300000000 implements MigrationInterface {
  name = 'BackfillHolds1768300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE backfill_holds (
      body_id varchar(36) PRIMARY KEY REFERENCES bodies (id),
      since varchar(30) NOT NULL,
      reason text NOT NULL,
      actor_id varchar(100) NOT NULL,
      audit_log_version integer NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE backfill_holds');
  }
}
