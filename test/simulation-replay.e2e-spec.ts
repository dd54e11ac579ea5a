import { startWithSeedBody } from './support/seed-body-app';
import { testDatabaseKinds, type TestApp } from './support/test-app';
import { formatSimulation } from '../src/cli/commands/simulate';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import type { SimulationEntry, SimulationResult } from '../src/simulation/simulation.service';

/** What the simulation says of one day: `2024-09-15 recorded transferred recorded`. */
const line = (e: SimulationEntry) => `${e.date} ${e.kind} ${e.kind === 'reminder' ? e.what.split(' – ')[0] : e.what} ${e.outcome}`;

describe.each(testDatabaseKinds())('simulation replays what was recorded (%s)', (kind) => {
  let t: TestApp;
  let seed: string;

  beforeEach(async () => {
    ({ t, body: seed } = await startWithSeedBody(kind));
  });

  afterEach(() => t.close());

  const simulate = async (from: string, to: string) =>
    (await t.http.post('/api/simulations').send({ from, to }).expect(200)).body as SimulationResult;

  async function registerSuccessor(title: string, registeredAt?: string): Promise<string> {
    const { body } = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title, contacts: [], ...(registeredAt ? { registeredAt } : {}) })
      .expect(201);
    return body.id as string;
  }

  /** Closure initiated on 01.09.2024, then its final report (r2) waived and the body transferred into `successor` by Beschluss 2024/40 of `on`. */
  async function transfer(successor: string, on: string): Promise<void> {
    await t.http
      .post(`/api/bodies/${seed}/events`)
      .send({ type: 'closureInitiated', data: { finalReportDue: { kind: 'untilFurtherNotice' } }, occurredAt: '2024-09-01' })
      .expect(200);
    const data = { successor: { name: 'PG Nachfolge', bodyId: successor } };
    const waived = { obligationId: 'r2', reason: 'Die Ergebnisse gehen in die Nachfolge ein.' };
    const effects = [
      { body: seed, effect: 'reportWaived', data: waived },
      { body: seed, effect: 'transferred', data },
    ];
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/40', issuer: 'IT-PLR', date: on, procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Überführung', effects })
      .expect(201);
    await t.http.post(`/api/bodies/${seed}/events`).send({ type: 'reportWaived', data: waived, decision: '2024/40', occurredAt: on }).expect(200);
    await t.http.post(`/api/bodies/${seed}/events`).send({ type: 'transferred', data, decision: '2024/40', occurredAt: on }).expect(200);
  }

  it('replays a transfer into a registered successor as recorded, not refused', async () => {
    const successor = await registerSuccessor('PG Nachfolge', '2024-06-05');
    t.clock.set('2024-09-15T10:00:00Z');
    await transfer(successor, '2024-09-15');

    const result = await simulate('2024-09-01', '2024-09-30');

    expect(result.entries.filter((e) => e.kind === 'recorded').map(line)).toEqual([
      '2024-09-01 recorded closureInitiated recorded',
      '2024-09-15 recorded reportWaived recorded',
      '2024-09-15 recorded transferred recorded',
    ]);
    expect(result.summary.refused).toBe(0);
    expect(formatSimulation(result)).not.toContain('abgelehnt');
  });

  it('replays a transfer dated before its successor was registered', async () => {
    // Registered on 20.09. (today), the transfer recorded afterwards with the decision's date 15.09.
    t.clock.set('2024-09-20T10:00:00Z');
    const successor = await registerSuccessor('PG Nachfolge');
    await transfer(successor, '2024-09-15');

    const result = await simulate('2024-09-01', '2024-09-30');

    expect(result.entries.filter((e) => e.kind === 'recorded' && e.bodyId === seed).map(line)).toEqual([
      '2024-09-01 recorded closureInitiated recorded',
      '2024-09-15 recorded reportWaived recorded',
      '2024-09-15 recorded transferred recorded',
    ]);
    expect(result.summary.refused).toBe(0);
  });

  it('dates a reminder that was late when its Frist was set on the day it goes out, counting from that day', async () => {
    // On 04.03.2025 the term (until 31.03.) is extended to 01.04.: its 30-day reminder (02.03.) is late from the start.
    t.clock.set('2025-03-04T10:00:00Z');
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/05', issuer: 'IT-PLR', date: '2025-03-04', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects: [{ body: seed, effect: 'extended', data: { approvedUntil: '2025-04-01' } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${seed}/events`).send({ type: 'extended', data: { approvedUntil: '2025-04-01' }, decision: '2025/05' }).expect(200);

    const result = await simulate('2025-02-25', '2025-03-31');

    expect(result.entries.filter((e) => e.kind === 'reminder' || e.kind === 'recorded').map(line)).toEqual([
      '2025-03-01 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 30 Tage) written',
      '2025-03-04 recorded extended recorded',
      '2025-03-04 reminder Erinnerung: Laufzeit endet am 01.04.2025 (noch 28 Tage) written',
      '2025-03-25 reminder Erinnerung: Laufzeit endet am 01.04.2025 (noch 7 Tage) written',
    ]);
  });
});
