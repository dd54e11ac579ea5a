/**
 * Exactly once, for real: a scheduler process is killed (SIGKILL) in the middle of appending a
 * system event, and another process on the same SQLite file picks up. On PostgreSQL, two
 * instances sweep the same database at the same moment.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DatabaseConfig } from '../config/configuration';
import { Database } from '../src/database/database';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody } from './deadlines.support';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const ROOT = resolve(__dirname, '..');

/** Boots the whole application in a child process and kills it inside the `reportDue` transaction. */
const dyingScheduler = (file: string) => `
const swc = require('@swc/core');
const options = {
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2022' },
  module: { type: 'commonjs' },
};
require.extensions['.ts'] = (module, file) => module._compile(swc.transformFileSync(file, options).code, file);
require('reflect-metadata');
(async () => {
  const { createApp } = require(${JSON.stringify(resolve(ROOT, 'src/app.ts'))});
  const { databaseConfig, DEFAULT_ISSUERS } = require(${JSON.stringify(resolve(ROOT, 'config/configuration.ts'))});
  const { Clock } = require(${JSON.stringify(resolve(ROOT, 'src/common/clock.ts'))});
  const { LifecycleService } = require(${JSON.stringify(resolve(ROOT, 'src/lifecycle/lifecycle.service.ts'))});
  const { SchedulerService } = require(${JSON.stringify(resolve(ROOT, 'src/deadlines/scheduler.service.ts'))});
  const config = { port: 0, host: '127.0.0.1', database: databaseConfig(${JSON.stringify(file)}), issuers: DEFAULT_ISSUERS, seedExample: false, bodyLimit: 1048576 };
  const app = await createApp(config, { logger: false });
  await app.init();
  app.get(Clock).set('2024-12-02T08:00:00Z');
  app.get(LifecycleService).addProjector(async (tx, { event }) => {
    if (event.type !== 'reportDue') return;
    const [row] = await tx.query("SELECT COUNT(*) AS n FROM events WHERE type = 'reportDue'");
    process.stdout.write('appended inside the transaction: ' + row.n + '\\n');
    process.kill(process.pid, 'SIGKILL');
  });
  await app.get(SchedulerService).sweep();
  process.stdout.write('survived\\n');
})().catch((error) => { console.error(error); process.exit(1); });
`;

/** Another instance of the application on the same database. */
const openApp = (databaseConfig: DatabaseConfig, now: string) => startTestApp({ databaseConfig, now });

async function systemEvents(t: TestApp): Promise<string[]> {
  const rows = await t.app
    .get(Database)
    .query<{ type: string; occurred_at: string }>(`SELECT type, occurred_at FROM events WHERE actor_id = 'system:scheduler' ORDER BY occurred_at, version`);
  return rows.map((r) => `${r.occurred_at} ${r.type}`);
}

describe.each(testDatabaseKinds())('exactly once across processes (%s)', (kind) => {
  let restoreEnv: () => void;
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  const open: TestApp[] = [];

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    db = await openTestDatabase(kind);
    const t = await openApp(db.config, '2024-06-03T09:00:00Z');
    await recordSeedBody(t);
    t.clock.set('2024-06-17T08:00:00Z');
    await t.app.get(SchedulerService).sweep();
    await t.close();
  });

  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
    db.cleanup();
    restoreEnv();
  });

  const onSqlite = kind === 'sqlite' ? it : it.skip;
  // SQLite has a single writer (DESIGN § 6); several instances are a PostgreSQL set-up. Two
  // connections in one process would also block each other's event loop on SQLite's lock.
  const onPostgres = kind === 'postgres' ? it : it.skip;

  onSqlite('a scheduler killed between claim and append loses nothing and doubles nothing', async () => {
    if (db.config.kind !== 'sqlite') throw new Error('needs a SQLite file');
    const child = spawnSync(process.execPath, ['-e', dyingScheduler(db.config.file)], {
      cwd: ROOT,
      env: { ...process.env, SCHEDULER_ENABLED: 'false' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.stderr).toBe('');
    expect(child.stdout).toBe('appended inside the transaction: 1\n');
    expect(child.signal).toBe('SIGKILL');

    const t = await openApp(db.config, '2024-12-02T08:00:00Z');
    open.push(t);
    expect(await systemEvents(t)).toEqual(['2024-06-16T22:00:00.000Z started']);
    const entries = await t.app.get(SchedulerService).sweep();
    expect(entries.filter((e) => e.kind === 'event').map((e) => `${e.outcome} ${e.what}`)).toEqual(['appended reportDue']);
    expect(await t.app.get(SchedulerService).sweep()).toEqual([]);
    expect(await systemEvents(t)).toEqual(['2024-06-16T22:00:00.000Z started', '2024-12-01T23:00:00.000Z reportDue']);
    const { body } = await t.http.get(`/api/deadlines?overdue=false`).expect(200);
    expect(body.find((d: { kind: string }) => d.kind === 'report').status).toBe('due');
  }, 150_000);

  onPostgres('two instances sweeping the same database at the same moment append each system event once', async () => {
    const a = await openApp(db.config, '2025-04-02T08:00:00Z');
    const b = await openApp(db.config, '2025-04-02T08:00:00Z');
    open.push(a, b);
    const [fromA, fromB] = await Promise.all([a.app.get(SchedulerService).sweep(), b.app.get(SchedulerService).sweep()]);
    const appended = [...fromA, ...fromB].filter((e) => e.kind === 'event' && e.outcome === 'appended').map((e) => e.what);
    expect(appended.sort()).toEqual(['reportDue', 'reportOverdue', 'termExpired', 'termExpiring']);
    const written = [...fromA, ...fromB].filter((e) => e.kind === 'reminder' && e.outcome === 'written');
    expect(new Set(written.map((e) => e.key)).size).toBe(written.length);
    expect(await systemEvents(a)).toEqual([
      '2024-06-16T22:00:00.000Z started',
      '2024-12-01T23:00:00.000Z reportDue',
      '2024-12-02T23:00:00.000Z reportOverdue',
      '2024-12-30T23:00:00.000Z termExpiring',
      '2025-03-31T22:00:00.000Z termExpired',
    ]);
  });
});
