import { deadlinesEnv, recordSeedBody } from './deadlines.support';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('Zeitleiste: a term that lapsed before its extension (%s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;

  beforeEach(async () => {
    restoreEnv = deadlinesEnv();
    t = await startTestApp({ database: kind });
  });

  afterEach(async () => {
    await t.close();
    restoreEnv();
  });

  it('draws the time between expiry and extension as „Laufzeit abgelaufen“, in the picture and in the table', async () => {
    // Approved until 31.03.2025; the term expires on 01.04.2025; extended only on 05.12.2026 until 30.06.2027.
    const body = await recordSeedBody(t);
    t.clock.set('2026-12-05T09:00:00Z');
    const effects = [{ body, effect: 'extended', data: { approvedUntil: '2027-06-30' } }];
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/30', issuer: 'IT-PLR', date: '2026-12-05', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects })
      .expect(201);
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'extended', data: { approvedUntil: '2027-06-30' }, decision: '2026/30' }).expect(200);

    const page = (await t.http.get('/zeitleiste').expect(200)).text;

    expect(page).toContain('<title>Laufzeit abgelaufen vom 01.04.2025 bis zur Verlängerung am 05.12.2026, ohne Beschluss</title>');
    expect(page).toContain('Laufzeit abgelaufen vom 01.04.2025 bis zur Verlängerung am 05.12.2026</span>');
    expect(page).toContain('class="legend-lapse"');
  });
});
