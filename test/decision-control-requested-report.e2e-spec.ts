/**
 * The Beschlusskontrolle follows the very report a decision requested, also where the body owes
 * another of the same kind, addressee and Frist: the one its registration planned, or one another
 * decision requested alike. Before, the first such report stood for every request, so a request
 * showed „erledigt“ once the planned report was taken note of while the requested one was open.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a requested report in the Beschlusskontrolle on %s', (database) => {
  let t: TestApp;
  let body: string;
  const november = { kind: 'month', month: '2026-11' };
  const report = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: november };
  const path = (number: string) => `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;
  const decide = (number: string, date: string, type: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type, title: `Beschluss ${number}`, effects }).expect(201);
  const rowsOf = async (number: string) =>
    ((await t.http.get('/api/decision-control?issuer=IT-PLR').expect(200)).body as any[])
      .filter((r) => r.decision.number === number)
      .map((r) => ({ obligationId: r.report?.obligationId ?? null, state: r.state }));

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    // Planned by the form: a Zwischenbericht to the IT-Planungsrat in November 2026 (r1).
    body = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Alpha', parent: 'IT-PLR', expectedEnd: null, reports: [report], registeredAt: '2026-01-05' }).expect(201)).body.id;
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await decide('2026/01', '2026-01-15', 'Beschluss', [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]);
    await t.http.post(`${path('2026/01')}/apply`).send({}).expect(200);
    // Two decisions each ask for one more alike (r2, r3).
    await decide('2026/20', '2026-06-10', 'Auftrag', [{ body, effect: 'reportRequested', data: report }]);
    await decide('2026/21', '2026-06-11', 'Auftrag', [{ body, effect: 'reportRequested', data: report }]);
    await t.http.post(`${path('2026/20')}/apply`).send({}).expect(200);
    await t.http.post(`${path('2026/21')}/apply`).send({}).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('each request is followed by the report it created: the planned one taken note of leaves both due; each is done once its own is', async () => {
    const obligations = (await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations as any[];
    expect(obligations.map((o) => [o.id, o.requested?.decision ?? null])).toEqual([
      ['r1', null],
      ['r2', '2026/20'],
      ['r3', '2026/21'],
    ]);
    const send = async (event: object) => {
      const answer = await t.http.post(`/api/bodies/${body}/events`).send(event);
      expect([answer.status, answer.body.message]).toEqual([200, undefined]);
    };
    const handIn = (id: string, on: string) => send({ type: 'reportSubmitted', data: { obligationId: id }, occurredAt: on });
    const takeNote = (id: string, on: string) => send({ type: 'reportAcknowledged', data: { obligationId: id }, occurredAt: on });

    await handIn('r1', '2026-11-20');
    await takeNote('r1', '2026-11-23');
    expect(await rowsOf('2026/20')).toEqual([{ obligationId: 'r2', state: 'dueSoon' }]);
    expect(await rowsOf('2026/21')).toEqual([{ obligationId: 'r3', state: 'dueSoon' }]);

    await handIn('r3', '2026-11-24');
    await takeNote('r3', '2026-11-27');
    expect(await rowsOf('2026/20')).toEqual([{ obligationId: 'r2', state: 'dueSoon' }]);
    expect(await rowsOf('2026/21')).toEqual([{ obligationId: 'r3', state: 'done' }]);
  });

  test('a request taken over by the decision that replaces a withdrawn one is followed by the report the withdrawn one’s event created', async () => {
    await decide('2026/30', '2026-11-24', 'Auftrag', [{ body, effect: 'reportRequested', data: report }]);
    await t.http.post(`${path('2026/30')}/apply`).send({ occurredAt: '2026-11-27' }).expect(200);
    await t.http.post(`${path('2026/30')}/withdrawal`).send({ reason: 'unter falscher Nummer erfasst, richtig ist 2026/31' }).expect(200);
    const replacing = await t.http
      .post('/api/decisions')
      .send({ number: '2026/31', issuer: 'IT-PLR', date: '2026-11-24', procedure: 'Umlaufverfahren', type: 'Auftrag', title: 'Beschluss 2026/31', effects: [{ body, effect: 'reportRequested', data: report }], replaces: '2026/30' });
    expect(replacing.status).toBe(201);
    expect(await rowsOf('2026/30')).toEqual([{ obligationId: 'r4', state: 'replaced' }]);
    expect(await rowsOf('2026/31')).toEqual([{ obligationId: 'r4', state: 'dueSoon' }]);
  });
});
