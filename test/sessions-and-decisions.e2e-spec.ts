/**
 * The Sitzungskalender and the decision register are checked against each other: a session's
 * day fits the issuer's other sessions (numbered in the order of their days) and the decisions
 * recorded as taken in it; a decision „in der 47. Sitzung“ bears the day the calendar knows for
 * it. Each refusal is a 400 at the field that is wrong and writes nothing.
 */
import { Database } from '../src/database/database';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

interface Issue {
  path: string;
  message: string;
}

describe.each(testDatabaseKinds())('the Sitzungskalender and the decision register on %s', (database) => {
  let t: TestApp;
  let body: string;

  const session = (number: number, date: string, issuer = 'IT-PLR') => t.http.post('/api/sessions').send({ issuer, number, date });
  const calendar = async () => ((await t.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body as Array<{ number: number; date: string }>).map((s) => `${s.number}: ${s.date}`);
  const storedSessions = () => t.app.get(Database).query('SELECT issuer, number, held_on, recorded_at, earlier_dates FROM sessions ORDER BY issuer, number');
  const storedDecisions = () => t.app.get(Database).query('SELECT stream, version, hash FROM decision_events ORDER BY stream, version');
  const yearlyReport = async () => {
    const deadlines = (await t.http.get(`/api/deadlines?body=${body}`).expect(200)).body as Array<{ kind: string; effectiveDate: string | null; description: string }>;
    return deadlines.filter((d) => d.kind === 'report').map((d) => [d.effectiveDate, d.description]);
  };
  const decision = (number: string, date: string, procedure: object, issuer = 'IT-PLR') =>
    t.http.post('/api/decisions').send({ number, issuer, date, ...procedure, type: 'Empfehlung', title: `Empfehlung ${number}` });
  const inSession = (session: number) => ({ procedure: 'Sitzung', session });
  const path = (number: string) => `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;
  const refusal = (response: { body: { details: Issue[] } }) => response.body.details;

  /**
   * Given the IT-PLR's 45. Sitzung on 19.03.2026 and its 47. Sitzung on 20.10.2026, and a body
   * whose Jahresbericht is due „zur ersten Sitzung 2027“ (not yet known).
   */
  beforeEach(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    await session(45, '2026-03-19').expect(201);
    await session(47, '2026-10-20').expect(201);
    const registered = await t.http
      .post('/api/bodies')
      .send({
        title: 'Kooperationsgruppe Jahresbericht',
        kind: 'Kooperationsgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Digitale Infrastruktur',
        leads: ['Bund'],
        start: '2026-02-01',
        permanent: true,
        reports: [{ kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'firstSession', issuer: 'IT-PLR', year: 2027 } }],
        registeredAt: '2026-01-05',
      })
      .expect(201);
    body = registered.body.id;
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/10', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body, effect: 'approved', data: { permanent: true } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${body}/events`).send({ type: 'approved', decision: '2026/10', data: { permanent: true }, occurredAt: '2026-01-15' }).expect(200);
  }, 60_000);
  afterEach(() => t.close());

  describe('sessions are numbered in the order of their days', () => {
    test('POST /api/sessions refuses the 46. Sitzung on 30.01.2027 after the 47. on 20.10.2026, naming the neighbours and their days, and writes nothing', async () => {
      const before = { sessions: await storedSessions(), report: await yearlyReport() };
      expect(before.report).toEqual([[null, 'zur ersten Sitzung 2027 (IT-PLR), Termin noch nicht bekannt']]);

      const refused = await session(46, '2027-01-30').expect(400);

      expect(refusal(refused)).toEqual([
        {
          path: 'date',
          message:
            'Die 46. Sitzung (IT-PLR) kann nicht am 30.01.2027 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, die 47. Sitzung ist aber schon am 20.10.2026. ' +
            'Passend ist ein Tag vom 19.03.2026 (45. Sitzung) bis zum 20.10.2026 (47. Sitzung).',
        },
      ]);
      // It never became „erste Sitzung 2027“: the Jahresbericht's Frist stays unknown.
      expect(await storedSessions()).toEqual(before.sessions);
      expect(await yearlyReport()).toEqual(before.report);
    });

    test('a later number on an earlier day is refused too: the 48. Sitzung on 01.09.2026, before the 47. on 20.10.2026', async () => {
      const refused = await session(48, '2026-09-01').expect(400);
      expect(refusal(refused)).toEqual([
        {
          path: 'date',
          message:
            'Die 48. Sitzung (IT-PLR) kann nicht am 01.09.2026 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, aber die 47. Sitzung ist erst am 20.10.2026. ' +
            'Passend ist ein Tag ab dem 20.10.2026 (47. Sitzung).',
        },
      ]);
      expect(await calendar()).toEqual(['45: 2026-03-19', '47: 2026-10-20']);
    });

    test('moving a session past its neighbour is refused, and the session keeps its day without an earlier one', async () => {
      const before = await storedSessions();
      const refused = await session(45, '2026-11-05').expect(400);
      expect(refusal(refused)).toEqual([
        {
          path: 'date',
          message:
            'Die 45. Sitzung (IT-PLR) kann nicht am 05.11.2026 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, die 47. Sitzung ist aber schon am 20.10.2026. ' +
            'Passend ist ein Tag bis zum 20.10.2026 (47. Sitzung).',
        },
      ]);
      expect(await storedSessions()).toEqual(before);
    });

    test('days in order are accepted, the same day for two numbers too, and the first session of 2027 then resolves the Jahresbericht', async () => {
      await session(46, '2026-10-20').expect(201);
      await session(46, '2026-06-18').expect(200);
      await session(48, '2027-01-28').expect(201);
      expect(await calendar()).toEqual(['45: 2026-03-19', '46: 2026-06-18', '47: 2026-10-20', '48: 2027-01-28']);
      expect(await yearlyReport()).toEqual([['2027-01-28', 'zur ersten Sitzung 2027 (IT-PLR): 48. Sitzung am 28.01.2027']]);
    });

    test('another issuer counts its own sessions: the AL-Runde’s 46. Sitzung may lie after the IT-PLR’s 47.', async () => {
      await session(46, '2027-01-30', 'AL-Runde').expect(201);
    });

    test('the web form shows the refusal at the field „date“ and keeps the calendar', async () => {
      const page = (await t.http.post('/fristen/sitzungen').type('form').send({ issuer: 'IT-PLR', number: '46', date: '2027-01-30' }).expect(400)).text;
      expect(page).toContain('Datum der Sitzung: Die 46. Sitzung (IT-PLR) kann nicht am 30.01.2027 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, die 47. Sitzung ist aber schon am 20.10.2026.');
      expect(await calendar()).toEqual(['45: 2026-03-19', '47: 2026-10-20']);
    });
  });

  describe('a decision taken in a session bears the day the calendar knows for it', () => {
    test('recording 2026/52 „in der 47. Sitzung“ on 02.11.2026 is refused at date, naming the 20.10.2026; on 20.10.2026 it is recorded', async () => {
      const before = await storedDecisions();
      const refused = await decision('2026/52', '2026-11-02', inSession(47)).expect(400);
      expect(refusal(refused)).toEqual([
        { path: 'date', message: 'Die 47. Sitzung (IT-PLR) ist laut Sitzungskalender am 20.10.2026: Ein Beschluss in dieser Sitzung ist vom 20.10.2026, nicht vom 02.11.2026.' },
      ]);
      expect(await storedDecisions()).toEqual(before);
      await t.http.get(path('2026/52')).expect(404);

      await decision('2026/52', '2026-10-20', inSession(47)).expect(201);
    });

    test('a session the calendar does not know, a written procedure and another issuer’s session of that number are not checked', async () => {
      await decision('2026/53', '2026-11-02', inSession(48)).expect(201);
      await decision('2026/54', '2026-11-02', { procedure: 'Umlaufverfahren' }).expect(201);
      await decision('2026/55-AL', '2026-11-02', inSession(47), 'AL-Runde').expect(201);
    });

    test('an amendment that moves the decision off its session’s day is refused at date; one that names another session, at session', async () => {
      await decision('2026/52', '2026-10-20', inSession(47)).expect(201);
      await decision('2026/56', '2026-11-02', { procedure: 'Umlaufverfahren' }).expect(201);
      const history = async () => (await t.http.get(`${path('2026/52')}/history`).expect(200)).body.events.length;

      const otherDay = await t.http.patch(path('2026/52')).send({ date: '2026-10-21', reason: 'Protokoll' }).expect(400);
      expect(refusal(otherDay)).toEqual([
        { path: 'date', message: 'Die 47. Sitzung (IT-PLR) ist laut Sitzungskalender am 20.10.2026: Ein Beschluss in dieser Sitzung ist vom 20.10.2026, nicht vom 21.10.2026.' },
      ]);
      const otherSession = await t.http.patch(path('2026/52')).send({ session: 45, reason: 'Protokoll' }).expect(400);
      expect(refusal(otherSession)).toEqual([
        { path: 'session', message: 'Die 45. Sitzung (IT-PLR) ist laut Sitzungskalender am 19.03.2026: Ein Beschluss in dieser Sitzung ist vom 19.03.2026, nicht vom 20.10.2026.' },
      ]);
      const intoSession = await t.http.patch(path('2026/56')).send({ procedure: 'Sitzung', session: 47, reason: 'Protokoll' }).expect(400);
      expect(refusal(intoSession)[0]).toMatchObject({ path: 'session', message: expect.stringContaining('nicht vom 02.11.2026') });
      expect(await history()).toBe(1);

      await t.http.patch(path('2026/52')).send({ title: 'Empfehlung zur Cloud-Strategie', reason: 'Tippfehler' }).expect(200);
      await t.http.patch(path('2026/56')).send({ procedure: 'Sitzung', session: 47, date: '2026-10-20', reason: 'Protokoll' }).expect(200);
    });
  });

  describe('a session’s day cannot contradict the decisions recorded as taken in it', () => {
    test('the 46. Sitzung entered on 16.06.2026 is refused while 2026/31 says it was taken in the 46. Sitzung on 18.06.2026; on 18.06.2026 it is entered', async () => {
      await decision('2026/31', '2026-06-18', inSession(46)).expect(201);
      const before = await storedSessions();

      const refused = await session(46, '2026-06-16').expect(400);

      expect(refusal(refused)).toEqual([
        { path: 'date', message: 'Die 46. Sitzung (IT-PLR) kann nicht am 16.06.2026 sein: Laut Beschlussregister wurde Beschluss 2026/31 am 18.06.2026 in ihr gefasst.' },
      ]);
      expect(await storedSessions()).toEqual(before);
      await session(46, '2026-06-18').expect(201);
    });

    test('moving a session away from the day its decisions name corrects the calendar and is allowed; entering one there is refused, for both reasons when out of order as well', async () => {
      await session(46, '2026-06-18').expect(201);
      for (const number of ['2026/31', '2026/32']) await decision(number, '2026-06-18', inSession(46)).expect(201);
      // A day recorded wrongly in calendar and register alike is corrected in the calendar (a decision already cited keeps its date).
      await session(46, '2026-06-19').expect((response) => expect(response.status).toBeLessThan(300));
      expect((await storedSessions()).find((row) => row.number === 46)?.held_on).toBe('2026-06-19');

      for (const number of ['2026/33', '2026/34']) await decision(number, '2026-11-05', inSession(48)).expect(201);
      const before = await storedSessions();
      const both = await session(48, '2026-09-01').expect(400);
      expect(refusal(both).map((issue) => issue.path)).toEqual(['date', 'date']);
      expect(refusal(both)[0].message).toContain('die 47. Sitzung ist erst am 20.10.2026');
      expect(refusal(both)[1].message).toBe('Die 48. Sitzung (IT-PLR) kann nicht am 01.09.2026 sein: Laut Beschlussregister wurden die Beschlüsse 2026/33 und 2026/34 am 05.11.2026 in ihr gefasst.');
      expect(await storedSessions()).toEqual(before);
    });

    test('a withdrawn decision no longer holds its session to its day', async () => {
      await decision('2026/31', '2026-06-18', inSession(46)).expect(201);
      await t.http.post(`${path('2026/31')}/withdrawal`).send({ reason: 'Falsches Datum erfasst' }).expect(200);
      await session(46, '2026-06-16').expect(201);
    });
  });
});
