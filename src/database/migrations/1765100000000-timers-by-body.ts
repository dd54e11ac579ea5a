import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The write path looks up a body's due timers before every command (`body_id`, `status`,
 * `due_at`). With only `timers_body` and `timers_due`, SQLite walked every pending due timer of
 * all bodies for it; this index finds the body's own. It also serves lookups by body alone.
 */
export class TimersByBody1765100000000 implements MigrationInterface {
  name = 'TimersByBody1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX timers_body_due ON timers (body_id, status, due_at)');
    await q.query('DROP INDEX timers_body');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX timers_body ON timers (body_id)');
    await q.query('DROP INDEX timers_body_due');
  }
}
