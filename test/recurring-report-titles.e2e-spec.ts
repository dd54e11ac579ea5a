/**
 * A recurring report keeps its title period by period. A yearly „Jährlicher Sachstandsbericht“
 * rolls over twice; every period is named by the series' title wherever a period is named: the
 * Fristen (API, Fristen page, body page, Zeitleiste, calendar feed), the body's reports (API,
 * body page), its history and the reminder e-mails. The statechart opens the later periods
 * without a title (as every version recorded), so the name is the series'.
 */
import ICAL from 'ical.js';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { ReportFristLabels1768400000000 } from '../src/database/migrations/1768400000000-report-frist-labels';
import { deadlinesEnv } from './deadlines.support';
import { withQueryRunner } from './support/migrations';
import { decodeMail, startSmtp } from './support/smtp';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const TITLE = 'Kooperationsgruppe Jahresberichte';
const SACHSTAND = 'Jährlicher Sachstandsbericht';
const LABEL = `${SACHSTAND} (Zwischenbericht)`;
const FRIST = `${LABEL} an IT-Planungsrat`;

describe.each(testDatabaseKinds())('a titled yearly report, period by period (%s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let id: string;

  const at = async (instant: string) => {
    t.clock.set(instant);
    await t.app.get(SchedulerService).sweep();
    await t.app.get(DispatcherService).dispatch();
  };
  const send = (command: object) => t.http.post(`/api/bodies/${id}/events`).send(command).expect(200);

  beforeAll(async () => {
    smtp = await startSmtp();
    restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_FROM: 'gremienlauf@it-planungsrat.example' });
    t = await startTestApp({ database: kind, now: '2025-01-02T09:00:00Z' });
    const { body } = await t.http
      .post('/api/bodies')
      .send({
        title: TITLE,
        kind: 'Kooperationsgruppe',
        parent: 'IT-PLR',
        focusTopic: 'Digitale Infrastruktur',
        leads: ['Hessen'],
        contacts: [{ name: 'Lena Lead', organization: 'Hessen', email: 'lena.lead@hessen.example' }],
        start: '2025-02-01',
        permanent: true,
        reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: SACHSTAND, due: { kind: 'date', date: '2025-03-31' }, recurrence: { everyMonths: 12 } }],
        registeredAt: '2025-01-02',
      })
      .expect(201);
    id = body.id;
    t.clock.set('2025-01-25T09:00:00Z');
    await send({ type: 'submitted', occurredAt: '2025-01-03' });
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/07', issuer: 'IT-PLR', date: '2025-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: TITLE, effects: [{ body: id, effect: 'approved', data: { permanent: true } }] })
      .expect(201);
    await send({ type: 'approved', data: { permanent: true }, decision: '2025/07' });
    // Started on 01.02.2025; the 2025 report falls due on 31.03.2025 and opens the 2026 one.
    await at('2025-02-01T06:00:00Z');
    await at('2025-03-31T06:00:00Z');
    t.clock.set('2025-04-01T09:00:00Z');
    await send({ type: 'reportSubmitted', data: { obligationId: 'r1' } });
    await send({ type: 'reportAcknowledged', data: { obligationId: 'r1' } });
    // The 2026 report's first reminder (28 days before), then it falls due and opens the 2027 one.
    await at('2026-03-03T06:00:00Z');
    await at('2026-03-31T06:00:00Z');
  }, 60_000);

  afterAll(async () => {
    await t.close();
    await smtp.close();
    restoreEnv();
  });

  const count = (text: string, part: string) => text.split(part).length - 1;

  test('the body answer keeps the periods as recorded, and names each by the series’ title', async () => {
    const { body } = await t.http.get(`/api/bodies/${id}`).expect(200);
    expect(body.context.obligations.map((o: { id: string; period: number; title: string | null }) => [o.id, o.period, o.title])).toEqual([
      ['r1', 1, SACHSTAND],
      ['r2', 2, null],
      ['r3', 3, null],
    ]);
    expect(body.reportNames).toEqual(['r1', 'r2', 'r3'].map((obligationId) => ({ obligationId, title: SACHSTAND, label: LABEL })));
  });

  test('GET /api/deadlines names every period’s Frist by the series’ title', async () => {
    const { body } = await t.http.get(`/api/deadlines?body=${id}`).expect(200);
    expect(body.filter((d: { kind: string }) => d.kind === 'report').map((d: { ref: string; effectiveDate: string; label: string }) => [d.ref, d.effectiveDate, d.label])).toEqual([
      ['r1', '2025-03-31', FRIST],
      ['r2', '2026-03-31', FRIST],
      ['r3', '2027-03-31', FRIST],
    ]);
  });

  test('the Fristen page, the body page and the Zeitleiste name every period by the series’ title', async () => {
    const fristen = (await t.http.get('/fristen').expect(200)).text;
    expect(count(fristen, `<td data-label="Frist">${FRIST}</td>`)).toBe(3);

    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(count(page, `<th scope="row" data-label="Frist">${FRIST}</th>`)).toBe(3);
    expect(count(page, `<th scope="row" data-label="Bericht">${LABEL}</th>`)).toBe(3);
    // The Verlauf: the 2026 report fell due.
    expect(page).toContain(`${SACHSTAND} an IT-Planungsrat, Frist 31.03.2026`);
    // The body's forms offer each period, and the series to end, by the series' title.
    expect(page).toContain(`<option value="r2">${FRIST}</option>`);
    expect(page).toContain(`<option value="r3">${FRIST}, Frist 31.03.2027</option>`);
    expect(page).toContain(`<option value="r3">${FRIST}, zuletzt Frist 31.03.2027</option>`);

    const timeline = (await t.http.get('/zeitleiste').expect(200)).text;
    expect(timeline).toContain(`<title>${FRIST}: 31.03.2026 (`);
    expect(timeline).toContain(`<title>${FRIST}: 31.03.2027 (`);
  });

  test('the decision form offers the later periods by the series’ title', async () => {
    const form = (await t.http.get(`/beschluesse?wirkung=reportWaived&fuer=${id}`).expect(200)).text;
    expect(form).toContain(`<option value="r2">${FRIST}, Frist 31.03.2026 (fällig, wiederkehrend)</option>`);
    expect(form).toContain(`<option value="r3">${FRIST}, Frist 31.03.2027 (offen, wiederkehrend)</option>`);
  });

  test('the calendar feed names every period by the series’ title', async () => {
    const ics = (await t.http.get(`/api/bodies/${id}/calendar.ics`).expect(200)).text;
    const summaries = new ICAL.Component(ICAL.parse(ics))
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v))
      .filter((e) => e.uid.includes('/report/'))
      .map((e) => [e.startDate.toString(), e.summary]);
    expect(summaries).toEqual([
      ['2025-03-31', `Erledigt: ${FRIST} – ${TITLE}`],
      ['2026-03-31', `${FRIST} – ${TITLE}`],
      ['2027-03-31', `${FRIST} – ${TITLE}`],
    ]);
  });

  test('the reminder of the 2026 report names it by the series’ title', async () => {
    const mails = smtp.mails.map((m) => decodeMail(m.raw));
    const reminder = mails.find((m) => m.subject === `Erinnerung: ${SACHSTAND} fällig am 31.03.2026 (noch 28 Tage) – ${TITLE}`);
    expect(reminder?.text).toContain(`Frist: ${FRIST}, `);
  });

  // Last: it changes the stored labels behind the running service.
  test('the Fristen labelled by the release before by the kind alone are named by the title once migrated', async () => {
    const labels = async () =>
      ((await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body as Array<{ kind: string; label: string }>).filter((d) => d.kind === 'report').map((d) => d.label);
    await withQueryRunner(t.config.database, async (q) => {
      await q.query(`UPDATE deadlines SET label = 'Zwischenbericht an IT-Planungsrat' WHERE kind = 'report' AND body_id = ${kind === 'postgres' ? '$1' : '?'}`, [id]);
    });
    expect(await labels()).toEqual(Array(3).fill('Zwischenbericht an IT-Planungsrat'));
    await withQueryRunner(t.config.database, (q) => new ReportFristLabels1768400000000().up(q));
    expect(await labels()).toEqual([FRIST, FRIST, FRIST]);
  });
});
