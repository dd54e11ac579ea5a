/**
 * Simulating from today, system events the scheduler has appended today already are listed as
 * they stand in the log, as `logged` (the CLI: „heute bereits erfasst“), and are not counted
 * among the system events the simulation appends; events people recorded today stay `recorded`.
 */
import { formatSimulation } from '../src/cli/commands/simulate';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import type { SimulationEntry, SimulationResult } from '../src/simulation/simulation.service';
import { startWithSeedBody } from './support/seed-body-app';
import { testDatabaseKinds, type TestApp } from './support/test-app';

/** `2024-12-31 event termExpiring logged`. */
const line = (e: SimulationEntry) => `${e.date} ${e.kind} ${e.kind === 'reminder' ? e.what.split(' – ')[0] : e.what} ${e.outcome}`;

describe.each(testDatabaseKinds())('simulation from today with system events appended today already (%s)', (kind) => {
  let t: TestApp;
  let body: string;

  /** The seed body (approved until 31.03.2025) on 31.12.2024, the day its term is 90 days from its end. */
  beforeEach(async () => {
    ({ t, body } = await startWithSeedBody(kind, '2024-12-31T10:00:00Z'));
  });

  afterEach(() => t.close());

  const simulate = async (to: string) => (await t.http.post('/api/simulations').send({ from: '2024-12-31', to }).expect(200)).body as SimulationResult;
  const events = (result: SimulationResult) => result.entries.filter((e) => e.kind !== 'reminder').map(line);

  it('lists the system events appended today as logged, not as appended, and does not count them', async () => {
    await t.app.get(SchedulerService).sweep();
    t.clock.set('2024-12-31T11:00:00Z');
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    t.clock.set('2024-12-31T12:00:00Z');

    const result = await simulate('2025-04-01');

    expect(events(result)).toEqual([
      '2024-12-31 event termExpiring logged',
      '2024-12-31 recorded reportSubmitted recorded',
      '2025-04-01 event termExpired appended',
    ]);
    // Logged at the instant it fell due, the start of the day, as the scheduler appended it.
    expect(result.entries.filter((e) => e.outcome === 'logged').map((e) => e.at)).toEqual(['2024-12-30T23:00:00.000Z']);
    expect(result.summary).toMatchObject({ systemEvents: 1, recordedEvents: 1, refused: 0 });
    const printed = formatSimulation(result);
    expect(printed).toContain('31.12.2024  Systemereignis  Laufzeitende naht (termExpiring) – Weiterentwicklung Struktur OZG Föderal  (heute bereits erfasst)');
    expect(printed).toMatch(/^31\.12\.2024 {2}erfasst {8}[^\n]*\(reportSubmitted\) – Weiterentwicklung Struktur OZG Föderal$/m);
    expect(printed).toContain('Zeitraum 31.12.2024 bis 01.04.2025: 1 Systemereignis (dazu 1 heute bereits erfasst), ');
    expect(printed).toContain(', 1 erfasstes Ereignis.');
    expect(printed).not.toMatch(/^01\.04\.2025.*bereits erfasst/m);
  });

  it('counts the same system event as appended when the scheduler has not appended it yet today', async () => {
    t.clock.set('2024-12-31T12:00:00Z');

    const result = await simulate('2025-01-10');

    expect(events(result)).toEqual(['2024-12-31 event termExpiring appended']);
    expect(result.summary).toMatchObject({ systemEvents: 1, recordedEvents: 0 });
    const printed = formatSimulation(result);
    expect(printed).not.toContain('bereits erfasst');
    expect(printed).toContain('Zeitraum 31.12.2024 bis 10.01.2025: 1 Systemereignis, ');
  });
});
