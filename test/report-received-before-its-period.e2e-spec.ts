/**
 * A later period of a recurring report begins when the period before it opens it (falls due,
 * is handed in or waived): its report cannot have come in before that day. The day it came in
 * (`receivedOn`) was checked only against the body's registration and the day it is recorded,
 * so a report for the December period could be recorded as received in September, before that
 * period even began.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a later period’s report said to have come in before the period began, on %s', (database) => {
  let t: TestApp;
  let body: string;
  const version = async () => (await t.http.get(`/api/bodies/${body}`).expect(200)).body.version as number;
  const obligations = async () => ((await t.http.get(`/api/bodies/${body}`).expect(200)).body.context.obligations as Array<{ id: string; state: string; submittedOn: string | null }>).map((o) => [o.id, o.state, o.submittedOn]);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-12-03T09:00:00Z', database });
    const quarterly = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2026-09' }, recurrence: { everyMonths: 3 } };
    body = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, start: '2026-06-01', expectedEnd: null, reports: [quarterly], registeredAt: '2026-05-04' }).expect(201)).body.id as string;
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-05-05' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/41', issuer: 'IT-PLR', date: '2026-05-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await t.http.post(`/api/decisions/IT-PLR/${encodeURIComponent('2026/41')}/apply`).send({}).expect(200);
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'started', occurredAt: '2026-06-01' }).expect(200);
    // The September period fell due on 30.09. and so opened the December period; its report came in on 25.09.
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', receivedOn: '2026-09-25' } }).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('the December period’s report received on 29.09., before the period began on 30.09., is refused at receivedOn; nothing is written', async () => {
    expect(await obligations()).toEqual([
      ['r1', 'submitted', '2026-09-25'],
      ['r2', 'pending', null],
    ]);
    const before = await version();
    const refused = await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r2', receivedOn: '2026-09-29' } });
    expect(refused.status).toBe(422);
    const message =
      'Der Eingang des Berichts (29.09.2026) liegt vor dem 30.09.2026, an dem die Berichtspflicht „r2“ (Zwischenbericht, 2. Berichtszeitraum) begann; ein Bericht für sie kann nicht früher eingegangen sein.';
    expect(refused.body.message).toBe(message);
    expect(refused.body.details).toMatchObject({ path: 'data.receivedOn', violations: [message] });
    expect(await version()).toBe(before);
    expect(await obligations()).toEqual([
      ['r1', 'submitted', '2026-09-25'],
      ['r2', 'pending', null],
    ]);
  });

  test('received on the day the period began, it is recorded as handed in then', async () => {
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r2', receivedOn: '2026-09-30' } }).expect(200);
    expect((await obligations()).slice(0, 2)).toEqual([
      ['r1', 'submitted', '2026-09-25'],
      ['r2', 'submitted', '2026-09-30'],
    ]);
  });
});
