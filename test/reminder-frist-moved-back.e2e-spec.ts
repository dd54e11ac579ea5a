/**
 * A Frist moved away and back to its former day: the reminder withdrawn while it lay elsewhere is
 * written again and goes out once; one that went out before the move is not sent a second time.
 * Through the real app, with a real SMTP server and a real webhook receiver, on SQLite (and
 * PostgreSQL where TEST_DATABASE_URL is set).
 */
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody, SEED_TITLE } from './deadlines.support';
import { decodeMail } from './support/smtp';
import { reminderRig } from './support/reminder-rig';
import { testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(30_000);

const LEADS = [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }];

interface Message {
  id: string;
  dedupeKey: string;
  topic: string;
  channel: string;
  subject: string;
  status: string;
  sentAt: string | null;
  withdrawnReason: string | null;
}

describe.each(testDatabaseKinds())('a Frist moved away and back to its former day (%s)', (kind) => {
  const rig = reminderRig(kind);
  let t: TestApp;

  async function start() {
    const started = await rig<{ reminderKey: string; daysLeft: number }>();
    t = started.t;
    const { smtp, hooks } = started;
    const id = await recordSeedBody(t, LEADS);
    const scheduler = t.app.get(SchedulerService);
    const dispatcher = t.app.get(DispatcherService);
    /** The reminder mails as they arrived: the day (by the clock) and the subject without the body's title. */
    const mails: Array<{ on: string; subject: string }> = [];
    /** The dispatcher's round, noting the day each mail arrived. */
    const dispatch = async () => {
      const seen = smtp.mails.length;
      const round = await dispatcher.dispatch();
      for (const mail of smtp.mails.slice(seen)) mails.push({ on: t.clock.now().toISOString().slice(0, 10), subject: decodeMail(mail.raw).subject.replace(` – ${SEED_TITLE}`, '') });
      return round;
    };
    /** One turn of the service at `instant`: the scheduler's sweep, then the dispatcher's round. */
    const turn = async (instant: string) => {
      t.clock.set(instant);
      await scheduler.sweep();
      return dispatch();
    };
    await turn('2024-06-17T06:00:00Z');
    return { id, turn, dispatch, received: () => mails, webhooks: hooks, smtp };
  }

  /** The Zwischenbericht's Frist: „im November 2024“ (02.12.2024, the 30th being a Saturday) or another day. */
  const reschedule = (id: string, due: object, reason: string) =>
    t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportRescheduled', data: { obligationId: 'r1', due, reason } }).expect(200);

  async function reminders(id: string): Promise<Message[]> {
    const { body } = await t.http.get(`/api/reminders?body=${id}`).expect(200);
    return (body.messages as Message[]).filter((m) => m.topic === 'reminder');
  }

  it('a reminder withdrawn while its Frist lay elsewhere is written again when the Frist comes back, and goes out that day, once', async () => {
    const { id, turn, dispatch, received, webhooks } = await start();
    // Written on 04.11. (28 days before), still waiting when the Frist moves on the same morning.
    t.clock.set('2024-11-04T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
    t.clock.set('2024-11-04T07:00:00Z');
    await reschedule(id, { kind: 'date', date: '2025-01-31' }, 'Abstimmung mit der AL-Runde');
    expect((await dispatch()).withdrawn).toHaveLength(2);
    expect(received()).toEqual([]);

    t.clock.set('2024-11-18T10:00:00Z');
    await reschedule(id, { kind: 'month', month: '2024-11' }, 'Doch wie ursprünglich geplant');
    await turn('2024-11-18T10:00:00Z');
    await turn('2024-11-19T06:00:00Z');
    await turn('2024-11-25T06:00:00Z');
    await turn('2024-11-26T06:00:00Z');
    await turn('2024-12-02T06:00:00Z');
    await turn('2024-12-02T12:00:00Z');

    expect(received()).toEqual([
      { on: '2024-11-18', subject: 'Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 14 Tage)' },
      { on: '2024-11-25', subject: 'Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 7 Tage)' },
      { on: '2024-12-02', subject: 'Heute fällig: Zwischenbericht' },
    ]);
    expect(webhooks.map(({ receivedOn, daysLeft }) => ({ on: receivedOn, daysLeft }))).toEqual([
      { on: '2024-11-18', daysLeft: 14 },
      { on: '2024-11-25', daysLeft: 7 },
      { on: '2024-12-02', daysLeft: 0 },
    ]);
    // The withdrawn messages stay listed with their reason beside the ones written anew.
    const listed = await reminders(id);
    const withdrawn = listed.filter((m) => m.status === 'withdrawn');
    expect(withdrawn.map((m) => m.withdrawnReason)).toEqual([
      'Die Frist wurde verschoben: „Zwischenbericht“ ist jetzt am 31.01.2025 fällig, nicht mehr am 02.12.2024.',
      'Die Frist wurde verschoben: „Zwischenbericht“ ist jetzt am 31.01.2025 fällig, nicht mehr am 02.12.2024.',
    ]);
    for (const m of withdrawn) expect(m.dedupeKey).toMatch(new RegExp(`^${id}/reminder/r1@2024-12-02-28d/(email|webhook/0)/withdrawn/${m.id}$`));
    expect(listed.filter((m) => m.status === 'sent')).toHaveLength(6);
    expect(listed.filter((m) => m.status === 'pending')).toEqual([]);
    const again = listed.find((m) => m.status === 'sent' && m.channel === 'email' && m.subject.includes('noch 14 Tage'))!;
    expect(again.dedupeKey).toBe(`${id}/reminder/r1@2024-12-02-28d/email`);
  });

  it('a reminder that went out before the Frist moved away and back is not sent again', async () => {
    const { id, turn, received, webhooks } = await start();
    await turn('2024-11-04T06:00:00Z');
    t.clock.set('2024-11-12T10:00:00Z');
    await reschedule(id, { kind: 'date', date: '2025-01-31' }, 'Abstimmung mit der AL-Runde');
    await turn('2024-11-12T10:00:00Z');
    t.clock.set('2024-11-18T10:00:00Z');
    await reschedule(id, { kind: 'month', month: '2024-11' }, 'Doch wie ursprünglich geplant');
    await turn('2024-11-18T10:00:00Z');
    await turn('2024-11-25T06:00:00Z');
    await turn('2024-11-25T12:00:00Z');

    expect(received()).toEqual([
      { on: '2024-11-04', subject: 'Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 28 Tage)' },
      { on: '2024-11-25', subject: 'Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 7 Tage)' },
    ]);
    expect(webhooks.map(({ receivedOn, daysLeft }) => ({ on: receivedOn, daysLeft }))).toEqual([
      { on: '2024-11-04', daysLeft: 28 },
      { on: '2024-11-25', daysLeft: 7 },
    ]);
    expect((await reminders(id)).map((m) => m.status).sort()).toEqual(['sent', 'sent', 'sent', 'sent']);
  });

  it('a reminder whose webhook went out while its e-mail waited for a retry, then withdrawn, is not written again', async () => {
    const { id, turn, received, webhooks, smtp } = await start();
    smtp.refuse(true);
    await turn('2024-11-04T06:00:00Z');
    expect(webhooks).toHaveLength(1);
    t.clock.set('2024-11-04T07:00:00Z');
    await reschedule(id, { kind: 'date', date: '2025-01-31' }, 'Abstimmung mit der AL-Runde');
    smtp.refuse(false);
    expect((await turn('2024-11-04T08:00:00Z')).withdrawn).toHaveLength(1);
    t.clock.set('2024-11-18T10:00:00Z');
    await reschedule(id, { kind: 'month', month: '2024-11' }, 'Doch wie ursprünglich geplant');
    await turn('2024-11-18T10:00:00Z');
    await turn('2024-11-25T06:00:00Z');

    expect(received()).toEqual([{ on: '2024-11-25', subject: 'Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 7 Tage)' }]);
    expect(webhooks.map(({ receivedOn, daysLeft }) => ({ on: receivedOn, daysLeft }))).toEqual([
      { on: '2024-11-04', daysLeft: 28 },
      { on: '2024-11-25', daysLeft: 7 },
    ]);
    expect((await reminders(id)).map((m) => `${m.channel} ${m.status}`).sort()).toEqual(['email sent', 'email withdrawn', 'webhook sent', 'webhook sent']);
  });
});
