/**
 * A reminder says what is true on the day it is written, and goes to whom its words concern: the
 * reminder on the day of a Frist, sent only after that day (the latest due one of its series for
 * a body entered late, or after downtime), tells of an overdue report, so it goes to the
 * Geschäftsstelle too, as the weekly overdue reminders do; and only a mail that goes there says
 * „die Geschäftsstelle ist informiert“. Real SMTP server, test clock.
 */
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SEED_TITLE } from './deadlines.support';
import { approvedLeadGroup } from './support/approved-bodies';
import { mailApp } from './support/mail-app';
import { decodeMail, type TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';
const LEAD = { name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' };
const TITLE = 'Nachgetragene Arbeitsgruppe';
const INFORMED = 'die Geschäftsstelle ist informiert';

interface EmailMessage {
  dedupeKey: string;
  subject: string;
  target: { contactIds: string[]; secretariat: boolean };
  payload: { text: string };
}

describe.each(testDatabaseKinds())('reminders written after their own day (%s)', (kind) => {
  const startMailApp = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;

  async function start(now: string, env: Record<string, string> = { SECRETARIAT_EMAIL: SECRETARIAT }, config: { seedExample?: boolean } = {}) {
    ({ t, smtp } = await startMailApp({ database: kind, now, config, env }));
  }

  /** A body registered, submitted and approved at the clock's now, its planned start long before, with reports due on `dues`. */
  async function enterBody(dues: string[]): Promise<string> {
    return approvedLeadGroup(t, {
      title: TITLE,
      contact: LEAD,
      start: '2026-10-01',
      dues,
      approvedUntil: '2027-12-31',
      decision: { number: '2026/30-AL', date: '2026-12-03' },
    });
  }

  /** Sweeps and dispatches at `instant`; the mails that went out then, by subject. */
  async function sweepAt(instant: string) {
    t.clock.set(instant);
    const before = smtp.mails.length;
    await t.app.get(SchedulerService).sweep();
    await t.app.get(DispatcherService).dispatch();
    return smtp.mails
      .slice(before)
      .map((m) => ({ ...decodeMail(m.raw), to: [...m.to].sort() }))
      .sort((a, b) => a.subject.localeCompare(b.subject));
  }

  async function emails(bodyId?: string): Promise<EmailMessage[]> {
    const { body } = await t.http.get(`/api/reminders?channel=email${bodyId ? `&body=${bodyId}` : ''}`).expect(200);
    return (body.messages as EmailMessage[]).sort((a, b) => a.subject.localeCompare(b.subject));
  }

  it('a body entered after its reports were due gets, at the first sweep, overdue mails to its contact persons and the Geschäftsstelle', async () => {
    // Given a body registered and approved on Friday, 04.12.2026, whose reports were due on 30.11. and 02.12.,
    await start('2026-12-04T09:00:00Z');
    const id = await enterBody(['2026-11-30', '2026-12-02']);

    // when the scheduler sweeps for the first time,
    const mails = await sweepAt('2026-12-04T09:05:00Z');

    // then each report's latest due reminder (the one on its day) says it is overdue, to the lead and the Geschäftsstelle,
    expect(mails.map((m) => [m.subject, m.to])).toEqual([
      [`Überfällig seit 01.12.2026: Zwischenbericht – ${TITLE}`, [LEAD.email, SECRETARIAT].sort()],
      [`Überfällig seit 03.12.2026: Zwischenbericht – ${TITLE}`, [LEAD.email, SECRETARIAT].sort()],
    ]);
    expect(mails[0].text).toContain('Fällig am: Montag, 30.11.2026');
    expect(mails[0].text).toContain('Stand: überfällig seit 01.12.2026');
    expect(mails[0].text).toContain(`Der Bericht liegt noch nicht vor. Bitte reichen Sie ihn umgehend ein; ${INFORMED}.`);
    expect(mails[1].text).toContain('Stand: überfällig seit 03.12.2026');
    expect(mails[1].text).toContain(INFORMED);

    // and the outbox names the Geschäftsstelle as a recipient, under the reminder's own dedupe key;
    expect((await emails(id)).map((m) => [m.dedupeKey, m.target.secretariat])).toEqual([
      [`${id}/reminder/r1@2026-11-30+0d/email`, true],
      [`${id}/reminder/r2@2026-12-02+0d/email`, true],
    ]);
    // a later sweep sends neither again.
    expect(await sweepAt('2026-12-04T09:10:00Z')).toEqual([]);
  });

  it('a reminder on the day of the Frist, sent on that day, goes to the contact persons only and does not say the Geschäftsstelle is informed', async () => {
    // Given a body entered on Friday, 04.12.2026, with one report due that very day and one on 10.12.,
    await start('2026-12-04T09:00:00Z');
    const id = await enterBody(['2026-12-04', '2026-12-10']);

    // when the scheduler sweeps on the first day and on 10.12.,
    const entered = await sweepAt('2026-12-04T09:05:00Z');
    const onTheDay = await sweepAt('2026-12-10T06:00:00Z');

    // then the reminders on the day say „heute fällig“, to the lead alone, and nothing of the Geschäftsstelle being told;
    expect(entered.map((m) => [m.subject, m.to])).toEqual([
      [`Erinnerung: Zwischenbericht fällig am 10.12.2026 (noch 6 Tage) – ${TITLE}`, [LEAD.email]],
      [`Heute fällig: Zwischenbericht – ${TITLE}`, [LEAD.email]],
    ]);
    expect(onTheDay.map((m) => [m.subject, m.to])).toEqual([[`Heute fällig: Zwischenbericht – ${TITLE}`, [LEAD.email]]]);
    for (const mail of [...entered, ...onTheDay]) {
      expect(mail.text).toContain('Stand: ');
      expect(mail.text).not.toContain('überfällig');
      expect(mail.text).not.toContain(INFORMED);
      expect(mail.text).toContain('Bitte reichen Sie den Bericht fristgerecht bei der Geschäftsstelle ein.');
    }
    expect((await emails(id)).every((m) => !m.target.secretariat)).toBe(true);

    // and a week after the first Frist its first weekly overdue reminder goes to both, as before.
    const weekly = await sweepAt('2026-12-11T06:00:00Z');
    expect(weekly.map((m) => [m.subject, m.to])).toEqual([[`Überfällig seit 05.12.2026: Zwischenbericht – ${TITLE}`, [LEAD.email, SECRETARIAT].sort()]]);
    expect(weekly[0].text).toContain(INFORMED);
  });

  it('without an address of the Geschäftsstelle an overdue mail does not claim it is informed', async () => {
    // Given no SECRETARIAT_EMAIL and a body entered after its report's day,
    await start('2026-12-04T09:00:00Z', {});
    const id = await enterBody(['2026-11-30']);

    // when the first sweep sends its overdue reminder,
    const mails = await sweepAt('2026-12-04T09:05:00Z');

    // then it reaches the lead, says the report is overdue, and nothing about the Geschäftsstelle being told.
    expect(mails.map((m) => [m.subject, m.to])).toEqual([[`Überfällig seit 01.12.2026: Zwischenbericht – ${TITLE}`, [LEAD.email]]]);
    expect(mails[0].text).toContain('Der Bericht liegt noch nicht vor. Bitte reichen Sie ihn umgehend ein.');
    expect(mails[0].text).not.toContain(INFORMED);
    // It is meant for the Geschäftsstelle all the same: an address set before it is sent reaches it.
    expect((await emails(id)).map((m) => m.target.secretariat)).toEqual([true]);
  });

  it('the example body seeded on a fresh start gets only the latest due reminder of each series, each to the Geschäftsstelle and worded as it stands', async () => {
    // Given a fresh start on 28.11.2026 with the example body (report due 02.12.2024, term until 31.03.2025; its contacts have no address),
    await start('2026-11-28T09:00:00Z', { SECRETARIAT_EMAIL: SECRETARIAT }, { seedExample: true });

    // when the first sweep runs,
    const mails = await sweepAt('2026-11-28T09:05:00Z');

    // then the last weekly overdue reminder and the one on the term's expiry go out, to the Geschäftsstelle, saying what is true today.
    expect(mails.map((m) => [m.subject, m.to])).toEqual([
      [`Laufzeit mit Ablauf des 31.03.2025 abgelaufen, Beschluss erforderlich – ${SEED_TITLE}`, [SECRETARIAT]],
      [`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`, [SECRETARIAT]],
    ]);
    expect(mails[1].text).toContain('Stand: überfällig seit 03.12.2024');
    expect(mails[1].text).toContain(INFORMED);
    const messages = await emails();
    expect(messages.map((m) => [m.dedupeKey.replace(/^[^/]+\//, ''), m.target.secretariat])).toEqual([
      ['reminder/term@2025-03-31+1d/email', true],
      ['reminder/r1@2024-12-02+84d/email', true],
    ]);
  });
});
