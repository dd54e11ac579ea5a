import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Before a write decides, it fires the body's system events that fell due, earliest first, one
 * at a time. The index by body, status and time also holds the body's reminders, which a long
 * idle time brings due by the hundred on a body with many report obligations: each look for the
 * next system event walked past all of them. This partial index holds the pending system-event
 * timers alone, in the order they fire.
 */
export class EventTimersByBody1767500002000 implements MigrationInterface {
  name = 'EventTimersByBody1767500002000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX timers_body_events_due ON timers (body_id, due_at, key) WHERE status = 'pending' AND kind <> 'reminder'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX timers_body_events_due');
  }
}
