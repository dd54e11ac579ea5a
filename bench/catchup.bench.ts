/**
 * Catch-up after downtime: bodies approved and started in June 2024, each with three reports and
 * a term until 31.03.2025, then the service is down until today. The first start drains every
 * due timer — system events dated at their due instants, reminders of which only the latest of
 * each series goes out, the rest superseded — in one sweep.
 * Run: npm run bench:catchup (BENCH_CATCHUP_BODIES, default 100: about 5,700 due timers;
 * BENCH_CATCHUP_REPORTS, see REPORTS). Meanwhile a body without reports is written to again and
 * again: the longest of those writes is how long the catch-up holds up a user.
 * SQLite file in a temp folder (the defaults); BENCH_DATABASE_URL=postgres://… runs it on an
 * emptied PostgreSQL database instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { databaseConfig, type DatabaseConfig } from '../config/configuration';
import { createApp } from '../src/app';
import { SECRETARIAT } from '../src/auth/actor';
import { Clock } from '../src/common/clock';
import { Database } from '../src/database/database';
import { SchedulerService, type SweepEntry } from '../src/deadlines/scheduler.service';
import { DecisionsService } from '../src/decisions/decisions.service';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { testConfig } from '../test/support/test-config';

const BODIES = Number(process.env.BENCH_CATCHUP_BODIES ?? 100);
const TARGET_SECONDS = 10;

const THREE_REPORTS = [
  { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-09' } },
  { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2024-11' } },
  { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: { kind: 'date', date: '2025-02-28' } },
];

/**
 * BENCH_CATCHUP_REPORTS=N gives every body N interim reports instead, due on the 15th of a month
 * from July 2024 to March 2025 in turn: with BENCH_CATCHUP_BODIES=1, one body with many
 * obligations that fires thousands of system events on its own.
 */
const REPORTS = process.env.BENCH_CATCHUP_REPORTS
  ? Array.from({ length: Number(process.env.BENCH_CATCHUP_REPORTS) }, (_, i) => {
      const month = ['2024-07', '2024-08', '2024-09', '2024-10', '2024-11', '2024-12', '2025-01', '2025-02', '2025-03'][i % 9];
      return { kind: 'Zwischenbericht', addressee: 'AL-Runde', due: { kind: 'date', date: `${month}-15` } };
    })
  : THREE_REPORTS;

async function emptyDatabase(): Promise<{ config: DatabaseConfig; cleanup: () => void; label: string }> {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const client = new Client({ connectionString: url });
    await client.connect();
    await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await client.end();
    return { config: databaseConfig(url), cleanup: () => undefined, label: 'PostgreSQL' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'gremienlauf-catchup-'));
  return { config: databaseConfig(join(dir, 'bench.sqlite')), cleanup: () => rmSync(dir, { recursive: true, force: true }), label: 'SQLite file (WAL, synchronous=FULL)' };
}

/** Before the downtime: the bodies are approved and started, their timers derived; returns the id of the one without reports, which is written to during the sweep. */
async function recordBodies(config: DatabaseConfig): Promise<string> {
  const app = await createApp(testConfig(config), { logger: false });
  await app.init();
  const clock = app.get(Clock);
  const lifecycle = app.get(LifecycleService);
  clock.set('2024-06-13T10:00:00Z');
  const bodyIds: string[] = [];
  for (let i = 0; i < BODIES; i++) {
    const { bodyId } = await lifecycle.register({ ...EXAMPLE_REGISTRATION, title: `Projektgruppe ${i + 1}`, reports: REPORTS, registeredAt: '2024-06-03' }, SECRETARIAT);
    await lifecycle.execute({ bodyId, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
    bodyIds.push(bodyId);
  }
  const { bodyId: probe } = await lifecycle.register({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe ohne Berichte', reports: [], registeredAt: '2024-06-03' }, SECRETARIAT);
  await lifecycle.execute({ bodyId: probe, type: 'submitted', occurredAt: '2024-06-05' }, SECRETARIAT);
  bodyIds.push(probe);
  const approval = { approvedUntil: '2025-03-31' };
  await app.get(DecisionsService).record(
    {
      number: '2024/09-AL',
      issuer: 'AL-Runde',
      date: '2024-06-13',
      procedure: 'Umlaufverfahren',
      type: 'Beschluss',
      title: 'Einrichtung',
      effects: bodyIds.map((body) => ({ body, effect: 'approved', data: approval })),
    },
    SECRETARIAT,
  );
  for (const bodyId of bodyIds) await lifecycle.execute({ bodyId, type: 'approved', data: approval, decision: '2024/09-AL' }, SECRETARIAT);
  clock.set('2024-06-17T08:00:00Z');
  await app.get(SchedulerService).sweep();
  await app.close();
  return probe;
}

/**
 * Writes to the body while `sweeping` runs, one after the other with a pause between: how long
 * a user's write waits while the sweep catches the others up (every write shares SQLite's one
 * writer with it). Its own few due events it catches up itself with the first write.
 */
async function probeWrites(lifecycle: LifecycleService, bodyId: string, sweeping: Promise<unknown>): Promise<number[]> {
  let done = false;
  void sweeping.finally(() => (done = true));
  const waits: number[] = [];
  for (let i = 0; !done; i++) {
    const start = performance.now();
    await lifecycle.execute({ bodyId, type: 'participantsChanged', data: { participants: [`Land ${i}`] } }, SECRETARIAT);
    waits.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return waits;
}

async function main(): Promise<void> {
  process.env.SCHEDULER_ENABLED = 'false';
  const db = await emptyDatabase();
  const probe = await recordBodies(db.config);

  const now = new Date().toISOString();
  const before = await Database.open(db.config);
  /** The pending timers due by now; with `kind`, only those of that kind. */
  const dueTimers = async (database: Database, kind?: string) =>
    Number(
      (
        await database.query<{ n: number | string }>(
          `SELECT COUNT(*) AS n FROM timers WHERE status = 'pending' AND due_at <= ?${kind ? ' AND kind = ?' : ''}`,
          kind ? [now, kind] : [now],
        )
      )[0].n,
    );
  const due = await dueTimers(before);
  const dueReminders = await dueTimers(before, 'reminder');
  await before.close();

  // The restart: the scheduler's own start sweep, on the real clock.
  process.env.SCHEDULER_ENABLED = 'true';
  const started = performance.now();
  const cpu = process.cpuUsage();
  const app = await createApp(testConfig(db.config), { logger: false });
  await app.init();
  // Shares the start sweep (or is it, if the start timeout has not fired yet).
  const sweeping = app.get(SchedulerService).sweep();
  const waits = await probeWrites(app.get(LifecycleService), probe, sweeping);
  const entries: SweepEntry[] = await sweeping;
  const sweepEnd = performance.now();
  const cpuUsed = process.cpuUsage(cpu);
  const left = await dueTimers(app.get(Database));
  await app.close();
  db.cleanup();

  const by = (kind: SweepEntry['kind'], outcome: SweepEntry['outcome']) => entries.filter((e) => e.kind === kind && e.outcome === outcome).length;
  const seconds = (sweepEnd - started) / 1000;
  console.log(`Gremienlauf catch-up benchmark: ${BODIES} bodies with ${REPORTS.length} reports each and one without (written to during the sweep), down from June 2024 until ${now.slice(0, 10)}, ${db.label}, Node ${process.version}`);
  console.log(`due timers at start               ${due} (${due - dueReminders} system events, ${dueReminders} reminders)`);
  console.log(`system events appended            ${by('event', 'appended')} (refused: ${by('event', 'refused')})`);
  console.log(`reminders written                 ${by('reminder', 'written')}`);
  console.log(`reminders superseded              ${by('reminder', 'superseded')}`);
  console.log(`still due after the first sweep   ${left}`);
  console.log(`start + sweep                     ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s), CPU ${((cpuUsed.user + cpuUsed.system) / 1e6).toFixed(2)} s`);
  console.log(`a write to another body meanwhile ${waits.length} writes, longest wait ${Math.max(...waits).toFixed(0)} ms, median ${[...waits].sort((a, b) => a - b)[Math.floor(waits.length / 2)].toFixed(0)} ms`);
  if (left > 0) throw new Error(`${left} timers still due after the first sweep`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
