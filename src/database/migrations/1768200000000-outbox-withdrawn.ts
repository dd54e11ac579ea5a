import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message of the outbox can be withdrawn instead of sent: a reminder whose Frist was met,
 * waived or moved, or whose body ended, before it went out. The message keeps status
 * `withdrawn`, when that was found (`withdrawn_at`) and why, in German (`withdrawn_reason`).
 */
export class OutboxWithdrawn1768200000000 implements MigrationInterface {
  name = 'OutboxWithdrawn1768200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox ADD COLUMN withdrawn_at varchar(30)');
    await q.query('ALTER TABLE outbox ADD COLUMN withdrawn_reason text');
  }

  async down(q: QueryRunner): Promise<void> {
    // Taken back, a withdrawn message must not turn into one waiting to be sent: it counts as dead.
    await q.query(`UPDATE outbox SET status = 'dead', last_error = withdrawn_reason WHERE status = 'withdrawn'`);
    await q.query('ALTER TABLE outbox DROP COLUMN withdrawn_reason');
    await q.query('ALTER TABLE outbox DROP COLUMN withdrawn_at');
  }
}
