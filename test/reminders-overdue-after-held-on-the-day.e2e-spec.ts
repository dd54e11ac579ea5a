/**
 * A „Heute fällig“ that could not go out on its day (SMTP down) is withdrawn after its day; while
 * the report is still outstanding, the lead hears of the overdue report promptly: the next sweep
 * writes the reminder anew as of its own day („Überfällig seit …“, to the lead and the
 * Geschäftsstelle), not only the first weekly one seven days later. With overdue reminders
 * switched off it stays withdrawn, and nothing tells of the overdue report. With a real SMTP
 * server, on real SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody, SEED_TITLE } from './deadlines.support';
import { mailApp } from './support/mail-app';
import { decodeMail, type TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(30_000);

const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';
const LEAD = 'ralf.stettner@hessen.example';
const ON_THE_DAY = `Heute fällig: Zwischenbericht – ${SEED_TITLE}`;
const OVERDUE = `Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`;

interface Message {
  id: string;
  dedupeKey: string;
  topic: string;
  subject: string;
  status: string;
  withdrawnReason: string | null;
}

describe.each(testDatabaseKinds())('a „Heute fällig“ held past its day while the report is outstanding (%s)', (kind) => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;
  let scheduler: SchedulerService;
  let dispatcher: DispatcherService;
  let id: string;

  /**
   * The seed body (Zwischenbericht due Monday, 02.12.2024); its „Heute fällig“ written on the day
   * while the SMTP server is down. `env` on top of the reminder policy's defaults.
   */
  async function heldOnTheDay(env: Record<string, string> = {}) {
    ({ t, smtp } = await start({ database: kind, env: { SECRETARIAT_EMAIL: SECRETARIAT, DELIVERY_BACKOFF_SECONDS: '30', ...env } }));
    smtp.refuse(true);
    id = await recordSeedBody(t, [{ name: 'Ralf Stettner', email: LEAD }]);
    scheduler = t.app.get(SchedulerService);
    dispatcher = t.app.get(DispatcherService);
    await sweepAt('2024-06-17T06:00:00Z');
    await sweepAt('2024-12-02T06:00:00Z');
    expect((await dispatcher.dispatch()).retried).toHaveLength(1);
    expect((await reminders('pending')).map((m) => m.subject)).toEqual([ON_THE_DAY]);
  }

  async function sweepAt(instant: string) {
    t.clock.set(instant);
    return scheduler.sweep();
  }

  async function reminders(status?: string): Promise<Message[]> {
    const messages = (await t.http.get(`/api/reminders?body=${id}${status ? `&status=${status}` : ''}`).expect(200)).body.messages as Message[];
    return messages.filter((m) => m.topic === 'reminder');
  }

  const subjects = () => smtp.mails.map((m) => decodeMail(m.raw).subject);

  describe('with weekly overdue reminders', () => {
    beforeEach(() => heldOnTheDay());

    it('is followed at the next sweep by „Überfällig seit …“ to the lead and the Geschäftsstelle, and the weekly ones follow as before', async () => {
      smtp.refuse(false);
      await sweepAt('2024-12-03T07:00:00Z');
      const [held] = await reminders('pending');
      expect((await dispatcher.dispatch()).withdrawn).toEqual([held.id]);
      expect(smtp.mails).toEqual([]);

      await sweepAt('2024-12-03T07:01:00Z');
      const round = await dispatcher.dispatch();
      expect(round).toMatchObject({ sent: [expect.any(String)], withdrawn: [], retried: [], dead: [] });
      expect(subjects()).toEqual([OVERDUE]);
      expect(smtp.mails[0].to.sort()).toEqual([SECRETARIAT, LEAD].sort());
      const text = decodeMail(smtp.mails[0].raw).text;
      expect(text).toMatch(/^Stand: überfällig seit 03\.12\.2024\r?$/m);
      expect(text).toContain('die Geschäftsstelle ist informiert');
      // The withdrawn „Heute fällig“ stays listed with its reason, under its key moved aside.
      const withdrawn = (await reminders('withdrawn'))[0];
      expect(withdrawn).toMatchObject({ id: held.id, subject: ON_THE_DAY, dedupeKey: expect.stringMatching(new RegExp(`/withdrawn/${held.id}$`)) });
      expect(withdrawn.withdrawnReason).toBe('Die Frist ist verstrichen: „Zwischenbericht“ ist seit 03.12.2024 überfällig; die Erinnerung vom 02.12.2024 („Heute fällig“) käme zu spät.');

      // Once only: later rounds write nothing until the first weekly reminder, on 09.12.
      await sweepAt('2024-12-04T07:00:00Z');
      expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      await sweepAt('2024-12-09T07:00:00Z');
      expect((await dispatcher.dispatch()).sent).toHaveLength(1);
      expect(subjects()).toEqual([OVERDUE, OVERDUE]);
      expect((await reminders()).map((m) => m.status).sort()).toEqual(['sent', 'sent', 'withdrawn']);
    });

    it('is followed by nothing when the report came in meanwhile', async () => {
      t.clock.set('2024-12-03T07:00:00Z');
      await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
      smtp.refuse(false);
      expect((await dispatcher.dispatch()).withdrawn).toHaveLength(1);
      await sweepAt('2024-12-03T07:01:00Z');
      expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      expect(smtp.mails).toEqual([]);
    });

    it('leaves it to the first weekly reminder when that one was written meanwhile: the report is told overdue once', async () => {
      await sweepAt('2024-12-09T07:00:00Z');
      smtp.refuse(false);
      const round = await dispatcher.dispatch();
      expect(round).toMatchObject({ sent: [expect.any(String)], withdrawn: [expect.any(String)] });
      expect(subjects()).toEqual([OVERDUE]);

      await sweepAt('2024-12-09T07:01:00Z');
      expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      expect(subjects()).toEqual([OVERDUE]);
    });
  });

  describe.each(['REMINDER_REPORT_OVERDUE_EVERY_DAYS', 'REMINDER_REPORT_OVERDUE_MAX'])('with overdue reminders switched off (%s=0)', (variable) => {
    beforeEach(() => heldOnTheDay({ [variable]: '0' }));

    it('stays withdrawn like any reminder whose day went by: no overdue notice goes out', async () => {
      smtp.refuse(false);
      await sweepAt('2024-12-03T07:00:00Z');
      const [held] = await reminders('pending');
      expect((await dispatcher.dispatch()).withdrawn).toEqual([held.id]);

      await sweepAt('2024-12-03T07:01:00Z');
      expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      await sweepAt('2024-12-09T07:00:00Z');
      expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      expect(smtp.mails).toEqual([]);
      expect(await reminders()).toEqual([expect.objectContaining({ id: held.id, subject: ON_THE_DAY, status: 'withdrawn' })]);
    });
  });
});
