import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { databaseConfig, DEFAULT_ISSUERS, type AppConfig, type DatabaseConfig } from '../../config/configuration';
import { createApp } from '../../src/app';
import { Clock } from '../../src/common/clock';

/**
 * The database the tests run on: a fresh SQLite file in a temp folder, or, with
 * TEST_DATABASE_URL=postgres://…, that PostgreSQL database emptied first.
 */
export function testDatabase(): { config: DatabaseConfig; cleanup: () => void } {
  const url = process.env.TEST_DATABASE_URL;
  if (url) return { config: databaseConfig(url), cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-test-'));
  return { config: databaseConfig(join(dir, 'test.sqlite')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function testConfig(database: DatabaseConfig, overrides: Partial<AppConfig> = {}): AppConfig {
  return { port: 0, host: '127.0.0.1', database, issuers: DEFAULT_ISSUERS, seedExample: false, bodyLimit: 1024 * 1024, ...overrides };
}

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof request>;
  clock: Clock;
  close(): Promise<void>;
}

/** The whole application on a real database, with the clock frozen at `now`. */
export async function startTestApp(options: { now?: string; config?: Partial<AppConfig> } = {}): Promise<TestApp> {
  const db = testDatabase();
  const app = await createApp(testConfig(db.config, options.config), { logger: false });
  const clock = app.get(Clock);
  clock.set(options.now ?? '2026-11-28T09:00:00Z');
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: request(app.getHttpServer()),
    clock,
    async close() {
      await app.close();
      db.cleanup();
    },
  };
}
