/**
 * Days typed the German way (TT.MM.JJJJ, where no date picker helps) are read where a form post
 * is parsed, for every form: a handler that does nothing about it gets ISO days in its day
 * fields. Nothing else of a post is touched (a title or a password that looks like a day arrives
 * as sent), and the API, which takes JSON with ISO days only, still refuses a German one.
 */
import { approvedBodies } from './support/approved-bodies';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('days typed as TT.MM.JJJJ in web forms on %s', (database) => {
  let t: TestApp;
  const history = async (body: string) => (await t.http.get(`/api/bodies/${body}/history`).expect(200)).body.events as any[];

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
  }, 60_000);
  afterAll(() => t.close());

  test('„Beschluss umsetzen“, whose handler converts nothing itself, takes „Datum des Ereignisses“ typed as TT.MM.JJJJ', async () => {
    const [body] = await approvedBodies(t, [{ title: 'Arbeitsgruppe Umsetzung' }]);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/20-AL', issuer: 'AL-Runde', date: '2026-03-02', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Entfristung', effects: [{ body, effect: 'madePermanent' }] })
      .expect(201);

    const applied = await t.http.post('/beschluesse/umsetzen').type('form').send({ issuer: 'AL-Runde', number: '2026/20-AL', effect: '0', body, occurredAt: '3.3.2026' }).expect(303);
    expect(applied.headers.location).toBe(`/gremien/${body}?erfolg=umgesetzt&typ=madePermanent&beschluss=2026%2F20-AL#history`);
    const last = (await history(body)).at(-1);
    expect(last).toMatchObject({ type: 'madePermanent', occurredAt: '2026-03-02T23:00:00.000Z', decision: { number: '2026/20-AL' } });
  });

  test('„Gremium registrieren“ reads its start typed as TT.MM.JJJJ and keeps a title and an objective that look like days as typed', async () => {
    const created = await t.http
      .post('/gremien')
      .type('form')
      .send({
        title: '01.02.2024',
        kind: 'Projektgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Digitale Anwendungen',
        leads: 'Hessen',
        start: ' 1.4.2026 ',
        objective: '05.02.2026',
        'reports[0].addressee': 'IT-Planungsrat',
      })
      .expect(303);
    const id = created.headers.location.split('/')[2].split('?')[0];
    const body = (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
    expect(body.title).toBe('01.02.2024');
    expect(body.context.profile).toMatchObject({ start: '2026-04-01', objective: '05.02.2026' });
  });

  test('a password that looks like a day signs in as it was typed', async () => {
    const password = '  01.02.2024';
    await t.user('reader', { username: 'tag-passwort', password });
    await t.anonymous.post('/anmelden').type('form').send({ username: 'tag-passwort', password: '2024-02-01' }).expect(401);
    const signedIn = await t.anonymous.post('/anmelden').type('form').send({ username: 'tag-passwort', password, weiter: '/fristen' }).expect(303);
    expect(signedIn.headers.location).toBe('/fristen');
  });

  test('the API still refuses a day typed as TT.MM.JJJJ with a 400 at its field, and records nothing', async () => {
    const before = (await t.http.get('/api/bodies').expect(200)).body.length;
    const refused = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe JSON', start: '01.04.2026', expectedEnd: null, reports: [] })
      .expect(400);
    expect(refused.body.details).toEqual([{ path: 'start', message: expect.stringMatching(/JJJJ-MM-TT/) }]);
    expect((await t.http.get('/api/bodies').expect(200)).body.length).toBe(before);
  });

  test('a form post with a field named __proto__ is refused with a 400 that names it, and records nothing', async () => {
    const before = (await t.http.get('/api/bodies').expect(200)).body.length;
    const refused = await t.http.post('/gremien').type('form').send('__proto__=x&title=Projektgruppe+Proto&start=01.04.2026').expect(400);
    expect(refused.text).toContain('Ein Feld namens „__proto__“ wird nicht angenommen.');
    expect((await t.http.get('/api/bodies').expect(200)).body.length).toBe(before);
  });
});
