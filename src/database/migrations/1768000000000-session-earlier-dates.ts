import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A moved session keeps the days it had before, each with who recorded it when (`earlier_dates`,
 * JSON, oldest first; null while it never moved). A Frist is resolved against the sessions
 * calendar as it was known when the Frist fell due, so a day the calendar gave a session then must
 * stay known after the session moves. Sessions moved before keep only their present day.
 */
export class SessionEarlierDates1768000000000 implements MigrationInterface {
  name = 'SessionEarlierDates1768000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sessions ADD COLUMN earlier_dates text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE sessions DROP COLUMN earlier_dates');
  }
}
