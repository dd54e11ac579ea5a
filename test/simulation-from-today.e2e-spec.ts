import { Database } from '../src/database/database';
import { formatSimulation } from '../src/cli/commands/simulate';
import { LifecycleService } from '../src/lifecycle/lifecycle.service';
import type { SimulationEntry, SimulationResult } from '../src/simulation/simulation.service';
import { startWithSeedBody } from './support/seed-body-app';
import { testDatabaseKinds, type TestApp } from './support/test-app';

/** What the simulation says of one day: `2027-04-01 event termExpiring appended`. */
const line = (e: SimulationEntry) => `${e.date} ${e.kind} ${e.kind === 'reminder' ? e.what.split(' – ')[0] : e.what} ${e.outcome}`;

const LEAD = { id: 'lead-s', role: 'lead' };

describe.each(testDatabaseKinds())('simulation from today starts from the state as recorded (%s)', (kind) => {
  let t: TestApp;
  let body: string;

  /**
   * Today, 05.12.2026: the seed body's term (until 31.03.2025) lapsed long ago; the Geschäftsstelle
   * extends it to 30.06.2027 by Beschluss 2026/30, its lead submits the overdue Zwischenbericht
   * and asks for a longer term, and Beschluss 2026/30 is withdrawn afterwards.
   */
  beforeEach(async () => {
    ({ t, body } = await startWithSeedBody(kind, '2026-12-05T08:00:00Z'));
    const effects = [{ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } }];
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/30', issuer: 'IT-PLR', date: '2026-12-05', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects })
      .expect(201);
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'extended', data: { approvedUntil: '2027-06-30' }, decision: '2026/30' }).expect(200);
    t.clock.set('2026-12-05T09:00:00Z');
    const lifecycle = t.app.get(LifecycleService);
    await lifecycle.execute({ bodyId: body, type: 'reportSubmitted', data: { obligationId: 'r1' } }, LEAD);
    t.clock.set('2026-12-05T09:30:00Z');
    await lifecycle.execute({ bodyId: body, type: 'extensionRequested', data: { approvedUntil: '2027-12-31', justification: 'Die Ergebnisse brauchen ein weiteres Halbjahr.' } }, LEAD);
    t.clock.set('2026-12-05T10:00:00Z');
    await t.http.post('/api/decisions/IT-PLR/2026%2F30/withdrawal').send({ reason: 'Formfehler im Umlaufverfahren' }).expect(200);
    t.clock.set('2026-12-05T12:00:00Z');
  });

  afterEach(() => t.close());

  const simulate = async (from: string, to: string) =>
    (await t.http.post('/api/simulations').send({ from, to }).expect(200)).body as SimulationResult;

  async function dump(): Promise<string> {
    const db = t.app.get(Database);
    const tables = ['bodies', 'events', 'deadlines', 'timers', 'outbox', 'sessions', 'decisions', 'decision_events', 'contacts'];
    return JSON.stringify(await Promise.all(tables.map((table) => db.query(`SELECT * FROM ${table} ORDER BY 1`))));
  }

  /** The body's term from here on, as `GET /api/reminders` and the Fristen hold it. */
  const TERM_AHEAD = [
    '2027-04-01 event termExpiring appended',
    '2027-04-01 reminder Erinnerung: Laufzeit endet am 30.06.2027 (noch 90 Tage) written',
    '2027-05-31 reminder Erinnerung: Laufzeit endet am 30.06.2027 (noch 30 Tage) written',
    '2027-06-23 reminder Erinnerung: Laufzeit endet am 30.06.2027 (noch 7 Tage) written',
    '2027-07-01 event termExpired appended',
    '2027-07-01 reminder Laufzeit mit Ablauf des 30.06.2027 abgelaufen, Beschluss erforderlich written',
  ];

  it('lists today’s recorded events as recorded, refuses none of them, and runs on from today’s state', async () => {
    const before = await dump();

    const result = await simulate('2026-12-05', '2027-07-15');

    expect(result.entries.filter((e) => e.kind === 'recorded').map(line)).toEqual([
      '2026-12-05 recorded extended recorded',
      '2026-12-05 recorded reportSubmitted recorded',
      '2026-12-05 recorded extensionRequested recorded',
    ]);
    expect(result.summary.refused).toBe(0);
    expect(formatSimulation(result)).not.toContain('abgelehnt');
    expect(result.entries.filter((e) => e.bodyId === body && e.date >= '2027-01-01').map(line)).toEqual(TERM_AHEAD);
    expect(await dump()).toBe(before);
  });

  it('keeps a body whose extension cites a decision withdrawn since, from the day after today', async () => {
    const before = await dump();

    const result = await simulate('2026-12-06', '2027-07-15');

    expect(result.entries.filter((e) => e.bodyId === body).map(line)).toEqual(TERM_AHEAD);
    expect(result.entries.every((e) => e.bodyTitle === 'Weiterentwicklung Struktur OZG Föderal')).toBe(true);
    expect(result.summary).toEqual({ systemEvents: 2, reminders: 4, recordedEvents: 0, refused: 0 });
    expect(await dump()).toBe(before);
  });

  it('replays a past day’s lead events and an extension whose decision was withdrawn later as recorded', async () => {
    t.clock.set('2026-12-07T12:00:00Z');

    const result = await simulate('2026-12-05', '2027-07-15');

    expect(result.entries.filter((e) => e.kind === 'recorded').map(line)).toEqual([
      '2026-12-05 recorded extended recorded',
      '2026-12-05 recorded reportSubmitted recorded',
      '2026-12-05 recorded extensionRequested recorded',
    ]);
    expect(result.summary.refused).toBe(0);
    expect(result.entries.filter((e) => e.bodyId === body && e.date >= '2027-01-01').map(line)).toEqual(TERM_AHEAD);
  });
});
