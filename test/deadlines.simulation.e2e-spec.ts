import { Database } from '../src/database/database';
import { formatSimulation } from '../src/cli/commands/simulate';
import { SEED_TITLE } from './deadlines.support';
import { startWithSeedBody } from './support/seed-body-app';
import { testDatabaseKinds, type TestApp } from './support/test-app';

interface Entry {
  date: string;
  kind: 'event' | 'reminder' | 'recorded';
  what: string;
  outcome: string;
  bodyId: string;
  bodyTitle: string;
}

describe.each(testDatabaseKinds())('POST /api/simulations (%s)', (kind) => {
  let t: TestApp;
  let id: string;

  beforeEach(async () => {
    ({ t, body: id } = await startWithSeedBody(kind, '2024-06-13T09:00:00Z'));
  });

  afterEach(() => t.close());

  async function dump(): Promise<string> {
    const db = t.app.get(Database);
    const tables = ['bodies', 'events', 'deadlines', 'timers', 'outbox', 'sessions', 'decisions', 'contacts'];
    const parts = await Promise.all(tables.map((table) => db.query(`SELECT * FROM ${table} ORDER BY 1`)));
    return JSON.stringify(parts);
  }

  it('runs the seed body’s period day by day on a copy and lists system events and reminders in order', async () => {
    const before = await dump();
    const { body } = await t.http.post('/api/simulations').send({ from: '2024-06-01', to: '2025-04-30' }).expect(200);

    const line = (e: Entry) => `${e.date} ${e.kind} ${e.kind === 'reminder' ? e.what.split(' – ')[0] : e.what}`;
    const events = (body.entries as Entry[]).filter((e) => e.kind !== 'reminder').map(line);
    expect(events).toEqual([
      '2024-06-03 recorded registered',
      '2024-06-05 recorded submitted',
      '2024-06-12 recorded approved',
      '2024-06-17 event started',
      '2024-12-02 event reportDue',
      '2024-12-03 event reportOverdue',
      '2024-12-31 event termExpiring',
      '2025-04-01 event termExpired',
    ]);
    const reminders = (body.entries as Entry[]).filter((e) => e.kind === 'reminder').map(line);
    expect(reminders.slice(0, 5)).toEqual([
      '2024-11-04 reminder Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 28 Tage)',
      '2024-11-25 reminder Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 7 Tage)',
      '2024-12-02 reminder Heute fällig: Zwischenbericht',
      '2024-12-09 reminder Überfällig seit 03.12.2024: Zwischenbericht',
      '2024-12-16 reminder Überfällig seit 03.12.2024: Zwischenbericht',
    ]);
    expect(reminders.filter((r) => r.includes('Laufzeit'))).toEqual([
      '2024-12-31 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 90 Tage)',
      '2025-03-01 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 30 Tage)',
      '2025-03-24 reminder Erinnerung: Laufzeit endet am 31.03.2025 (noch 7 Tage)',
      '2025-04-01 reminder Laufzeit mit Ablauf des 31.03.2025 abgelaufen, Beschluss erforderlich',
    ]);
    const dates = (body.entries as Entry[]).map((e) => e.date);
    expect([...dates].sort()).toEqual(dates);
    expect(body.entries.every((e: Entry) => e.bodyId === id && e.bodyTitle === SEED_TITLE)).toBe(true);
    expect(body.summary).toEqual({ systemEvents: 5, reminders: 3 + 12 + 4, recordedEvents: 3, refused: 0 });

    expect(await dump()).toBe(before);

    const printed = formatSimulation(body).split('\n');
    expect(printed).toContain(`02.12.2024  Systemereignis  Bericht fällig (reportDue) – ${SEED_TITLE}`);
    expect(printed).toContain(`04.11.2024  Erinnerung      Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 28 Tage) – ${SEED_TITLE}`);
    expect(printed).toContain(`01.04.2025  Erinnerung      Laufzeit mit Ablauf des 31.03.2025 abgelaufen, Beschluss erforderlich – ${SEED_TITLE}`);
    expect(printed.at(-2)).toBe('Zeitraum 01.06.2024 bis 30.04.2025: 5 Systemereignisse, 19 Erinnerungen, 3 erfasste Ereignisse.');
  });

  it('shows only what falls into the period', async () => {
    const { body } = await t.http.post('/api/simulations').send({ from: '2024-11-25', to: '2024-12-03' }).expect(200);
    expect(body.entries.map((e: Entry) => `${e.date} ${e.kind}`)).toEqual([
      '2024-11-25 reminder',
      // Due at the same instant: the system event first, then the reminder that follows its state.
      '2024-12-02 event',
      '2024-12-02 reminder',
      '2024-12-03 event',
    ]);
  });

  it('refuses a period that ends before it begins, in German', async () => {
    const { body } = await t.http.post('/api/simulations').send({ from: '2025-04-30', to: '2024-06-01' }).expect(400);
    expect(body.message).toContain('Das Ende (to) liegt vor dem Beginn (from).');
  });
});
