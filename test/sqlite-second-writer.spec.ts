/**
 * Why one SQLite file takes one service (src/database/service-lock.ts), and when a local CLI
 * command may write beside it. A second writer on the file is another process with its own
 * connection and its own memory of what it wrote: while it holds the file's write lock the
 * service stops altogether, and the Fristen it derives with other settings the service does not
 * correct (it keeps in memory that the rows it wrote are the ones it derives). With the
 * service's settings, a local command's writes are seen as if the service had made them.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../config/configuration';
import { loadRemindersConfig } from '../config/reminders';
import { SECRETARIAT } from '../src/auth/actor';
import { runCli, type CliIo } from '../src/cli/cli';
import { Database } from '../src/database/database';
import type { ServiceLock } from '../src/database/service-lock';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { DecisionsService } from '../src/decisions/decisions.service';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { lockDatabase } from '../src/start-checks';
import { APPROVING_DECISION, deadlineRows, deadlinesEnv, registrationWithReports } from './deadlines.support';
import { openTestDatabase, startTestContext, type TestContext } from './support/test-app';

const ROOT = join(__dirname, '..');

/** Two contexts on one SQLite file, each with the settings given (as two processes would have them). */
async function twoWriters(service: Record<string, string>, other: Record<string, string>) {
  const { config, cleanup } = await openTestDatabase('sqlite');
  const started: TestContext[] = [];
  for (const env of [service, other]) {
    const restore = deadlinesEnv(env);
    try {
      started.push(await startTestContext({ databaseConfig: config, now: '2024-06-20T09:00:00Z' }));
    } finally {
      restore();
    }
  }
  const [a, b] = started;
  return {
    file: (config as { file: string }).file,
    service: a,
    other: b,
    close: async () => {
      await a.close();
      await b.close();
      cleanup();
    },
  };
}

/** A started body with three interim reports in 2030, registered and approved by the service. */
async function startedBody(service: TestContext): Promise<string> {
  const lifecycle = service.context.get(LifecycleService);
  const { bodyId } = await lifecycle.register(registrationWithReports(3, '2030-01'), SECRETARIAT);
  await lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
  await service.context.get(DecisionsService).record({ ...APPROVING_DECISION, effects: [{ body: bodyId, effect: 'approved', data: { approvedUntil: '2031-03-31' } }] }, SECRETARIAT);
  await lifecycle.execute({ bodyId, type: 'approved', data: { approvedUntil: '2031-03-31' }, decision: APPROVING_DECISION.number }, SECRETARIAT);
  await lifecycle.execute({ bodyId, type: 'started', occurredAt: '2024-06-17' }, SECRETARIAT);
  return bodyId;
}

/** The body's Fristen and timers as written, and as the service derives them from scratch (in a unit of work it rolls back). */
async function writtenAndFromScratch(service: TestContext, bodyId: string) {
  const db = service.context.get(Database);
  const written = await deadlineRows(db, bodyId);
  let scratch: Awaited<ReturnType<typeof deadlineRows>> | null = null;
  await db
    .transaction(async (tx) => {
      await service.context.get(DeadlinesService).rederiveAll(tx);
      scratch = await deadlineRows(tx, bodyId);
      throw new Error('only looked');
    })
    .catch(() => undefined);
  return { written, scratch: scratch! };
}

const participants = (who: string, occurredAt: string) => ({ type: 'participantsChanged', data: { participants: [who] }, occurredAt }) as const;

describe('a second writer on the SQLite file of a service', () => {
  test('while it holds the file’s write lock the service runs nothing at all, and after five seconds its write fails', async () => {
    const writers = await twoWriters({}, {});
    try {
      const bodyId = await startedBody(writers.service);
      // Another process in a long transaction (a second service's catch-up or migrations, a calendar change over every body).
      const script = `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(writers.file)}); db.exec('BEGIN IMMEDIATE'); console.log('gesperrt'); setTimeout(() => db.exec('COMMIT'), 8000);`;
      const holder = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => holder.stdout!.once('data', resolve));
      let turns = 0;
      const loop = setInterval(() => turns++, 50);
      const began = Date.now();
      const outcome = await writers.service.context
        .get(LifecycleService)
        .execute({ bodyId, ...participants('Land Hessen', '2024-06-18') }, SECRETARIAT)
        .then(
          () => 'geschrieben',
          (error: { code?: string }) => error.code,
        );
      const waited = Date.now() - began;
      clearInterval(loop);
      holder.kill();
      expect(outcome).toBe('SQLITE_BUSY');
      expect(waited).toBeGreaterThanOrEqual(4900);
      // Not one turn of the event loop in those five seconds: no request answered, no timer fired.
      expect(turns).toBe(0);
    } finally {
      await writers.close();
    }
  }, 30_000);

  test('Fristen it derived with other settings stay as it wrote them after the service writes to the body', async () => {
    const writers = await twoWriters({ REMINDER_REPORT_DAYS_BEFORE: '28,7' }, { REMINDER_REPORT_DAYS_BEFORE: '14' });
    try {
      const bodyId = await startedBody(writers.service);
      await writers.other.context.get(LifecycleService).execute({ bodyId, ...participants('Land Hessen', '2024-06-18') }, SECRETARIAT);
      await writers.service.context.get(LifecycleService).execute({ bodyId, ...participants('Land Berlin', '2024-06-19') }, SECRETARIAT);
      const { written, scratch } = await writtenAndFromScratch(writers.service, bodyId);
      const reminderDays = (rows: typeof written) =>
        rows.timers.filter((t) => t.kind === 'reminder' && String(t.deadline_key).endsWith('/report/r1')).map((t) => String(t.due_on)).sort();
      // The service reminds 28 and 7 days before the first report's Frist (31.01.2030) and on its day; the rows still say 14.
      expect(reminderDays(scratch)).toEqual(['2030-01-03', '2030-01-24', '2030-01-31']);
      expect(reminderDays(written)).toEqual(['2030-01-17', '2030-01-31']);
    } finally {
      await writers.close();
    }
  });

  test('with the service’s settings its writes are seen by the service: Fristen, timers and projection follow every write', async () => {
    const writers = await twoWriters({}, {});
    try {
      const bodyId = await startedBody(writers.service);
      const [service, other] = [writers.service, writers.other].map((t) => t.context.get(LifecycleService));
      await other.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r1' }, occurredAt: '2024-06-18' }, SECRETARIAT);
      await service.execute({ bodyId, ...participants('Land Berlin', '2024-06-19') }, SECRETARIAT);
      await other.execute({ bodyId, type: 'reportRequested', data: { kind: 'Jahresbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2031-01-31' } }, occurredAt: '2024-06-20' }, SECRETARIAT);
      await service.execute({ bodyId, type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2024-06-20' }, SECRETARIAT);
      const { written, scratch } = await writtenAndFromScratch(writers.service, bodyId);
      expect(written).toEqual(scratch);
      const [row] = await writers.service.context.get(Database).query<{ version: number | string }>('SELECT version FROM bodies WHERE id = ?', [bodyId]);
      expect(Number(row.version)).toBe(8);
    } finally {
      await writers.close();
    }
  });
});

describe('a local command of the CLI beside a service on the same SQLite file', () => {
  let restoreEnv: () => void;
  let file: string;
  let cleanup: () => void;
  let lock: ServiceLock | null = null;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    ({ cleanup } = await openTestDatabase('sqlite').then(({ config, cleanup }) => {
      file = (config as { file: string }).file;
      return { cleanup };
    }));
  });
  afterEach(() => {
    lock?.release();
    lock = null;
    cleanup();
    restoreEnv();
  });

  /** The service's start took the file's lock with the settings of `env`, as `npm start` does (src/start-checks.ts). */
  const serviceStarted = (env: Record<string, string>) => {
    const environment = { DATABASE_URL: file, PORT: '3000', ...env };
    lock = lockDatabase(loadConfig(environment), loadRemindersConfig(environment), 'DATABASE_URL');
  };

  async function cli(argv: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), stdin: async () => Buffer.alloc(0), env: { DATABASE_URL: file, ...env } };
    return { code: await runCli(argv, io), stdout, stderr };
  }

  test('runs with the service’s settings', async () => {
    serviceStarted({ DEADLINE_LAND: 'BY' });
    const list = await cli(['list'], { DEADLINE_LAND: 'by' });
    expect([list.code, list.stderr]).toEqual([0, '']);
  });

  test('with other settings of the Fristen it is refused before it opens the database, naming each setting and the way to the service', async () => {
    serviceStarted({ DEADLINE_LAND: 'BY', REMINDER_REPORT_DAYS_BEFORE: '28,7' });
    const list = await cli(['list'], { REMINDER_REPORT_DAYS_BEFORE: '14' });
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(
      new RegExp(
        `^Abgelehnt: Auf der Datenbank ${file} \\(DATABASE_URL\\) läuft der Gremienlauf-Dienst \\(PID ${process.pid}, Port 3000, seit [0-9.]+, [0-9:]+ Uhr MES?Z\\) ` +
          'mit anderen Einstellungen der Fristen \\(DEADLINE_LAND dort BY, hier BUND; REMINDER_REPORT_DAYS_BEFORE dort 28,7, hier 14\\); ' +
          'ein lokaler Befehl würde Fristen anders ableiten, und der Dienst würde sie nicht berichtigen – den Befehl mit --url http://localhost:3000 \\(und --token\\) an den Dienst richten oder hier dieselben Einstellungen setzen\\.\\n$',
      ),
    );
    // Refused before the database was opened: not even migrated.
    const { existsSync } = await import('node:fs');
    expect(existsSync(file)).toBe(false);
  });

  test('settings without effect are not compared: without reminders after the due date, their interval and number do not matter', async () => {
    serviceStarted({ REMINDER_REPORT_OVERDUE_EVERY_DAYS: '0', REMINDER_REPORT_OVERDUE_MAX: '12' });
    const list = await cli(['list'], { REMINDER_REPORT_OVERDUE_EVERY_DAYS: '7', REMINDER_REPORT_OVERDUE_MAX: '0' });
    expect([list.code, list.stderr]).toEqual([0, '']);
    const other = await cli(['list'], { REMINDER_REPORT_OVERDUE_EVERY_DAYS: '7', REMINDER_REPORT_OVERDUE_MAX: '12' });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      '(REMINDER_REPORT_OVERDUE_EVERY_DAYS dort aus (keine Mahnungen nach Fälligkeit), hier 7; REMINDER_REPORT_OVERDUE_MAX dort aus (keine Mahnungen nach Fälligkeit), hier 12)',
    );
  });

  test('with other settings and no service on the file it runs', async () => {
    serviceStarted({ DEADLINE_LAND: 'BY' });
    lock!.release();
    lock = null;
    const list = await cli(['list']);
    expect([list.code, list.stderr]).toEqual([0, '']);
  });
});
