/**
 * A „Heute fällig“ that could not go out on its day (SMTP down) is withdrawn after its day; while
 * the report is still outstanding, the lead hears of the overdue report promptly: the next sweep
 * writes the reminder anew as of its own day („Überfällig seit …“, to the lead and the
 * Geschäftsstelle), not only the first weekly one seven days later. With overdue reminders
 * switched off it stays withdrawn, and nothing tells of the overdue report. With a real SMTP
 * server, on real SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { SEED_TITLE } from './deadlines.support';
import { SECRETARIAT, SEED_LEAD, smtpDownRig, type SmtpDownRig } from './support/reminder-rig';
import { decodeMail } from './support/smtp';
import { testDatabaseKinds } from './support/test-app';

jest.setTimeout(30_000);

const LEAD = SEED_LEAD.email;
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
  const start = smtpDownRig(kind);
  let rig: SmtpDownRig<Message>;

  /**
   * The seed body (Zwischenbericht due Monday, 02.12.2024); its „Heute fällig“ written on the day
   * while the SMTP server is down. `env` on top of the reminder policy's defaults.
   */
  async function heldOnTheDay(env: Record<string, string> = {}) {
    rig = await start<Message>(env);
    await rig.sweepAt('2024-12-02T06:00:00Z');
    expect((await rig.dispatcher.dispatch()).retried).toHaveLength(1);
    expect((await rig.reminders('pending')).map((m) => m.subject)).toEqual([ON_THE_DAY]);
  }

  describe('with weekly overdue reminders', () => {
    beforeEach(() => heldOnTheDay());

    it('is followed at the next sweep by „Überfällig seit …“ to the lead and the Geschäftsstelle, and the weekly ones follow as before', async () => {
      rig.smtp.refuse(false);
      await rig.sweepAt('2024-12-03T07:00:00Z');
      const [held] = await rig.reminders('pending');
      expect((await rig.dispatcher.dispatch()).withdrawn).toEqual([held.id]);
      expect(rig.smtp.mails).toEqual([]);

      await rig.sweepAt('2024-12-03T07:01:00Z');
      const round = await rig.dispatcher.dispatch();
      expect(round).toMatchObject({ sent: [expect.any(String)], withdrawn: [], retried: [], dead: [] });
      expect(rig.subjects()).toEqual([OVERDUE]);
      expect(rig.smtp.mails[0].to.sort()).toEqual([SECRETARIAT, LEAD].sort());
      const text = decodeMail(rig.smtp.mails[0].raw).text;
      expect(text).toMatch(/^Stand: überfällig seit 03\.12\.2024\r?$/m);
      expect(text).toContain('die Geschäftsstelle ist informiert');
      // The withdrawn „Heute fällig“ stays listed with its reason, under its key moved aside.
      const withdrawn = (await rig.reminders('withdrawn'))[0];
      expect(withdrawn).toMatchObject({ id: held.id, subject: ON_THE_DAY, dedupeKey: expect.stringMatching(new RegExp(`/withdrawn/${held.id}$`)) });
      expect(withdrawn.withdrawnReason).toBe('Die Frist ist verstrichen: „Zwischenbericht“ ist seit 03.12.2024 überfällig; die Erinnerung vom 02.12.2024 („Heute fällig“) käme zu spät.');

      // Once only: later rounds write nothing until the first weekly reminder, on 09.12.
      await rig.sweepAt('2024-12-04T07:00:00Z');
      expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      await rig.sweepAt('2024-12-09T07:00:00Z');
      expect((await rig.dispatcher.dispatch()).sent).toHaveLength(1);
      expect(rig.subjects()).toEqual([OVERDUE, OVERDUE]);
      expect((await rig.reminders()).map((m) => m.status).sort()).toEqual(['sent', 'sent', 'withdrawn']);
    });

    it('is followed by nothing when the report came in meanwhile', async () => {
      rig.t.clock.set('2024-12-03T07:00:00Z');
      await rig.t.http.post(`/api/bodies/${rig.id}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
      rig.smtp.refuse(false);
      expect((await rig.dispatcher.dispatch()).withdrawn).toHaveLength(1);
      await rig.sweepAt('2024-12-03T07:01:00Z');
      expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      expect(rig.smtp.mails).toEqual([]);
    });

    it('leaves it to the first weekly reminder when that one was written meanwhile: the report is told overdue once', async () => {
      await rig.sweepAt('2024-12-09T07:00:00Z');
      rig.smtp.refuse(false);
      const round = await rig.dispatcher.dispatch();
      expect(round).toMatchObject({ sent: [expect.any(String)], withdrawn: [expect.any(String)] });
      expect(rig.subjects()).toEqual([OVERDUE]);

      await rig.sweepAt('2024-12-09T07:01:00Z');
      expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      expect(rig.subjects()).toEqual([OVERDUE]);
    });
  });

  describe.each(['REMINDER_REPORT_OVERDUE_EVERY_DAYS', 'REMINDER_REPORT_OVERDUE_MAX'])('with overdue reminders switched off (%s=0)', (variable) => {
    beforeEach(() => heldOnTheDay({ [variable]: '0' }));

    it('stays withdrawn like any reminder whose day went by: no overdue notice goes out', async () => {
      rig.smtp.refuse(false);
      await rig.sweepAt('2024-12-03T07:00:00Z');
      const [held] = await rig.reminders('pending');
      expect((await rig.dispatcher.dispatch()).withdrawn).toEqual([held.id]);

      await rig.sweepAt('2024-12-03T07:01:00Z');
      expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      await rig.sweepAt('2024-12-09T07:00:00Z');
      expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
      expect(rig.smtp.mails).toEqual([]);
      expect(await rig.reminders()).toEqual([expect.objectContaining({ id: held.id, subject: ON_THE_DAY, status: 'withdrawn' })]);
    });
  });
});

describe.each(testDatabaseKinds())('the reminder on the day of the Frist, written only after it (the service was down; %s)', (kind) => {
  const start = smtpDownRig(kind);

  /** The seed body, its Zwischenbericht due 02.12.2024; the sweeps resume on 04.12. with the SMTP server up. */
  async function afterThePause(env: Record<string, string> = {}) {
    const rig = await start<Message>(env);
    rig.smtp.refuse(false);
    const reminders = (await rig.sweepAt('2024-12-04T07:00:00Z')).filter((entry) => entry.kind === 'reminder' && entry.bodyId === rig.id);
    await rig.dispatcher.dispatch();
    return { rig, reminders };
  }

  it('goes out as „Überfällig seit …“ to the lead and the Geschäftsstelle', async () => {
    const { rig, reminders } = await afterThePause();
    expect(reminders.map((entry) => entry.outcome)).toEqual(['written']);
    expect(rig.subjects()).toEqual([OVERDUE]);
    expect(rig.smtp.mails[0].to.sort()).toEqual([SECRETARIAT, LEAD].sort());
  });

  it.each(['REMINDER_REPORT_OVERDUE_EVERY_DAYS', 'REMINDER_REPORT_OVERDUE_MAX'])('is not written with overdue reminders switched off (%s=0): nothing tells of the overdue report', async (variable) => {
    const { rig, reminders } = await afterThePause({ [variable]: '0' });
    expect(reminders).toEqual([
      expect.objectContaining({ what: expect.stringMatching(/^r1@2024-12-02/), outcome: 'superseded', detail: 'Die Frist ist verstrichen, und Erinnerungen an überfällige Berichte sind abgeschaltet.' }),
    ]);
    expect(rig.smtp.mails).toEqual([]);
    expect(await rig.reminders()).toEqual([]);
    // Nor later: the timer is done with.
    await rig.sweepAt('2024-12-09T07:00:00Z');
    expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    expect(rig.smtp.mails).toEqual([]);
  });
});
