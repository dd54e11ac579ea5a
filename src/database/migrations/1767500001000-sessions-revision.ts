import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sessions calendar gets a revision: one number that a database trigger raises with every
 * statement that inserts, moves or deletes sessions, however it is made. Every write derives the
 * body's Fristen against the calendar; with the revision it reads one number instead of the whole
 * calendar (which grows by every session ever held) and reads the sessions only when it changed.
 * The number is raised in the writing transaction, so a rolled-back change may give it again: the
 * write path forgets what it learnt in a unit of work that rolls back.
 */
export class SessionsRevision1767500001000 implements MigrationInterface {
  name = 'SessionsRevision1767500001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE sessions_revision (id integer PRIMARY KEY CHECK (id = 1), revision bigint NOT NULL)');
    await q.query('INSERT INTO sessions_revision (id, revision) VALUES (1, 0)');
    if (q.connection.driver.options.type === 'postgres') {
      await q.query(`CREATE FUNCTION sessions_revised() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE sessions_revision SET revision = revision + 1;
          RETURN NULL;
        END $$`);
      await q.query('CREATE TRIGGER sessions_revised AFTER INSERT OR UPDATE OR DELETE ON sessions FOR EACH STATEMENT EXECUTE FUNCTION sessions_revised()');
      return;
    }
    for (const change of ['INSERT', 'UPDATE', 'DELETE']) {
      await q.query(`CREATE TRIGGER sessions_revised_on_${change.toLowerCase()} AFTER ${change} ON sessions BEGIN
        UPDATE sessions_revision SET revision = revision + 1;
      END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER sessions_revised ON sessions');
      await q.query('DROP FUNCTION sessions_revised()');
    } else {
      for (const change of ['insert', 'update', 'delete']) await q.query(`DROP TRIGGER sessions_revised_on_${change}`);
    }
    await q.query('DROP TABLE sessions_revision');
  }
}
