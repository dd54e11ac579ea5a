/**
 * A reminder's words follow the day it was written: „noch 2 Tage“ before the Frist, „Heute
 * fällig“ on its day. One that could not go out by then (SMTP down, service stopped) is withdrawn
 * once the Frist's day has come or gone by (the Berlin day of the attempt), never sent late; the
 * reminder written after the Frist („Überfällig seit …“) goes out. With a real SMTP server.
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

interface Message {
  id: string;
  topic: string;
  subject: string;
  status: string;
  attempts: number;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
}

describe.each(testDatabaseKinds())('reminders that could not go out before their day has gone by (%s)', (kind) => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;
  let scheduler: SchedulerService;
  let dispatcher: DispatcherService;
  let id: string;

  /** The seed body (Zwischenbericht due Monday, 02.12.2024) with the SMTP server down. */
  beforeEach(async () => {
    ({ t, smtp } = await start({ database: kind, env: { SECRETARIAT_EMAIL: SECRETARIAT, DELIVERY_BACKOFF_SECONDS: '30' } }));
    smtp.refuse(true);
    id = await recordSeedBody(t, [{ name: 'Ralf Stettner', email: LEAD }]);
    scheduler = t.app.get(SchedulerService);
    dispatcher = t.app.get(DispatcherService);
    await sweepAt('2024-06-17T06:00:00Z');
  });

  async function sweepAt(instant: string) {
    t.clock.set(instant);
    return scheduler.sweep();
  }

  async function reminders(status?: string): Promise<Message[]> {
    const messages = (await t.http.get(`/api/reminders?body=${id}${status ? `&status=${status}` : ''}`).expect(200)).body.messages as Message[];
    return messages.filter((m) => m.topic === 'reminder');
  }

  const subjects = () => smtp.mails.map((m) => decodeMail(m.raw).subject);

  /** Writes the reminder due at `instant` and fails to send it: it waits in the outbox. */
  async function failedAt(instant: string, subject: string): Promise<Message> {
    await sweepAt(instant);
    expect((await dispatcher.dispatch()).retried).toHaveLength(1);
    const [waiting] = await reminders('pending');
    expect(waiting).toMatchObject({ subject, attempts: 1 });
    return waiting;
  }

  it('„noch 2 Tage“ waiting past the Frist is withdrawn while the overdue reminder written after it goes out in the same round', async () => {
    const early = await failedAt('2024-11-30T06:00:00Z', `Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 2 Tage) – ${SEED_TITLE}`);

    smtp.refuse(false);
    await sweepAt('2024-12-04T06:00:00Z');
    const round = await dispatcher.dispatch();

    const [overdue] = (await reminders()).filter((m) => m.id !== early.id);
    expect(round).toMatchObject({ sent: [overdue.id], withdrawn: [early.id], retried: [], dead: [] });
    expect(subjects()).toEqual([`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`]);
    expect(smtp.mails[0].to.sort()).toEqual([SECRETARIAT, LEAD].sort());
    expect(await reminders('withdrawn')).toEqual([
      expect.objectContaining({
        id: early.id,
        attempts: 1,
        withdrawnAt: '2024-12-04T06:00:00.000Z',
        withdrawnReason: 'Die Frist ist verstrichen: „Zwischenbericht“ ist seit 03.12.2024 überfällig; die Erinnerung vom 30.11.2024 („noch 2 Tage“) käme zu spät.',
      }),
    ]);

    // Withdrawn for its day, it stays written: later rounds neither write it again nor send it.
    await sweepAt('2024-12-05T06:00:00Z');
    expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    expect((await reminders()).map((m) => m.status).sort()).toEqual(['sent', 'withdrawn']);
  });

  it('„noch 2 Tage“ whose retry falls on the day of the Frist is withdrawn: it is due today', async () => {
    await failedAt('2024-11-30T06:00:00Z', `Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 2 Tage) – ${SEED_TITLE}`);

    smtp.refuse(false);
    t.clock.set('2024-12-01T23:30:00Z'); // 00:30 on Monday, 02.12., in Berlin

    expect((await dispatcher.dispatch()).withdrawn).toHaveLength(1);
    expect(smtp.mails).toEqual([]);
    expect((await reminders('withdrawn'))[0].withdrawnReason).toBe(
      'Die Frist ist da: „Zwischenbericht“ ist am 02.12.2024 fällig; die Erinnerung vom 30.11.2024 („noch 2 Tage“) käme zu spät.',
    );
  });

  it('„Heute fällig“ held past its day is not sent the day after (by the day in Berlin), an overdue notice goes out instead', async () => {
    await failedAt('2024-12-02T06:00:00Z', `Heute fällig: Zwischenbericht – ${SEED_TITLE}`);

    smtp.refuse(false);
    t.clock.set('2024-12-02T23:30:00Z'); // 00:30 on Tuesday, 03.12., in Berlin
    const round = await dispatcher.dispatch();

    expect(round).toMatchObject({ sent: [], withdrawn: [expect.any(String)] });
    expect(smtp.mails).toEqual([]);
    expect(await reminders('withdrawn')).toEqual([
      expect.objectContaining({
        attempts: 1,
        withdrawnReason: 'Die Frist ist verstrichen: „Zwischenbericht“ ist seit 03.12.2024 überfällig; die Erinnerung vom 02.12.2024 („Heute fällig“) käme zu spät.',
      }),
    ]);

    // The report turns overdue: the withdrawn „Heute fällig“ is written anew as of the 03.12.
    // („Überfällig seit …“, to the lead and the Geschäftsstelle), and the weekly ones follow from 09.12.
    await sweepAt('2024-12-03T06:00:00Z');
    expect((await dispatcher.dispatch()).sent).toHaveLength(1);
    await sweepAt('2024-12-09T06:00:00Z');
    await dispatcher.dispatch();
    expect(subjects()).toEqual([`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`, `Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`]);
    expect((await reminders()).map((m) => m.status).sort()).toEqual(['sent', 'sent', 'withdrawn']);
  });

  it('„Heute fällig“ retried late on its own day still goes out', async () => {
    const waiting = await failedAt('2024-12-02T06:00:00Z', `Heute fällig: Zwischenbericht – ${SEED_TITLE}`);

    smtp.refuse(false);
    t.clock.set('2024-12-02T22:30:00Z'); // 23:30 on Monday, 02.12., in Berlin

    expect(await dispatcher.dispatch()).toEqual({ sent: [waiting.id], retried: [], dead: [], withdrawn: [] });
    expect(subjects()).toEqual([`Heute fällig: Zwischenbericht – ${SEED_TITLE}`]);
  });
});
