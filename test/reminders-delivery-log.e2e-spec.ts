/**
 * A failed delivery is logged: one line per message and distinct error, naming the message,
 * how many it was for and why, not the mail itself. Against a real SMTP server that offers no
 * STARTTLS while SMTP_REQUIRE_TLS=true asks for it, on real SQLite.
 */
import { Logger } from '@nestjs/common';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody } from './deadlines.support';
import { mailApp } from './support/mail-app';

const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';

describe('a failed e-mail delivery', () => {
  const start = mailApp();
  let warnings: jest.SpyInstance;

  afterEach(() => warnings.mockRestore());

  it('is logged once per message and error, with the recipients counted and the reason, while the message waits for its next attempt', async () => {
    const { t, smtp } = await start({ database: 'sqlite', env: { SMTP_REQUIRE_TLS: 'true', SECRETARIAT_EMAIL: SECRETARIAT, DELIVERY_BACKOFF_SECONDS: '30' } });
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    await recordSeedBody(t, [{ name: 'Ralf Stettner', email: 'ralf.stettner@hessen.example' }]);
    t.clock.set('2024-11-04T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
    const dispatcher = t.app.get(DispatcherService);

    const first = await dispatcher.dispatch();
    expect(first.retried.length).toBeGreaterThan(0);
    const lines = warnings.mock.calls.map(([line]) => String(line));
    expect(lines).toHaveLength(first.retried.length);
    for (const [index, id] of first.retried.entries()) {
      expect(lines[index]).toMatch(new RegExp(`^E-Mail „.+“ \\(Nachricht ${id}, \\d+ Empfänger\\) nicht zugestellt \\(Versuch 1 von 8, nächster ab \\S+\\): .+TLS`, 'i'));
      expect(lines[index]).not.toContain('\n');
    }
    expect(smtp.mails).toHaveLength(0);

    // The same error again: the message is still tried, the log stays quiet.
    t.clock.advance(30_000);
    expect((await dispatcher.dispatch()).retried).toEqual(first.retried);
    expect(warnings).toHaveBeenCalledTimes(first.retried.length);
    const { body } = await t.http.get('/api/reminders?channel=email').expect(200);
    expect(body.messages.every((m: { status: string; attempts: number }) => m.status === 'pending' && m.attempts === 2)).toBe(true);
  });
});
