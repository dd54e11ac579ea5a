import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change of a `decisions` row, however it is made (through the register or around it),
 * gives the row a new `revision`: a number no earlier state of any decision row carried. The write
 * path keeps a cited decision parsed and, before each citation, reads only the revision to know
 * whether it still is what the row says (a decision naming an effect for each of 1,500 bodies
 * is a row of some 150 kB, which reading whole for every citing event cost more than the rest
 * of the write).
 *
 * PostgreSQL draws the number from a sequence (never handed out twice, not even by a transaction
 * that rolls back). SQLite has no sequences: a one-row counter is raised in the same
 * transaction, so a rolled-back change may give its number again; the write path forgets what
 * it learnt in a unit of work that rolls back.
 */
export class DecisionRevisions1767500000000 implements MigrationInterface {
  name = 'DecisionRevisions1767500000000';

  async up(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('ALTER TABLE decisions ADD COLUMN revision bigint NOT NULL DEFAULT 0');
      await q.query('CREATE SEQUENCE decision_revisions');
      await q.query(`CREATE FUNCTION decision_revised() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.revision := nextval('decision_revisions');
          RETURN NEW;
        END $$`);
      await q.query('CREATE TRIGGER decisions_revised BEFORE INSERT OR UPDATE ON decisions FOR EACH ROW EXECUTE FUNCTION decision_revised()');
      return;
    }
    await q.query('ALTER TABLE decisions ADD COLUMN revision integer NOT NULL DEFAULT 0');
    await q.query('CREATE TABLE decision_revisions (id integer PRIMARY KEY CHECK (id = 1), last integer NOT NULL)');
    await q.query('INSERT INTO decision_revisions (id, last) VALUES (1, 0)');
    // The guard on the update trigger stops it at its own write should recursive triggers be on.
    for (const [name, event] of [
      ['decisions_revised_on_insert', 'AFTER INSERT ON decisions'],
      ['decisions_revised_on_update', 'AFTER UPDATE ON decisions WHEN NEW.revision = OLD.revision'],
    ]) {
      await q.query(`CREATE TRIGGER ${name} ${event} BEGIN
        UPDATE decision_revisions SET last = last + 1;
        UPDATE decisions SET revision = (SELECT last FROM decision_revisions) WHERE id = NEW.id;
      END`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER decisions_revised ON decisions');
      await q.query('DROP FUNCTION decision_revised()');
      await q.query('DROP SEQUENCE decision_revisions');
    } else {
      await q.query('DROP TRIGGER decisions_revised_on_insert');
      await q.query('DROP TRIGGER decisions_revised_on_update');
      await q.query('DROP TABLE decision_revisions');
    }
    await q.query('ALTER TABLE decisions DROP COLUMN revision');
  }
}
