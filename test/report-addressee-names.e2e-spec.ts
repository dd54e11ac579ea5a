/**
 * The addressee of a report is named one way everywhere: a closure's Abschlussbericht on a body of
 * the IT-Planungsrat is stored with the chart's `IT-PLR` (as every version recorded it), yet the
 * Verlauf, the Fristen, the to-dos, refusals, the body page and the CLI say „an IT-Planungsrat“,
 * as they do for reports from the registration form.
 */
import { ReportFristLabels1768400000000 } from '../src/database/migrations/1768400000000-report-frist-labels';
import { renderBody } from '../src/cli/commands/show';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { withQueryRunner } from './support/migrations';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const TO_ITPLR = 'Abschlussbericht an IT-Planungsrat';

describe.each(testDatabaseKinds())('the addressee of a closure’s final report on an IT-PLR body (%s)', (database) => {
  let t: TestApp;
  let id: string;

  const send = (body: object) => t.http.post(`/api/bodies/${id}/events`).send(body);
  const body = async () => (await t.http.get(`/api/bodies/${id}`).expect(200)).body;
  const reportLabels = async () =>
    ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Array<{ kind: string; label: string }>).filter((d) => d.kind === 'report').map((d) => d.label);

  beforeAll(async () => {
    t = await startTestApp({ database, now: '2026-06-01T08:00:00Z' });
    id = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, parent: 'IT-PLR', reports: [], registeredAt: '2024-06-03' }).expect(201)).body.id;
    await send({ type: 'submitted', occurredAt: '2024-06-05' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2024/31', issuer: 'IT-PLR', date: '2024-06-12', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: { permanent: true } }] })
      .expect(201);
    await send({ type: 'approved', data: { permanent: true }, decision: '2024/31', occurredAt: '2024-06-12' }).expect(200);
    await send({ type: 'started', occurredAt: '2024-06-17' }).expect(200);
    await send({ type: 'closureInitiated', data: { finalReportDue: { kind: 'month', month: '2026-09' } } }).expect(200);
    await send({ type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'month', month: '2026-10' }, reason: 'Abschlusssitzung verschoben' } }).expect(200);
  }, 60_000);
  afterAll(() => t.close());

  test('the chart stores the addressee as it always did: IT-PLR', async () => {
    expect((await body()).context.obligations).toEqual([expect.objectContaining({ id: 'r1', kind: 'Abschlussbericht', addressee: 'IT-PLR' })]);
  });

  test('the Verlauf (a Frist moved), the Frist and the CLI’s show name it „an IT-Planungsrat“', async () => {
    const events = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<{ type: string; summary: string }>;
    const moved = events.find((e) => e.type === 'reportRescheduled')!;
    expect(moved.summary).toContain(`${TO_ITPLR}: Frist im September 2026 → im Oktober 2026`);
    expect(moved.summary).not.toContain('IT-PLR');
    expect(await reportLabels()).toEqual([TO_ITPLR]);
    const shown = renderBody(await body());
    expect(shown.slice(shown.indexOf('Berichtspflichten:'))).toMatch(/r1\s+│?\s*Abschlussbericht\s+│?\s*IT-Planungsrat/);
  });

  test('the body page names it „IT-Planungsrat“ in the report table and in its forms', async () => {
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(page).toContain('<td data-label="An">IT-Planungsrat</td>');
    expect(page).toContain(`${TO_ITPLR}, Frist im Oktober 2026`);
    expect(page).not.toMatch(/an IT-PLR\b/);
  });

  test('a closure refused for the open final report names it „an IT-Planungsrat“, and so does the to-do once it is submitted', async () => {
    await t.http
      .post('/api/decisions')
      .send({
        number: '2026/12',
        issuer: 'IT-PLR',
        date: '2026-06-01',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Abschluss',
        effects: [{ body: id, effect: 'closed', data: { noSuccessorReason: 'Auftrag erfüllt' } }],
      })
      .expect(201);
    const refused = await send({ type: 'closed', data: { noSuccessorReason: 'Auftrag erfüllt' }, decision: '2026/12' }).expect(422);
    expect(refused.body.message).toContain('Offen ist: Abschlussbericht an IT-Planungsrat (Frist ');
    expect(refused.body.message).not.toContain('r1');
    await send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    const todos = (await t.http.get('/api/todos').expect(200)).body as Array<{ text: string }>;
    expect(todos.map((todo) => todo.text)).toContainEqual(expect.stringMatching(new RegExp(`^${TO_ITPLR} zur Kenntnis nehmen \\(eingereicht am \\d\\d\\.\\d\\d\\.\\d{4}\\)$`)));
  });

  // Last: it changes the stored labels behind the running service.
  test('the migration labels a Frist stored with „an IT-PLR“ as the write path does', async () => {
    await withQueryRunner(t.config.database, async (q) => {
      await q.query(`UPDATE deadlines SET label = 'Abschlussbericht an IT-PLR' WHERE kind = 'report' AND body_id = ${database === 'postgres' ? '$1' : '?'}`, [id]);
    });
    expect(await reportLabels()).toEqual(['Abschlussbericht an IT-PLR']);
    await withQueryRunner(t.config.database, (q) => new ReportFristLabels1768400000000().up(q));
    expect(await reportLabels()).toEqual([TO_ITPLR]);
  });
});
