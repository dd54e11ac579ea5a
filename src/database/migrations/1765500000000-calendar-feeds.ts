import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subscribable calendar feeds: a secret URL per feed (stored as its SHA-256 only), owned by one
 * user, optionally narrowed to one body, revocable.
 */
export class CalendarFeeds1765500000000 implements MigrationInterface {
  name = 'CalendarFeeds1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE calendar_feeds (
      id varchar(36) PRIMARY KEY,
      user_id varchar(36) NOT NULL REFERENCES users (id),
      token_hash varchar(64) NOT NULL UNIQUE,
      body_id varchar(36),
      label varchar(100),
      created_at varchar(30) NOT NULL,
      revoked_at varchar(30)
    )`);
    await q.query('CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE calendar_feeds');
  }
}
