/**
 * A recurring report obligation, period by period (issue 12, item 1): once the first period is
 * submitted and taken note of, the second one is owed with its own date — in the Fristen, the
 * scheduled reminders and the e-mails a real SMTP server receives, the calendar feed and the
 * simulation.
 */
import ICAL from 'ical.js';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { mailApp } from './support/mail-app';
import { decodeMail, type TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

const TITLE = 'Kooperationsgruppe Halbjahresbericht';

describe.each(testDatabaseKinds())('a half-yearly report, period by period (%s)', (kind) => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;

  beforeEach(async () => {
    ({ t, smtp } = await start({ database: kind, now: '2025-01-02T09:00:00Z', env: { MAIL_FROM: 'gremienlauf@it-planungsrat.example' } }));
  });

  /** Permanent, active since 01.02.2025, a Zwischenbericht due 30.06.2025 and every six months after. */
  async function activeBody(): Promise<string> {
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
        reports: [{ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2025-06-30' }, recurrence: { everyMonths: 6 } }],
        registeredAt: '2025-01-02',
      })
      .expect(201);
    const id = body.id as string;
    t.clock.set('2025-01-25T09:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2025-01-03' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2025/07', issuer: 'IT-PLR', date: '2025-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: TITLE, effects: [{ body: id, effect: 'approved', data: { permanent: true } }] })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', data: { permanent: true }, decision: '2025/07' }).expect(200);
    // The start timer begins the work on 01.02.2025.
    t.clock.set('2025-02-01T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
    expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.state.paths).toContain('active');
    return id;
  }

  const at = async (instant: string) => {
    t.clock.set(instant);
    await t.app.get(SchedulerService).sweep();
    await t.app.get(DispatcherService).dispatch();
  };
  const subjects = () => smtp.mails.map((m) => decodeMail(m.raw).subject);
  const reports = async (id: string) =>
    (await t.http.get(`/api/deadlines?body=${id}`).expect(200)).body
      .filter((d: { kind: string }) => d.kind === 'report')
      .map((d: { ref: string; effectiveDate: string; status: string }) => [d.ref, d.effectiveDate, d.status]);
  const calendar = async (id: string) =>
    new ICAL.Component(ICAL.parse((await t.http.get(`/api/bodies/${id}/calendar.ics`).expect(200)).text))
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v))
      .filter((e) => e.uid.includes('/report/'))
      .map((e) => [e.uid.replace(`${id}/`, ''), e.startDate.toString(), e.summary]);

  test('given period 1 is submitted and taken note of, period 2 is owed on 31.12.2025: in the Fristen, the calendar, the reminders and the e-mails', async () => {
    const id = await activeBody();
    expect(await calendar(id)).toEqual([['report/r1@gremienlauf', '2025-06-30', `Zwischenbericht an IT-Planungsrat – ${TITLE}`]]);

    await at('2025-06-02T06:00:00Z');
    expect(subjects()).toEqual([`Erinnerung: Zwischenbericht fällig am 30.06.2025 (noch 28 Tage) – ${TITLE}`]);
    expect(smtp.mails[0].to).toEqual(['lena.lead@hessen.example']);

    t.clock.set('2025-06-20T09:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'DMS-2025-06' } }).expect(200);
    t.clock.set('2025-06-25T09:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportAcknowledged', data: { obligationId: 'r1' } }).expect(200);

    expect(await reports(id)).toEqual([
      ['r1', '2025-06-30', 'met'],
      ['r2', '2025-12-31', 'open'],
    ]);
    expect(await calendar(id)).toEqual([
      ['report/r1@gremienlauf', '2025-06-30', `Erledigt: Zwischenbericht an IT-Planungsrat – ${TITLE}`],
      ['report/r2@gremienlauf', '2025-12-31', `Zwischenbericht an IT-Planungsrat – ${TITLE}`],
    ]);
    const scheduled = (await t.http.get(`/api/reminders?body=${id}`).expect(200)).body.scheduled as Array<{ reminder: { obligationId: string }; dueOn: string }>;
    expect(scheduled.map((r) => `${r.reminder.obligationId} ${r.dueOn}`)).toEqual(expect.arrayContaining(['r2 2025-12-03', 'r2 2025-12-24', 'r2 2025-12-31']));
    expect(scheduled.filter((r) => r.reminder.obligationId === 'r1')).toEqual([]);

    // Nothing more for period 1 (it was met), the reminders of period 2 in their turn.
    await at('2025-07-07T06:00:00Z');
    await at('2025-12-03T06:00:00Z');
    expect(subjects()).toEqual([
      `Erinnerung: Zwischenbericht fällig am 30.06.2025 (noch 28 Tage) – ${TITLE}`,
      `Erinnerung: Zwischenbericht fällig am 31.12.2025 (noch 28 Tage) – ${TITLE}`,
    ]);
  }, 30_000);

  test('the simulation after period 1 shows period 2 with its own date: reminders, due and overdue', async () => {
    const id = await activeBody();
    t.clock.set('2025-06-20T09:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportAcknowledged', data: { obligationId: 'r1' } }).expect(200);

    const { body } = await t.http.post('/api/simulations').send({ from: '2025-06-21', to: '2026-01-10' }).expect(200);
    const entries = (body.entries as Array<{ date: string; kind: string; what: string }>).filter((e) => e.kind !== 'recorded');
    expect(entries.map((e) => `${e.date} ${e.kind} ${e.what.split(' – ')[0]}`)).toEqual([
      '2025-12-03 reminder Erinnerung: Zwischenbericht fällig am 31.12.2025 (noch 28 Tage)',
      '2025-12-24 reminder Erinnerung: Zwischenbericht fällig am 31.12.2025 (noch 7 Tage)',
      '2025-12-31 event reportDue',
      '2025-12-31 reminder Heute fällig: Zwischenbericht',
      '2026-01-01 event reportOverdue',
      '2026-01-07 reminder Überfällig seit 01.01.2026: Zwischenbericht',
    ]);
  }, 30_000);
});
