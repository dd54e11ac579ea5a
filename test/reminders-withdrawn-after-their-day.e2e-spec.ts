/**
 * A reminder's words follow the day it was written: „noch 2 Tage“ before the Frist, „Heute
 * fällig“ on its day. One that could not go out by then (SMTP down, service stopped) is withdrawn
 * once the Frist's day has come or gone by (the Berlin day of the attempt), never sent late; the
 * reminder written after the Frist („Überfällig seit …“) goes out. With a real SMTP server.
 */
import { SEED_TITLE } from './deadlines.support';
import { SECRETARIAT, SEED_LEAD, smtpDownRig, type SmtpDownRig } from './support/reminder-rig';
import { testDatabaseKinds } from './support/test-app';

jest.setTimeout(30_000);

const LEAD = SEED_LEAD.email;

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
  const start = smtpDownRig(kind);
  let rig: SmtpDownRig<Message>;

  /** The seed body (Zwischenbericht due Monday, 02.12.2024) with the SMTP server down. */
  beforeEach(async () => {
    rig = await start<Message>();
  });

  /** Writes the reminder due at `instant` and fails to send it: it waits in the outbox. */
  async function failedAt(instant: string, subject: string): Promise<Message> {
    await rig.sweepAt(instant);
    expect((await rig.dispatcher.dispatch()).retried).toHaveLength(1);
    const [waiting] = await rig.reminders('pending');
    expect(waiting).toMatchObject({ subject, attempts: 1 });
    return waiting;
  }

  it('„noch 2 Tage“ waiting past the Frist is withdrawn while the overdue reminder written after it goes out in the same round', async () => {
    const early = await failedAt('2024-11-30T06:00:00Z', `Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 2 Tage) – ${SEED_TITLE}`);

    rig.smtp.refuse(false);
    await rig.sweepAt('2024-12-04T06:00:00Z');
    const round = await rig.dispatcher.dispatch();

    const [overdue] = (await rig.reminders()).filter((m) => m.id !== early.id);
    expect(round).toMatchObject({ sent: [overdue.id], withdrawn: [early.id], retried: [], dead: [] });
    expect(rig.subjects()).toEqual([`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`]);
    expect(rig.smtp.mails[0].to.sort()).toEqual([SECRETARIAT, LEAD].sort());
    expect(await rig.reminders('withdrawn')).toEqual([
      expect.objectContaining({
        id: early.id,
        attempts: 1,
        withdrawnAt: '2024-12-04T06:00:00.000Z',
        withdrawnReason: 'Die Frist ist verstrichen: „Zwischenbericht“ ist seit 03.12.2024 überfällig; die Erinnerung vom 30.11.2024 („noch 2 Tage“) käme zu spät.',
      }),
    ]);

    // Withdrawn for its day, it stays written: later rounds neither write it again nor send it.
    await rig.sweepAt('2024-12-05T06:00:00Z');
    expect(await rig.dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    expect((await rig.reminders()).map((m) => m.status).sort()).toEqual(['sent', 'withdrawn']);
  });

  it('„noch 2 Tage“ whose retry falls on the day of the Frist is withdrawn: it is due today', async () => {
    await failedAt('2024-11-30T06:00:00Z', `Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 2 Tage) – ${SEED_TITLE}`);

    rig.smtp.refuse(false);
    rig.t.clock.set('2024-12-01T23:30:00Z'); // 00:30 on Monday, 02.12., in Berlin

    expect((await rig.dispatcher.dispatch()).withdrawn).toHaveLength(1);
    expect(rig.smtp.mails).toEqual([]);
    expect((await rig.reminders('withdrawn'))[0].withdrawnReason).toBe(
      'Die Frist ist da: „Zwischenbericht“ ist am 02.12.2024 fällig; die Erinnerung vom 30.11.2024 („noch 2 Tage“) käme zu spät.',
    );
  });

  it('„Heute fällig“ held past its day is not sent the day after (by the day in Berlin), an overdue notice goes out instead', async () => {
    await failedAt('2024-12-02T06:00:00Z', `Heute fällig: Zwischenbericht – ${SEED_TITLE}`);

    rig.smtp.refuse(false);
    rig.t.clock.set('2024-12-02T23:30:00Z'); // 00:30 on Tuesday, 03.12., in Berlin
    const round = await rig.dispatcher.dispatch();

    expect(round).toMatchObject({ sent: [], withdrawn: [expect.any(String)] });
    expect(rig.smtp.mails).toEqual([]);
    expect(await rig.reminders('withdrawn')).toEqual([
      expect.objectContaining({
        attempts: 1,
        withdrawnReason: 'Die Frist ist verstrichen: „Zwischenbericht“ ist seit 03.12.2024 überfällig; die Erinnerung vom 02.12.2024 („Heute fällig“) käme zu spät.',
      }),
    ]);

    // The report turns overdue: the withdrawn „Heute fällig“ is written anew as of the 03.12.
    // („Überfällig seit …“, to the lead and the Geschäftsstelle), and the weekly ones follow from 09.12.
    await rig.sweepAt('2024-12-03T06:00:00Z');
    expect((await rig.dispatcher.dispatch()).sent).toHaveLength(1);
    await rig.sweepAt('2024-12-09T06:00:00Z');
    await rig.dispatcher.dispatch();
    expect(rig.subjects()).toEqual([`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`, `Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`]);
    expect((await rig.reminders()).map((m) => m.status).sort()).toEqual(['sent', 'sent', 'withdrawn']);
  });

  it('„Heute fällig“ retried late on its own day still goes out', async () => {
    const waiting = await failedAt('2024-12-02T06:00:00Z', `Heute fällig: Zwischenbericht – ${SEED_TITLE}`);

    rig.smtp.refuse(false);
    rig.t.clock.set('2024-12-02T22:30:00Z'); // 23:30 on Monday, 02.12., in Berlin

    expect(await rig.dispatcher.dispatch()).toEqual({ sent: [waiting.id], retried: [], dead: [], withdrawn: [] });
    expect(rig.subjects()).toEqual([`Heute fällig: Zwischenbericht – ${SEED_TITLE}`]);
  });
});
