/**
 * A body's planned start sets a timer at the start of that day. The Geschäftsstelle recording
 * `started` on that very day states the same fact, and the write path takes it: the timer due at
 * the instant of the command yields to it. The replay of past days must do the same, whether the
 * day lies in the period or before it.
 */
import { formatSimulation } from '../src/cli/commands/simulate';
import type { SimulationEntry, SimulationResult } from '../src/simulation/simulation.service';
import { startWithSeedBody } from './support/seed-body-app';
import { testDatabaseKinds, type TestApp } from './support/test-app';

/** What the simulation says of one body's day: `2024-06-17 recorded started recorded`. */
const line = (e: SimulationEntry) => `${e.date} ${e.kind} ${e.what} ${e.outcome}`;

describe.each(testDatabaseKinds())('simulation: a start recorded on the planned start day (%s)', (kind) => {
  let t: TestApp;
  let seed: string;

  beforeEach(async () => {
    // The seed body plans its start for 17.06.2024; the scheduler is off, so its timer is still pending.
    ({ t, body: seed } = await startWithSeedBody(kind, '2024-06-17T10:00:00Z'));
    await t.http.post(`/api/bodies/${seed}/events`).send({ type: 'started', occurredAt: '2024-06-17' }).expect(200);
    t.clock.set('2024-07-15T09:00:00Z');
  });

  afterEach(() => t.close());

  const simulate = async (from: string, to: string) => (await t.http.post('/api/simulations').send({ from, to }).expect(200)).body as SimulationResult;

  it('replays the recorded start in the period as recorded, and fires no start of its own', async () => {
    const result = await simulate('2024-06-01', '2024-06-30');

    const started = result.entries.filter((e) => e.bodyId === seed && e.what === 'started');
    expect(started.map(line)).toEqual(['2024-06-17 recorded started recorded']);
    expect(result.summary.refused).toBe(0);
    expect(result.refusedBefore).toEqual([]);
    expect(formatSimulation(result)).not.toContain('abgelehnt');
  });

  it('replays the recorded start before the period without naming it as not reproduced', async () => {
    const result = await simulate('2024-07-01', '2024-07-10');

    expect(result.refusedBefore).toEqual([]);
    expect(result.summary.refused).toBe(0);
    expect(formatSimulation(result)).not.toContain('Vor dem Zeitraum konnte die Simulation nicht nachvollziehen');
  });
});
