/**
 * What a decision may order and an event may carry out: a successor structure is another body,
 * registered, whose life has not ended by the day the work passes to it; a Kenntnisnahme or an
 * Empfehlung sets up, extends or ends no body.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('the successor of a body, on %s', (database) => {
  let t: TestApp;
  let a: string;
  let b: string;

  const send = (body: string, command: object) => t.http.post(`/api/bodies/${body}/events`).send(command);
  const record = (number: string, date: string, effects: object[]) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects });

  /** A and B approved for good by 2026/50; B dissolved by 2026/51 on 01.03.2026; A's closure initiated on 01.04.2026, its final report noted. */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    const register = async (title: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    a = await register('Projektgruppe Vorgänger');
    b = await register('Projektgruppe Aufgelöst');
    for (const body of [a, b]) await send(body, { type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await record('2026/50', '2026-01-15', [a, b].map((body) => ({ body, effect: 'approved', data: { permanent: true } }))).expect(201);
    for (const body of [a, b]) await send(body, { type: 'approved', decision: '2026/50', data: { permanent: true } }).expect(200);
    await record('2026/51', '2026-03-01', [{ body: b, effect: 'dissolved', data: {} }]).expect(201);
    await send(b, { type: 'dissolved', decision: '2026/51', data: {} }).expect(200);
    await send(a, { type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2026-06-30' } }, occurredAt: '2026-04-01' }).expect(200);
    // A transfer is an orderly closure: A's final report (r2) handed in and noted, so the transfer is offered.
    await send(a, { type: 'reportSubmitted', data: { obligationId: 'r2' }, occurredAt: '2026-04-02' }).expect(200);
    await send(a, { type: 'reportAcknowledged', data: { obligationId: 'r2' }, occurredAt: '2026-04-03' }).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('a decision naming a body as its own successor, or one not registered, is refused where it is recorded, and nothing is recorded', async () => {
    const own = await record('2026/52', '2026-05-04', [{ body: a, effect: 'transferred', data: { successor: { name: 'Projektgruppe Vorgänger', bodyId: a } } }]).expect(400);
    expect(own.body.details).toEqual([{ path: 'effects[0].data.successor.bodyId', message: 'Ein Gremium kann nicht sein eigener Nachfolger sein.' }]);
    const unknown = '00000000-0000-4000-8000-000000000099';
    const missing = await record('2026/52', '2026-05-04', [{ body: a, effect: 'transferred', data: { successor: { name: 'Neu', bodyId: unknown } } }]).expect(400);
    expect(missing.body.details).toEqual([{ path: 'effects[0].data.successor.bodyId', message: `Nachfolgegremium ${unknown} ist nicht registriert.` }]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F52').expect(404);
  });

  test('an effect its event would refuse as saying a thing twice, or nothing, is refused where it is recorded', async () => {
    const twice = await record('2026/53', '2026-05-04', [
      { body: a, effect: 'leadsChanged', data: { added: ['Sachsen', 'Sachsen'] } },
      { body: a, effect: 'participantsChanged', data: { added: [] } },
    ]).expect(400);
    expect(twice.body.details).toEqual([
      { path: 'effects[0].data.added[1]', message: '„Sachsen“ steht bereits in effects[0].data.added[0].' },
      { path: 'effects[1].data.added', message: 'Keine Änderung angegeben.' },
    ]);
    await t.http.get('/api/decisions/IT-PLR/2026%2F53').expect(404);
  });

  test('the Gremium page offers no ended body as successor, and tells bodies of the same title apart', async () => {
    const twin = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Nachfolge', registeredAt: '2026-01-05' }).expect(201)).body.id;
    const twin2 = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Nachfolge', registeredAt: '2026-01-05' }).expect(201)).body.id;
    const page = (await t.http.get(`/gremien/${a}`).expect(200)).text;
    const select = page.slice(page.indexOf('id="aktion-transferred-successor-bodyId"'), page.indexOf('</select>', page.indexOf('id="aktion-transferred-successor-bodyId"')));
    expect(select).not.toContain(`value="${b}"`);
    expect(select).toContain(`<option value="${twin}">Projektgruppe Nachfolge (${twin.slice(0, 8)})</option>`);
    expect(select).toContain(`<option value="${twin2}">Projektgruppe Nachfolge (${twin2.slice(0, 8)})</option>`);
  });

  test('nothing passes into a body dissolved before the day of the transfer; the history stays as it was', async () => {
    const transfer = { body: a, effect: 'transferred', data: { successor: { name: 'Projektgruppe Aufgelöst', bodyId: b } } };
    // Decided after the end, it could never be carried out: refused where it is written down.
    const decided = await record('2026/53', '2026-05-04', [transfer]).expect(400);
    expect(decided.body.details).toEqual([
      {
        path: 'effects[0].data.successor.bodyId',
        message: 'Das Nachfolgegremium „Projektgruppe Aufgelöst“ ist seit dem 01.03.2026 beendet; in eine beendete Struktur geht die Arbeit nicht über (Beschluss vom 04.05.2026).',
      },
    ]);
    // Decided before the end, it is carried out too late.
    await record('2026/53', '2026-02-20', [transfer]).expect(201);
    const before = (await t.http.get(`/api/bodies/${a}/history`).expect(200)).body.events.length;
    const refused = await send(a, { type: 'transferred', decision: '2026/53', data: transfer.data, occurredAt: '2026-05-04' }).expect(422);
    expect(refused.body.message).toBe(
      'Das Nachfolgegremium „Projektgruppe Aufgelöst“ ist seit dem 01.03.2026 beendet; in eine beendete Struktur geht die Arbeit nicht über (Ereignisdatum 04.05.2026).',
    );
    expect(refused.body.details.path).toBe('data.successor.bodyId');
    expect((await t.http.get(`/api/bodies/${a}/history`).expect(200)).body.events).toHaveLength(before);
  });
});

describe('what a decision of each type may order', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2026-01-05' }).expect(201)).body.id;
  });
  afterAll(() => t.close());

  const record = (number: string, type: string, effect: string, data: object = {}) =>
    t.http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date: '2026-02-10', procedure: 'Umlaufverfahren', type, title: number, effects: [{ body: id, effect, data }] });

  test('a Kenntnisnahme sets up no body and an Empfehlung extends none; only a Beschluss or Auftrag orders that', async () => {
    const noted = await record('2026/60', 'Kenntnisnahme', 'approved', { approvedUntil: '2026-12-31' }).expect(400);
    expect(noted.body.details).toEqual([
      { path: 'effects[0].effect', message: 'Eine Kenntnisnahme nimmt zur Kenntnis (etwa einen Bericht); „Eingerichtet (Beschluss)“ ordnet nur ein Beschluss oder Auftrag an.' },
    ]);
    const recommended = await record('2026/60', 'Empfehlung', 'extended', { approvedUntil: '2027-12-31' }).expect(400);
    expect(recommended.body.details[0].message).toMatch(/^Eine Empfehlung empfiehlt; „Verlängert“ ordnet nur ein Beschluss oder Auftrag an\.$/);
    await record('2026/60', 'Kenntnisnahme', 'reportAcknowledged', { obligationId: 'r1' }).expect(201);
    await record('2026/61', 'Auftrag', 'approved', { approvedUntil: '2026-12-31' }).expect(201);
    // Changing the type of a decision with effects it could then not order is refused at the type.
    const retyped = await t.http.patch('/api/decisions/IT-PLR/2026%2F61').send({ type: 'Empfehlung', reason: 'Art berichtigt' }).expect(400);
    expect(retyped.body.details).toEqual([{ path: 'type', message: expect.stringContaining('Eine Empfehlung empfiehlt') }]);
  });
});
