/**
 * A reminder goes to the contact persons who lead the body when it goes out, not to those who led
 * it when it was written: a lead removed while the message waited for the SMTP server gets
 * nothing more of the body, the new one gets it. Against a real SMTP server, on real SQLite.
 */
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody } from './deadlines.support';
import { startSmtp } from './support/smtp';
import { startTestApp, type TestApp } from './support/test-app';

describe('a reminder waiting while the Federführung changes', () => {
  let restoreEnv: () => void;
  let t: TestApp;
  let closeSmtp: () => Promise<void>;

  afterEach(async () => {
    await t.close();
    await closeSmtp();
    restoreEnv();
  });

  it('goes to the new lead’s contact person, not to the one removed', async () => {
    const smtp = await startSmtp();
    closeSmtp = () => new Promise<void>((resolve) => smtp.server.close(() => resolve()));
    restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), DELIVERY_BACKOFF_SECONDS: '30' });
    t = await startTestApp({ database: 'sqlite' });
    const id = await recordSeedBody(t, [{ name: 'Ralf Stettner', email: 'old@lead.example' }]);
    const [old] = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.contactIds as string[];

    // The SMTP server is down when the reminder is written and first tried.
    smtp.refuse(true);
    t.clock.set('2024-11-04T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
    const dispatcher = t.app.get(DispatcherService);
    expect((await dispatcher.dispatch()).retried.length).toBeGreaterThan(0);

    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'leadsChanged', data: { leads: ['Bayern'], contacts: [{ name: 'Erika Neu', email: 'new@lead.example' }], removedContactIds: [old] } })
      .expect(200);
    smtp.refuse(false);
    t.clock.advance(60_000);
    const round = await dispatcher.dispatch();
    expect(round.sent.length).toBeGreaterThan(0);
    const recipients = smtp.mails.flatMap((m) => m.to);
    expect(recipients).toContain('new@lead.example');
    expect(recipients).not.toContain('old@lead.example');
  });
});
