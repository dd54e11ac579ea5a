import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A write reads and rewrites only the timers of the Fristen its event changes (by
 * `deadline_key`); without this index each such lookup walked every timer of the body (thousands
 * on a body with hundreds of report obligations).
 */
export class TimersByDeadline1766500000000 implements MigrationInterface {
  name = 'TimersByDeadline1766500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX timers_deadline ON timers (deadline_key)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX timers_deadline');
  }
}
