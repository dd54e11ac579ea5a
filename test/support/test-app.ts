import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import request from 'supertest';
import { databaseConfig, type AppConfig, type DatabaseConfig } from '../../config/configuration';
import { createApp } from '../../src/app';
import { AppModule } from '../../src/app.module';
import { AuthService } from '../../src/auth/auth.service';
import type { UserRole } from '../../src/auth/roles';
import type { SecurityEntry } from '../../src/auth/security-log';
import { Clock } from '../../src/common/clock';
import type { InstanceRegistration } from '../../src/database/instance-registry';
import { TEST_SECRETARIAT_TOKEN, testConfig } from './test-config';

// The token and the configuration live apart, so that a benchmark can start the service without the test tooling.
export { TEST_SECRETARIAT_TOKEN, testConfig };

export type TestDatabaseKind = 'sqlite' | 'postgres';

let noticePrinted = false;

/**
 * The databases the service and e2e tests run on: a fresh SQLite file always, and PostgreSQL
 * when TEST_DATABASE_URL names one (as .ci/run does). Without it the PostgreSQL runs are
 * skipped with a notice, so a fresh clone still passes.
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  if (process.env.TEST_DATABASE_URL) return ['sqlite', 'postgres'];
  if (!noticePrinted) {
    noticePrinted = true;
    process.stderr.write('Hinweis: PostgreSQL-Tests übersprungen (TEST_DATABASE_URL ist nicht gesetzt; .ci/run setzt sie).\n');
  }
  return ['sqlite'];
}

/**
 * The environment a test app on `database` runs with: the process's. Its signing key lies beside
 * a SQLite file; on PostgreSQL the service's default is ./data/signing-key.pem of the working
 * directory, which would be the checkout's: there, unless the environment names a key, every test
 * app uses one file in the temporary directory instead (shared, as instances on one database
 * share their key).
 */
export function testEnvironment(database: DatabaseConfig, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  if (database.kind !== 'postgres' || env.GREMIENLAUF_SIGNING_KEY || env.GREMIENLAUF_SIGNING_KEY_FILE) return env;
  return { ...env, GREMIENLAUF_SIGNING_KEY_FILE: join(tmpdir(), 'gremienlauf-test-signing-key.pem') };
}

/** A fresh, empty database of the given kind; `cleanup` removes it. */
export async function openTestDatabase(kind: TestDatabaseKind = 'sqlite'): Promise<{ config: DatabaseConfig; cleanup: () => void }> {
  if (kind === 'postgres') {
    const url = process.env.TEST_DATABASE_URL;
    if (!url) throw new Error('TEST_DATABASE_URL is not set');
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await client.end();
    return { config: databaseConfig(url), cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-test-'));
  return { config: databaseConfig(join(dir, 'test.sqlite')), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

type Http = ReturnType<typeof request.agent>;

export interface TestApp {
  app: NestFastifyApplication;
  /** HTTP as the secretariat (the bootstrap token is sent with every request). */
  http: Http;
  /** HTTP without any credentials. */
  anonymous: ReturnType<typeof request>;
  /** HTTP with the given API token. */
  as(token: string): Http;
  /** A new user of the role with an API token (leads need the contact that links them to their bodies). */
  user(role: UserRole, options?: { username?: string; contactId?: string; password?: string }): Promise<{ username: string; token: string; http: Http }>;
  /** The security log's entries so far. */
  securityLog: SecurityEntry[];
  clock: Clock;
  config: AppConfig;
  close(): Promise<void>;
}

export interface TestOptions {
  now?: string;
  config?: Partial<AppConfig>;
  database?: TestDatabaseKind;
  /** Reuse this database (e.g. a second instance on the same PostgreSQL) instead of a fresh one. */
  databaseConfig?: DatabaseConfig;
  /** The place among the instances of the PostgreSQL database that this app serves as (left when it closes). */
  registration?: InstanceRegistration;
}

/** The whole application over HTTP on a real database, with the clock frozen at `now`. */
export async function startTestApp(options: TestOptions = {}): Promise<TestApp> {
  const db = options.databaseConfig ? { config: options.databaseConfig, cleanup: () => undefined } : await openTestDatabase(options.database);
  const config = testConfig(db.config, options.config);
  const securityLog: SecurityEntry[] = [];
  const app = await createApp(config, { logger: false, securityLog: (entry) => securityLog.push(entry), env: testEnvironment(config.database), registration: options.registration });
  const clock = app.get(Clock);
  clock.set(options.now ?? '2026-11-28T09:00:00Z');
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const as = (token: string) => request.agent(app.getHttpServer()).set('Authorization', `Bearer ${token}`);
  let users = 0;
  return {
    app,
    http: as(config.auth?.bootstrapToken ?? TEST_SECRETARIAT_TOKEN),
    anonymous: request(app.getHttpServer()),
    as,
    async user(role, { username = `${role}-${++users}`, contactId, password } = {}) {
      const auth = app.get(AuthService);
      await auth.createUser({ username, role, ...(contactId ? { contactId } : {}), ...(password ? { password } : {}) }, 'test');
      const { token } = await auth.createToken(username, {}, 'test');
      return { username, token, http: as(token) };
    },
    securityLog,
    clock,
    config,
    async close() {
      await app.close();
      db.cleanup();
    },
  };
}

/**
 * `startTestApp` with the scheduler running by itself, as in production (tests switch it off),
 * its interval an hour: a sweep within a test is the start's or one the app begins itself.
 */
export async function startTestAppWithScheduler(options: TestOptions = {}): Promise<TestApp> {
  const env = { SCHEDULER_ENABLED: process.env.SCHEDULER_ENABLED, SCHEDULER_INTERVAL_SECONDS: process.env.SCHEDULER_INTERVAL_SECONDS };
  Object.assign(process.env, { SCHEDULER_ENABLED: 'true', SCHEDULER_INTERVAL_SECONDS: '3600' });
  return startTestApp(options).finally(() => {
    for (const [name, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

export interface TestContext {
  context: INestApplicationContext;
  clock: Clock;
  config: AppConfig;
  close(): Promise<void>;
}

/** The services without HTTP (the "medium" tier): real database, frozen clock. */
export async function startTestContext(options: TestOptions = {}): Promise<TestContext> {
  const db = options.databaseConfig ? { config: options.databaseConfig, cleanup: () => undefined } : await openTestDatabase(options.database);
  const config = testConfig(db.config, options.config);
  const context = await NestFactory.createApplicationContext(AppModule.forRoot(config, { env: testEnvironment(config.database) }), { logger: false, abortOnError: false });
  await context.init();
  const clock = context.get(Clock);
  clock.set(options.now ?? '2026-11-28T09:00:00Z');
  return {
    context,
    clock,
    config,
    async close() {
      await context.close();
      db.cleanup();
    },
  };
}
