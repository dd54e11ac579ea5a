import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The day a Frist was met (`met_on`: a report's, the day it was submitted), so that a list of met
 * Fristen can say when and whether late. The Fristen met before are given theirs from their
 * obligations (`body_obligations`), in one statement.
 */
export class DeadlinesMetOn1767900000000 implements MigrationInterface {
  name = 'DeadlinesMetOn1767900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deadlines ADD COLUMN met_on varchar(10)');
    const submittedOn =
      q.connection.driver.options.type === 'postgres'
        ? `(SELECT o.data::jsonb ->> 'submittedOn' FROM body_obligations o WHERE o.body_id = deadlines.body_id AND o.data::jsonb ->> 'id' = deadlines.ref)`
        : `(SELECT json_extract(o.data, '$.submittedOn') FROM body_obligations o WHERE o.body_id = deadlines.body_id AND json_extract(o.data, '$.id') = deadlines.ref)`;
    await q.query(`UPDATE deadlines SET met_on = ${submittedOn} WHERE kind = 'report' AND status = 'met'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE deadlines DROP COLUMN met_on');
  }
}
