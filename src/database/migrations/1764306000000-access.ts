import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Access control: users (argon2 password hash, role, for leads the contact that links them to
 * their bodies), API tokens and web sessions. Tokens and session ids are stored only as
 * SHA-256 hashes: a copy of the database lets nobody sign in. Portable SQL, instants as ISO
 * 8601 UTC strings.
 */
export class Access1764306000000 implements MigrationInterface {
  name = 'Access1764306000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE users (
      id varchar(36) PRIMARY KEY,
      username varchar(64) NOT NULL,
      role varchar(20) NOT NULL,
      contact_id varchar(36),
      password_hash text,
      created_at varchar(30) NOT NULL,
      created_by varchar(64) NOT NULL,
      disabled_at varchar(30),
      CONSTRAINT users_username UNIQUE (username)
    )`);
    await q.query(`CREATE TABLE api_tokens (
      id varchar(36) PRIMARY KEY,
      user_id varchar(36) NOT NULL REFERENCES users (id),
      token_hash varchar(64) NOT NULL,
      label varchar(100) NOT NULL,
      created_at varchar(30) NOT NULL,
      created_by varchar(64) NOT NULL,
      last_used_at varchar(30),
      revoked_at varchar(30),
      CONSTRAINT api_tokens_hash UNIQUE (token_hash)
    )`);
    await q.query('CREATE INDEX api_tokens_user ON api_tokens (user_id)');
    await q.query(`CREATE TABLE auth_sessions (
      id_hash varchar(64) PRIMARY KEY,
      user_id varchar(36) NOT NULL REFERENCES users (id),
      created_at varchar(30) NOT NULL,
      last_seen_at varchar(30) NOT NULL,
      expires_at varchar(30) NOT NULL
    )`);
    await q.query('CREATE INDEX auth_sessions_user ON auth_sessions (user_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE auth_sessions');
    await q.query('DROP TABLE api_tokens');
    await q.query('DROP TABLE users');
  }
}
