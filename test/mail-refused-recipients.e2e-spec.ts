/**
 * An e-mail the SMTP server takes for some recipients and refuses for others (at RCPT TO) is not
 * counted as delivered to the refused ones: they are tried again (4xx) or the message is
 * dead-lettered naming them (5xx), and those who took it never get a second copy. Against a real
 * SMTP server, on real SQLite.
 */
import { Logger } from '@nestjs/common';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody } from './deadlines.support';
import { mailApp } from './support/mail-app';
import type { ReceivedMail, TestSmtp } from './support/smtp';
import type { TestApp } from './support/test-app';

const LEAD = 'ralf.stettner@hessen.example';
const DEPUTY = 'anna.kranz@bremen.example';

interface Message {
  id: string;
  status: string;
  attempts: number;
  attemptLog: Array<{ ok: boolean; error?: string; delivered?: string[]; refused?: Array<{ address: string; reason: string; permanent: boolean }> }>;
  lastError: string | null;
}

describe('an e-mail the SMTP server refuses for one of its recipients', () => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;
  let warnings: jest.SpyInstance;

  beforeEach(async () => {
    ({ t, smtp } = await start({ database: 'sqlite', env: { SMTP_REQUIRE_TLS: 'false', DELIVERY_BACKOFF_SECONDS: '30' } }));
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await recordSeedBody(t, [
      { name: 'Ralf Stettner', email: LEAD },
      { name: 'Anna Kranz', email: DEPUTY },
    ]);
    t.clock.set('2024-11-04T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
  });

  afterEach(() => warnings.mockRestore());

  const messages = async (): Promise<Message[]> => (await t.http.get('/api/reminders?channel=email').expect(200)).body.messages;
  /** The delivery ids (X-Gremienlauf-Delivery) of the mails an address received, one per mail. */
  const receivedBy = (address: string): string[] =>
    smtp.mails.filter((m: ReceivedMail) => m.to.includes(address)).map((m) => /^X-Gremienlauf-Delivery: (\S+)$/im.exec(m.raw)?.[1] ?? '?');

  it('is delivered to the refused recipient once the server takes it (450), and to the other exactly once', async () => {
    smtp.refuseRecipient(LEAD, { code: 450, message: 'Mailbox temporarily unavailable' });
    const dispatcher = t.app.get(DispatcherService);

    const first = await dispatcher.dispatch();
    const ids = (await messages()).map((m) => m.id).sort();
    expect(ids.length).toBeGreaterThan(0);
    expect(first.sent).toEqual([]);
    expect([...first.retried].sort()).toEqual(ids);
    expect(receivedBy(DEPUTY).sort()).toEqual(ids);
    expect(receivedBy(LEAD)).toEqual([]);
    for (const m of await messages()) {
      expect(m.status).toBe('pending');
      expect(m.attemptLog).toHaveLength(1);
      expect(m.attemptLog[0].ok).toBe(false);
      expect(m.attemptLog[0].error).toMatch(new RegExp(`abgelehnt: ${LEAD} \\(450 .*Mailbox temporarily unavailable; vorübergehend\\)\\. Zugestellt an: ${DEPUTY}\\.`));
      expect(m.lastError).toBe(m.attemptLog[0].error);
      // The answer names each address apart, as the attempt log holds it.
      expect(m.attemptLog[0]).toMatchObject({ delivered: [DEPUTY], refused: [{ address: LEAD, reason: expect.stringMatching(/^450 .*Mailbox temporarily unavailable/), permanent: false }] });
    }
    const lines = warnings.mock.calls.map(([line]) => String(line));
    expect(lines).toHaveLength(ids.length);
    for (const line of lines) {
      expect(line).toMatch(/nicht an alle zugestellt \(Versuch 1 von 8, nächster ab \S+, nur an die vorübergehend abgelehnten\): 1 von 2 Empfängern abgelehnt \(450 /);
      expect(line).not.toContain(LEAD);
    }

    // Still refused: tried again for the lead only.
    t.clock.advance(30_000);
    expect([...(await dispatcher.dispatch()).retried].sort()).toEqual(ids);
    expect(smtp.mails.filter((m) => m.to.includes(DEPUTY))).toHaveLength(ids.length);

    smtp.refuseRecipient(LEAD, null);
    t.clock.advance(60_000);
    expect([...(await dispatcher.dispatch()).sent].sort()).toEqual(ids);
    expect(receivedBy(LEAD).sort()).toEqual(ids);
    expect(receivedBy(DEPUTY).sort()).toEqual(ids);
    for (const m of await messages()) {
      expect(m.status).toBe('sent');
      expect(m.attempts).toBe(3);
      expect(m.attemptLog.map((a) => a.ok)).toEqual([false, false, true]);
    }
  });

  it('is dead-lettered naming the recipient refused for good (550), after the other got it exactly once', async () => {
    smtp.refuseRecipient(LEAD, { code: 550, message: 'No such user here' });
    const dispatcher = t.app.get(DispatcherService);

    const first = await dispatcher.dispatch();
    const ids = (await messages()).map((m) => m.id).sort();
    expect(ids.length).toBeGreaterThan(0);
    expect([...first.dead].sort()).toEqual(ids);
    expect(receivedBy(DEPUTY).sort()).toEqual(ids);
    expect(receivedBy(LEAD)).toEqual([]);
    for (const m of await messages()) {
      expect(m.status).toBe('dead');
      expect(m.lastError).toMatch(new RegExp(`abgelehnt: ${LEAD} \\(550 .*No such user here; dauerhaft\\)\\. Zugestellt an: ${DEPUTY}\\.`));
      expect(m.attemptLog).toEqual([expect.objectContaining({ ok: false, error: m.lastError })]);
    }
    expect(warnings.mock.calls.map(([line]) => String(line))).toEqual(ids.map(() => expect.stringMatching(/nicht an alle zustellbar: 1 von 2 Empfängern abgelehnt \(550 /)));

    t.clock.advance(24 * 3600_000);
    expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    expect(smtp.mails).toHaveLength(ids.length);
  });
});
