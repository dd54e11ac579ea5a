/**
 * A report's Frist moved to an earlier day (`reportRescheduled`) is announced at the next sweep:
 * the new Frist's latest reminder whose day already went by is written at once, naming the new
 * day and the days left from the sweep; its later reminders keep their own days, and no reminder
 * of the old Frist goes out after the move. Day by day with the app's clock, a real SMTP server,
 * on SQLite (and PostgreSQL with TEST_DATABASE_URL).
 */
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { approvedLeadGroup } from './support/approved-bodies';
import { mailApp } from './support/mail-app';
import { decodeMail, type TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const LEAD = { name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' };
const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';
const TITLE = 'Arbeitsgruppe Fristen';

/** A mail the SMTP server took: the day of the sweep that wrote and sent it, its subject and recipients. */
type Sent = [day: string, subject: string, to: string[]];

interface EmailMessage {
  dedupeKey: string;
  subject: string;
  status: string;
}

describe.each(testDatabaseKinds())('a report Frist moved to an earlier day (%s)', (kind) => {
  const startMailApp = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;
  let id: string;

  /**
   * A body registered and approved (until 31.12.2026) early in January 2025, started on Monday
   * 06.01.2025, its one report, a Zwischenbericht, due Monday 31.03.2025: reminders on 03.03.,
   * 24.03. and 31.03.2025.
   */
  beforeEach(async () => {
    ({ t, smtp } = await startMailApp({ database: kind, now: '2025-01-02T09:00:00Z', env: { SECRETARIAT_EMAIL: SECRETARIAT } }));
    id = await approvedLeadGroup(t, {
      title: TITLE,
      contact: LEAD,
      start: '2025-01-06',
      dues: ['2025-03-31'],
      approvedUntil: '2026-12-31',
      decision: { number: '2025/01-AL', date: '2025-01-02' },
    });
    expect(await sweepAt('2025-01-06T06:00:00Z')).toEqual([]);
  });

  /** Sweeps and dispatches at `instant`; the mails that went out then. */
  async function sweepAt(instant: string): Promise<Sent[]> {
    t.clock.set(instant);
    const before = smtp.mails.length;
    await t.app.get(SchedulerService).sweep();
    await t.app.get(DispatcherService).dispatch();
    return smtp.mails.slice(before).map((m): Sent => [instant.slice(0, 10), decodeMail(m.raw).subject, [...m.to].sort()]);
  }

  /** Sweeps at 06:00 UTC on every day from `from` through `to`; the mails that went out. */
  async function everyDay(from: string, to: string): Promise<Sent[]> {
    const sent: Sent[] = [];
    for (let day = new Date(`${from}T06:00:00Z`); day <= new Date(`${to}T06:00:00Z`); day = new Date(day.getTime() + 86_400_000)) {
      sent.push(...(await sweepAt(day.toISOString())));
    }
    return sent;
  }

  /** The Geschäftsstelle moves the Zwischenbericht's Frist to `date` at `instant`. */
  async function moveFrist(instant: string, date: string) {
    t.clock.set(instant);
    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'date', date }, reason: 'Sitzung vorgezogen' } })
      .expect(200);
  }

  async function emails(): Promise<EmailMessage[]> {
    const { body } = await t.http.get(`/api/reminders?channel=email&body=${id}`).expect(200);
    return body.messages as EmailMessage[];
  }

  const lead = [LEAD.email];
  const leadAndSecretariat = [LEAD.email, SECRETARIAT].sort();

  it('moved on 10.03. from 31.03. to 14.03.2025, after the 28-day reminder went out: „noch 4 Tage“ at the next sweep, „Heute fällig“ on 14.03., nothing more of 31.03.', async () => {
    // Given the 28-day reminder of 31.03.2025 sent on 03.03. and nothing else up to the morning of 10.03.,
    expect(await everyDay('2025-02-24', '2025-03-10')).toEqual([['2025-03-03', `Erinnerung: Zwischenbericht fällig am 31.03.2025 (noch 28 Tage) – ${TITLE}`, lead]]);

    // when the Geschäftsstelle moves the Frist to Friday 14.03.2025 at 11:00 (Berlin) on 10.03.,
    await moveFrist('2025-03-10T10:00:00Z', '2025-03-14');

    // then the next sweep tells the lead of the new Frist and the 4 days left (the 7-day reminder of 14.03., whose day, 07.03., went by),
    const announced = await sweepAt('2025-03-10T10:01:00Z');
    expect(announced).toEqual([['2025-03-10', `Erinnerung: Zwischenbericht fällig am 14.03.2025 (noch 4 Tage) – ${TITLE}`, lead]]);
    const text = decodeMail(smtp.mails[smtp.mails.length - 1].raw).text;
    expect(text).toContain('Fällig am: Freitag, 14.03.2025');
    expect(text).toContain('Stand: noch 4 Tage');
    expect(text).not.toContain('31.03.2025');
    expect(text).toContain('Beschluss: keiner (Frist am 10.03.2025 verschoben von: Geschäftsstelle)');

    // and from then on only the new Frist's reminders go out: on its day, then weekly while the report is overdue; none names 31.03.2025.
    const later = await everyDay('2025-03-11', '2025-04-01');
    expect(later).toEqual([
      ['2025-03-14', `Heute fällig: Zwischenbericht – ${TITLE}`, lead],
      ['2025-03-21', `Überfällig seit 15.03.2025: Zwischenbericht – ${TITLE}`, leadAndSecretariat],
      ['2025-03-28', `Überfällig seit 15.03.2025: Zwischenbericht – ${TITLE}`, leadAndSecretariat],
    ]);
    // Each reminder was written once, under its own key; none of the old series' later ones was written.
    expect((await emails()).map((m) => [m.dedupeKey.slice(id.length + 1), m.status]).sort()).toEqual([
      ['reminder/r1@2025-03-14+0d/email', 'sent'],
      ['reminder/r1@2025-03-14+14d/email', 'sent'],
      ['reminder/r1@2025-03-14+7d/email', 'sent'],
      ['reminder/r1@2025-03-14-7d/email', 'sent'],
      ['reminder/r1@2025-03-31-28d/email', 'sent'],
    ]);
  });

  it('moved on 05.03. from 31.03. to 20.03.2025, after the 28-day reminder went out: „noch 15 Tage“ at the next sweep, then 13.03. and 20.03. on their days', async () => {
    // Given the 28-day reminder of 31.03.2025 sent on 03.03.,
    expect(await everyDay('2025-02-24', '2025-03-05')).toEqual([['2025-03-03', `Erinnerung: Zwischenbericht fällig am 31.03.2025 (noch 28 Tage) – ${TITLE}`, lead]]);

    // when the Frist is moved to Thursday 20.03.2025 on 05.03. (its own 28-day reminder fell on 20.02.),
    await moveFrist('2025-03-05T10:00:00Z', '2025-03-20');

    // then the next sweep names the new Frist with the days left from that day,
    expect(await sweepAt('2025-03-05T10:01:00Z')).toEqual([['2025-03-05', `Erinnerung: Zwischenbericht fällig am 20.03.2025 (noch 15 Tage) – ${TITLE}`, lead]]);
    // and its 7-day reminder and the one on its day follow on their own days; the old Frist's 24.03. and 31.03. never come.
    expect(await everyDay('2025-03-06', '2025-04-01')).toEqual([
      ['2025-03-13', `Erinnerung: Zwischenbericht fällig am 20.03.2025 (noch 7 Tage) – ${TITLE}`, lead],
      ['2025-03-20', `Heute fällig: Zwischenbericht – ${TITLE}`, lead],
      ['2025-03-27', `Überfällig seit 21.03.2025: Zwischenbericht – ${TITLE}`, leadAndSecretariat],
    ]);
  });

  it('moved on 01.03. from 31.03. to 20.03.2025, before any reminder went out: the new Frist at the next sweep, the old one\'s 28-day reminder (03.03.) never', async () => {
    // Given no reminder sent up to the morning of 01.03.,
    expect(await everyDay('2025-02-24', '2025-03-01')).toEqual([]);

    // when the Frist is moved to 20.03.2025 that day,
    await moveFrist('2025-03-01T10:00:00Z', '2025-03-20');

    // then the next sweep sends the new Frist's 28-day reminder (due 20.02.) as it reads now, and the rest keep their days.
    expect(await sweepAt('2025-03-01T10:01:00Z')).toEqual([['2025-03-01', `Erinnerung: Zwischenbericht fällig am 20.03.2025 (noch 19 Tage) – ${TITLE}`, lead]]);
    expect(await everyDay('2025-03-02', '2025-03-21')).toEqual([
      ['2025-03-13', `Erinnerung: Zwischenbericht fällig am 20.03.2025 (noch 7 Tage) – ${TITLE}`, lead],
      ['2025-03-20', `Heute fällig: Zwischenbericht – ${TITLE}`, lead],
    ]);
    expect((await emails()).map((m) => m.dedupeKey.slice(id.length + 1)).sort()).toEqual([
      'reminder/r1@2025-03-20+0d/email',
      'reminder/r1@2025-03-20-28d/email',
      'reminder/r1@2025-03-20-7d/email',
    ]);
  });

  it('the old Frist\'s reminder still waiting in the outbox when the Frist moves earlier is withdrawn naming the new day; the new Frist\'s goes out instead', async () => {
    // Given the 28-day reminder of 31.03.2025, written on 03.03. while the SMTP server refuses, waiting in the outbox,
    smtp.refuse(true);
    expect(await everyDay('2025-02-24', '2025-03-05')).toEqual([]);
    // when the Frist is moved to 20.03.2025 on 05.03. and the server takes mail again,
    await moveFrist('2025-03-05T10:00:00Z', '2025-03-20');
    smtp.refuse(false);

    // then the next sweep sends only the new Frist's reminder; the old one is withdrawn with the new day as its reason.
    expect(await sweepAt('2025-03-05T10:01:00Z')).toEqual([['2025-03-05', `Erinnerung: Zwischenbericht fällig am 20.03.2025 (noch 15 Tage) – ${TITLE}`, lead]]);
    const { body } = await t.http.get(`/api/reminders?channel=email&body=${id}&status=withdrawn`).expect(200);
    expect(body.messages).toEqual([
      expect.objectContaining({
        dedupeKey: `${id}/reminder/r1@2025-03-31-28d/email`,
        withdrawnReason: 'Die Frist wurde verschoben: „Zwischenbericht“ ist jetzt am 20.03.2025 fällig, nicht mehr am 31.03.2025.',
      }),
    ]);
    expect(await everyDay('2025-03-06', '2025-03-20')).toEqual([
      ['2025-03-13', `Erinnerung: Zwischenbericht fällig am 20.03.2025 (noch 7 Tage) – ${TITLE}`, lead],
      ['2025-03-20', `Heute fällig: Zwischenbericht – ${TITLE}`, lead],
    ]);
  });
});
