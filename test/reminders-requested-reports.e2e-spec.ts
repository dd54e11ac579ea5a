/**
 * Reminders of a report a later decision requested, e-mailed over a real SMTP server: the mail
 * names the report by its title and cites the decision that requested it, not the approval.
 */
import { formatSimulation } from '../src/cli/commands/simulate';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody, SEED_TITLE } from './deadlines.support';
import { mailApp } from './support/mail-app';
import { decodeMail } from './support/smtp';
import { testDatabaseKinds } from './support/test-app';

const LEADS = [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }];

describe.each(testDatabaseKinds())('reminders of a report a decision requested (%s)', (kind) => {
  const start = mailApp();

  it('names the requested report by its title and cites the requesting decision; the planned one keeps the approval', async () => {
    const { t, smtp } = await start({ database: kind });
    const id = await recordSeedBody(t, LEADS);
    const scheduler = t.app.get(SchedulerService);
    t.clock.set('2024-06-17T06:00:00Z');
    await scheduler.sweep();

    t.clock.set('2024-10-30T10:00:00Z');
    const report = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Sachstand Registermodernisierung', due: { kind: 'date', date: '2024-12-09' } };
    await t.http
      .post('/api/decisions')
      .send({
        number: '2024/42-AL',
        issuer: 'AL-Runde',
        date: '2024-10-30',
        procedure: 'Umlaufverfahren',
        type: 'Auftrag',
        title: 'Sachstandsbericht Registermodernisierung',
        effects: [{ body: id, effect: 'reportRequested', data: report }],
      })
      .expect(201);
    await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent('2024/42-AL')}/apply`).send({ body: id }).expect(200);

    // The dry run names the reminders as the mails will.
    const { body: simulated } = await t.http.post('/api/simulations').send({ from: '2024-12-02', to: '2024-12-02' }).expect(200);
    const printed = formatSimulation(simulated).split('\n');
    expect(printed).toContain(`02.12.2024  Erinnerung      Erinnerung: Sachstand Registermodernisierung fällig am 09.12.2024 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(printed).toContain(`02.12.2024  Erinnerung      Heute fällig: Zwischenbericht – ${SEED_TITLE}`);

    t.clock.set('2024-12-02T06:00:00Z');
    await scheduler.sweep();
    await t.app.get(DispatcherService).dispatch();

    const mails = smtp.mails.map((m) => decodeMail(m.raw));
    const requested = mails.find((m) => m.subject.includes('09.12.2024'));
    expect(requested?.subject).toBe(`Erinnerung: Sachstand Registermodernisierung fällig am 09.12.2024 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(requested?.text).toContain('Beschluss: 2024/42-AL vom 30.10.2024 (AL-Runde)');
    const planned = mails.find((m) => m.subject.startsWith('Heute fällig'));
    expect(planned?.subject).toBe(`Heute fällig: Zwischenbericht – ${SEED_TITLE}`);
    expect(planned?.text).toContain('Beschluss: 2024/09-AL vom 10.06.2024 (AL-Runde)');
  }, 30_000);
});
