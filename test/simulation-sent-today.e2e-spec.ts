/**
 * Simulating from today, reminders the scheduler has written today already are listed as they
 * stand in the log and are not counted among the reminders the simulation writes: as `sent` (the
 * CLI: „heute bereits verschickt“) once a message of theirs went out (a real SMTP server and
 * webhook receiver take them), as `queued` („heute bereits geschrieben, wartet im Postausgang“)
 * while they wait in the outbox.
 */
import { formatSimulation } from '../src/cli/commands/simulate';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import type { SimulationEntry, SimulationResult } from '../src/simulation/simulation.service';
import { seedBodyRig } from './support/reminder-rig';
import { startWithSeedBody } from './support/seed-body-app';
import { testDatabaseKinds, type TestApp } from './support/test-app';

/** `2024-12-31 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 90 Tage) sent`. */
const line = (e: SimulationEntry) => `${e.date} ${e.kind} ${e.kind === 'reminder' ? e.what.split(' – ')[0] : e.what} ${e.outcome}`;
const reminders = (result: SimulationResult) => result.entries.filter((e) => e.kind === 'reminder').map(line);

describe.each(testDatabaseKinds())('simulation from today with reminders written today already (%s)', (kind) => {
  let t: TestApp;

  /** The seed body (approved until 31.03.2025, Zwischenbericht overdue since 03.12.2024) on 31.12.2024, 90 days before its term ends. */
  beforeEach(async () => {
    ({ t } = await startWithSeedBody(kind, '2024-12-31T10:00:00Z'));
  });

  afterEach(() => t.close());

  const simulate = async () => (await t.http.post('/api/simulations').send({ from: '2024-12-31', to: '2025-01-10' }).expect(200)).body as SimulationResult;

  it('lists the reminders written today and waiting in the outbox as queued, not as sent, and does not count them', async () => {
    await t.app.get(SchedulerService).sweep();
    t.clock.set('2024-12-31T12:00:00Z');

    const result = await simulate();

    expect(reminders(result)).toEqual([
      '2024-12-31 reminder Überfällig seit 03.12.2024: Zwischenbericht queued',
      '2024-12-31 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 90 Tage) queued',
      '2025-01-06 reminder Überfällig seit 03.12.2024: Zwischenbericht written',
    ]);
    expect(result.summary.reminders).toBe(1);
    const printed = formatSimulation(result);
    expect(printed).toContain('(noch 90 Tage) – Weiterentwicklung Struktur OZG Föderal  (heute bereits geschrieben, wartet im Postausgang)');
    expect(printed).toContain('1 Erinnerung (dazu 2 heute bereits geschrieben, noch nicht verschickt)');
    expect(printed).not.toContain('bereits verschickt)');
  });

  it('counts the same reminders as written when the scheduler has not sent them yet today', async () => {
    const result = await simulate();

    // The overdue report's reminder fell due yesterday: the scheduler was behind, so it is not of the period.
    expect(reminders(result)).toEqual([
      '2024-12-31 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 90 Tage) written',
      '2025-01-06 reminder Überfällig seit 03.12.2024: Zwischenbericht written',
    ]);
    expect(result.summary.reminders).toBe(2);
    const printed = formatSimulation(result);
    expect(printed).not.toContain('bereits verschickt');
    expect(printed).toContain('2 Erinnerungen,');
  });
});

describe.each(testDatabaseKinds())('simulation from today with reminders sent today already (%s)', (kind) => {
  const seedBody = seedBodyRig(kind, []);

  it('lists the reminders sent today as sent, not as written, and does not count them', async () => {
    const { t, hooks, remindOn } = await seedBody();
    await remindOn('2024-12-31T10:00:00Z');
    expect(hooks.map((h) => h.receivedOn)).toEqual(['2024-12-31', '2024-12-31']);
    t.clock.set('2024-12-31T12:00:00Z');

    const result = (await t.http.post('/api/simulations').send({ from: '2024-12-31', to: '2025-01-10' }).expect(200)).body as SimulationResult;

    expect(reminders(result)).toEqual([
      '2024-12-31 reminder Überfällig seit 03.12.2024: Zwischenbericht sent',
      '2024-12-31 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 90 Tage) sent',
      '2025-01-06 reminder Überfällig seit 03.12.2024: Zwischenbericht written',
    ]);
    expect(result.entries.filter((e) => e.outcome === 'sent').map((e) => e.at)).toEqual(['2024-12-31T10:00:00.000Z', '2024-12-31T10:00:00.000Z']);
    expect(result.summary.reminders).toBe(1);
    const printed = formatSimulation(result);
    expect(printed).toContain('31.12.2024  Erinnerung      Erinnerung: Laufzeit endet am 31.03.2025 (noch 90 Tage) – Weiterentwicklung Struktur OZG Föderal  (heute bereits verschickt)');
    expect(printed).toContain('1 Erinnerung (dazu 2 heute bereits verschickt)');
    expect(printed).not.toMatch(/06\.01\.2025.*bereits verschickt/);
  });
});
