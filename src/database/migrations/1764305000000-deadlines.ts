import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines and reminders: the sessions calendar, the Fristen and durable timers derived from
 * each body's snapshot, and the outbox of e-mails and webhooks. Portable SQL, as the initial
 * schema: instants are ISO 8601 UTC strings, civil dates `YYYY-MM-DD`, JSON is text.
 */
export class Deadlines1764305000000 implements MigrationInterface {
  name = 'Deadlines1764305000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sessions (
      issuer varchar(60) NOT NULL,
      number integer NOT NULL,
      held_on varchar(10) NOT NULL,
      recorded_at varchar(30) NOT NULL,
      recorded_by varchar(100) NOT NULL,
      PRIMARY KEY (issuer, number)
    )`);
    await q.query(`CREATE TABLE deadlines (
      key varchar(200) PRIMARY KEY,
      body_id varchar(36) NOT NULL,
      kind varchar(20) NOT NULL,
      ref varchar(40) NOT NULL,
      label text NOT NULL,
      deadline text NOT NULL,
      resolution text NOT NULL,
      original_date varchar(10),
      effective_date varchar(10),
      status varchar(20) NOT NULL,
      updated_at varchar(30) NOT NULL
    )`);
    await q.query('CREATE INDEX deadlines_body ON deadlines (body_id)');
    await q.query('CREATE INDEX deadlines_effective_date ON deadlines (effective_date)');
    await q.query(`CREATE TABLE timers (
      key varchar(250) PRIMARY KEY,
      body_id varchar(36) NOT NULL,
      kind varchar(20) NOT NULL,
      ref varchar(80) NOT NULL,
      deadline_key varchar(200) NOT NULL,
      series varchar(120),
      due_on varchar(10) NOT NULL,
      due_at varchar(30) NOT NULL,
      payload text NOT NULL,
      derived_version integer NOT NULL,
      status varchar(20) NOT NULL,
      fired_at varchar(30),
      last_error text
    )`);
    await q.query('CREATE INDEX timers_due ON timers (status, due_at)');
    await q.query('CREATE INDEX timers_body ON timers (body_id)');
    await q.query(`CREATE TABLE outbox (
      id varchar(36) PRIMARY KEY,
      dedupe_key varchar(300) NOT NULL,
      channel varchar(10) NOT NULL,
      target text NOT NULL,
      body_id varchar(36),
      topic varchar(20) NOT NULL,
      subject text NOT NULL,
      payload text NOT NULL,
      status varchar(20) NOT NULL,
      attempts integer NOT NULL,
      attempt_log text NOT NULL,
      next_attempt_at varchar(30) NOT NULL,
      last_error text,
      created_at varchar(30) NOT NULL,
      sent_at varchar(30),
      CONSTRAINT outbox_dedupe_key UNIQUE (dedupe_key)
    )`);
    await q.query('CREATE INDEX outbox_due ON outbox (status, next_attempt_at)');
    await q.query('CREATE INDEX outbox_body ON outbox (body_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE outbox');
    await q.query('DROP TABLE timers');
    await q.query('DROP TABLE deadlines');
    await q.query('DROP TABLE sessions');
  }
}
