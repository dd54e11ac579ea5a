/**
 * A reminder's text names the Federführung as it is when the e-mail goes out, as its recipients
 * are: written while Hessen led and sent after the Federführung passed to Bayern, it says Bayern,
 * and the message kept in the outbox says what was sent. Against a real SMTP server, on real
 * SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { Logger } from '@nestjs/common';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody } from './deadlines.support';
import { decodeMail, startSmtp } from './support/smtp';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a reminder written before a change of Federführung (%s)', (database) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let warnings: jest.SpyInstance;

  beforeEach(async () => {
    smtp = await startSmtp();
    restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_REQUIRE_TLS: 'false', DELIVERY_BACKOFF_SECONDS: '30' });
    t = await startTestApp({ database });
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    warnings.mockRestore();
    await t.close();
    await new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    restoreEnv();
  });

  it('names the new Federführung when it goes out, in the e-mail and in the outbox', async () => {
    const id = await recordSeedBody(t, [{ name: 'Ralf Stettner', email: 'old@lead.example' }]);
    const [old] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds as string[];
    smtp.refuse(true);
    t.clock.set('2024-11-04T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
    const dispatcher = t.app.get(DispatcherService);
    const [waiting] = (await dispatcher.dispatch()).retried;
    const written = (await t.http.get('/api/reminders?channel=email').expect(200)).body.messages.find((m: { id: string }) => m.id === waiting);
    expect(written.payload.text).toContain('\nFederführung: Hessen, Bremen, Bund (BMI)\n');

    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'leadsChanged', data: { leads: ['Bayern'], contacts: [{ name: 'Erika Neu', email: 'new@lead.example' }], removedContactIds: [old] } })
      .expect(200);
    smtp.refuse(false);
    t.clock.advance(60_000);
    expect((await dispatcher.dispatch()).sent).toEqual([waiting]);

    const [mail] = smtp.mails;
    expect(mail.to).toEqual(['new@lead.example']);
    const { text } = decodeMail(mail.raw);
    expect(text).toMatch(/^Federführung: Bayern\r?$/m);
    expect(text).not.toContain('Hessen');
    const sent = (await t.http.get('/api/reminders?channel=email').expect(200)).body.messages.find((m: { id: string }) => m.id === waiting);
    expect(sent.status).toBe('sent');
    expect(sent.payload.text).toBe(written.payload.text.replace('Federführung: Hessen, Bremen, Bund (BMI)', 'Federführung: Bayern'));
  });
});
