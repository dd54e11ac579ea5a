/**
 * The Beschlusskontrolle names the same Frist as the Fristen and the calendar feed: a report
 * requested „im März 2027“ from the IT-Planungsrat falls on the IT-PLR's session that month, and
 * a closure's final report on a session of the body's parent; the CSV names the effect in German.
 */
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const csvLines = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\r\n');

describe.each(testDatabaseKinds())('the Beschlusskontrolle and the sessions calendar on %s', (database) => {
  let t: TestApp;
  let reporting: string;
  let closing: string;
  let closingAl: string;
  const path = (number: string) => `/api/decisions/IT-PLR/${encodeURIComponent(number)}`;
  const march = { kind: 'month', month: '2027-03' };
  const control = async () => ((await t.http.get('/api/decision-control?year=2026&issuer=IT-PLR').expect(200)).body as any[]).filter((r) => r.decision.number === '2026/46');
  /** The Fristen's effective date of the body's report of that kind. */
  const fristOf = async (body: string, kind: string) => {
    const deadlines = (await t.http.get(`/api/deadlines?body=${body}`).expect(200)).body as any[];
    const found = deadlines.filter((d) => d.kind === 'report' && d.label.startsWith(kind));
    expect(found).toHaveLength(1);
    return found[0].effectiveDate as string;
  };

  /**
   * Given the IT-PLR's 48. Sitzung on 24.03.2027 and the AL-Runde's 20. Sitzung on 10.03.2027,
   * three bodies set up by 2026/41 (two under the IT-PLR, one under the AL-Runde), and the Auftrag
   * 2026/46: a Zwischenbericht to the IT-Planungsrat „im März 2027“, and the closure of the other
   * two with the final report „im März 2027“.
   */
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z', database });
    await t.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 48, date: '2027-03-24' }).expect(201);
    await t.http.post('/api/sessions').send({ issuer: 'AL-Runde', number: 20, date: '2027-03-10' }).expect(201);
    const register = async (title: string, parent: string) =>
      (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, parent, expectedEnd: null, reports: [], registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    reporting = await register('Projektgruppe Bericht', 'IT-PLR');
    closing = await register('Projektgruppe Abschluss', 'IT-PLR');
    closingAl = await register('Arbeitsgruppe Abschluss', 'AL-Runde');
    const bodies = [reporting, closing, closingAl];
    for (const body of bodies) await t.http.post(`/api/bodies/${body}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/41', issuer: 'IT-PLR', date: '2026-01-15', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: bodies.map((body) => ({ body, effect: 'approved', data: { approvedUntil: '2027-12-31' } })) })
      .expect(201);
    for (const effect of [0, 1, 2]) await t.http.post(`${path('2026/41')}/apply`).send({ effect }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({
        number: '2026/46',
        issuer: 'IT-PLR',
        date: '2026-11-20',
        procedure: 'Sitzung',
        session: 47,
        type: 'Auftrag',
        title: 'Zwischenbericht und Abschlüsse',
        effects: [
          { body: reporting, effect: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: march } },
          { body: closing, effect: 'closureInitiated', data: { finalReportDue: march } },
          { body: closingAl, effect: 'closureInitiated', data: { finalReportDue: march } },
        ],
      })
      .expect(201);
  }, 90_000);
  afterAll(() => t.close());

  test('given a month Frist, before the effects are carried out the Beschlusskontrolle names the session of the addressee or the parent that month', async () => {
    expect((await control()).map((r) => [r.bodyTitle, r.dueBy])).toEqual([
      ['Projektgruppe Bericht', '2027-03-24'],
      ['Projektgruppe Abschluss', '2027-03-24'],
      ['Arbeitsgruppe Abschluss', '2027-03-10'],
    ]);
  });

  test('once carried out, the Beschlusskontrolle (JSON, CSV, page) names the Frist the Fristen and the calendar feed name', async () => {
    for (const effect of [0, 1, 2]) await t.http.post(`${path('2026/46')}/apply`).send({ effect }).expect(200);
    const fristen = [await fristOf(reporting, 'Zwischenbericht'), await fristOf(closing, 'Abschlussbericht'), await fristOf(closingAl, 'Abschlussbericht')];
    expect(fristen).toEqual(['2027-03-24', '2027-03-24', '2027-03-10']);
    expect((await control()).map((r) => r.dueBy)).toEqual(fristen);
    expect((await t.http.get(`/api/bodies/${reporting}/calendar.ics`).expect(200)).text).toContain('DTSTART;VALUE=DATE:20270324');

    const lines = csvLines((await t.http.get('/api/decision-control.csv?year=2026&issuer=IT-PLR').expect(200)).text);
    const header = lines[0].split(';');
    const of46 = lines.slice(1).filter((l) => l.startsWith('2026/46;')).map((l) => l.split(';'));
    expect(of46.map((cells) => cells[header.indexOf('Frist')])).toEqual(fristen);

    const page = (await t.http.get('/beschlusskontrolle?jahr=2026').expect(200)).text;
    const group = /Beschluss 2026\/46<\/a>[\s\S]*?<\/tbody>/.exec(page)![0];
    expect([...group.matchAll(/<td data-label="Frist">([^<]*)<\/td>/g)].map((m) => m[1])).toEqual(['24.03.2027', '24.03.2027', '10.03.2027']);
  });

  test('the CSV column „Wirkung“ names the effect in German, not by its code', async () => {
    const lines = csvLines((await t.http.get('/api/decision-control.csv?year=2026').expect(200)).text);
    const wirkung = lines[0].split(';').indexOf('Wirkung');
    expect(lines.slice(1).map((l) => l.split(';')[wirkung])).toEqual([
      'Eingerichtet (Beschluss)',
      'Eingerichtet (Beschluss)',
      'Eingerichtet (Beschluss)',
      'Berichtspflicht festgelegt',
      'Geordneter Abschluss eingeleitet',
      'Geordneter Abschluss eingeleitet',
    ]);
  });
});
