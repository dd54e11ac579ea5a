import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Corrections of a contact person are audited: each contact has a hash chain of its own in
 * `contact_events` (stream `contact:<id>`), holding which fields changed, never their values.
 */
export class ContactEvents1766200000000 implements MigrationInterface {
  name = 'ContactEvents1766200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contact_events (
      id varchar(36) PRIMARY KEY,
      stream varchar(60) NOT NULL,
      version integer NOT NULL,
      type varchar(40) NOT NULL,
      data text NOT NULL,
      actor_id varchar(100) NOT NULL,
      actor_role varchar(40) NOT NULL,
      occurred_at varchar(30) NOT NULL,
      recorded_at varchar(30) NOT NULL,
      prev_hash varchar(64),
      hash varchar(64) NOT NULL,
      CONSTRAINT contact_events_stream_version UNIQUE (stream, version)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE contact_events');
  }
}
