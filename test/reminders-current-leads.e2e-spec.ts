/**
 * A reminder goes to the contact persons who lead the body when it goes out, not to those who led
 * it when it was written: a lead removed while the message waited for the SMTP server gets
 * nothing more of the body, the new one gets it. Against a real SMTP server, on real SQLite.
 */
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody } from './deadlines.support';
import { mailApp } from './support/mail-app';

describe('a reminder waiting while the Federführung changes', () => {
  const start = mailApp();

  it('goes to the new lead’s contact person, not to the one removed', async () => {
    const { t, smtp } = await start({ database: 'sqlite', env: { DELIVERY_BACKOFF_SECONDS: '30' } });
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
