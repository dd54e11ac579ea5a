/**
 * A reminder's text names the Federführung as it is when the e-mail goes out, as its recipients
 * are: written while Hessen led and sent after the Federführung passed to Bayern, it says Bayern,
 * and the message kept in the outbox says what was sent. Against a real SMTP server, on real
 * SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { Logger } from '@nestjs/common';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody } from './deadlines.support';
import { mailApp } from './support/mail-app';
import { decodeMail, type TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

describe.each(testDatabaseKinds())('a reminder written before a change of Federführung (%s)', (database) => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;
  let warnings: jest.SpyInstance;

  beforeEach(async () => {
    ({ t, smtp } = await start({ database, env: { SMTP_REQUIRE_TLS: 'false', DELIVERY_BACKOFF_SECONDS: '30' } }));
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => warnings.mockRestore());

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
