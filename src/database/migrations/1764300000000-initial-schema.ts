import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log and its projections. Portable SQL: the same statements run on SQLite and
 * PostgreSQL. Instants are ISO 8601 UTC strings, JSON is stored as text.
 */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE contacts (
      id varchar(36) PRIMARY KEY,
      name text,
      organization text,
      email text,
      phone text,
      created_at varchar(30) NOT NULL,
      erased_at varchar(30),
      erasure_reason text
    )`);
    await q.query(`CREATE TABLE decisions (
      id varchar(36) PRIMARY KEY,
      issuer varchar(60) NOT NULL,
      number varchar(40) NOT NULL,
      decided_on varchar(10) NOT NULL,
      procedure_kind varchar(20) NOT NULL,
      session_number integer,
      type varchar(20) NOT NULL,
      title text NOT NULL,
      recorded_at varchar(30) NOT NULL,
      recorded_by varchar(100) NOT NULL,
      CONSTRAINT decisions_issuer_number UNIQUE (issuer, number)
    )`);
    await q.query(`CREATE TABLE bodies (
      id varchar(36) PRIMARY KEY,
      title text NOT NULL,
      status varchar(30) NOT NULL,
      state_paths text NOT NULL,
      state text NOT NULL,
      context text NOT NULL,
      search_text text NOT NULL,
      version integer NOT NULL,
      machine_version integer NOT NULL,
      last_hash varchar(64) NOT NULL,
      last_occurred_at varchar(30) NOT NULL,
      created_at varchar(30) NOT NULL,
      updated_at varchar(30) NOT NULL
    )`);
    await q.query(`CREATE TABLE events (
      id varchar(36) PRIMARY KEY,
      body_id varchar(36) NOT NULL REFERENCES bodies (id),
      version integer NOT NULL,
      type varchar(40) NOT NULL,
      data text NOT NULL,
      actor_id varchar(100) NOT NULL,
      actor_role varchar(40) NOT NULL,
      occurred_at varchar(30) NOT NULL,
      recorded_at varchar(30) NOT NULL,
      machine_id varchar(40) NOT NULL,
      machine_version integer NOT NULL,
      decision_number varchar(40),
      decision text,
      prev_hash varchar(64),
      hash varchar(64) NOT NULL,
      CONSTRAINT events_body_version UNIQUE (body_id, version)
    )`);
    await q.query('CREATE INDEX events_decision_number ON events (decision_number)');
    await q.query('CREATE INDEX bodies_status ON bodies (status)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE events');
    await q.query('DROP TABLE bodies');
    await q.query('DROP TABLE decisions');
    await q.query('DROP TABLE contacts');
  }
}
