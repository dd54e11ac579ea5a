/**
 * A report the Geschäftsstelle asked for without a decision (`reportRequested` citing none): its
 * reminders cite no Beschluss — not the approval, which did not ask for it — and say who set the
 * report and when. Reports the approval planned still cite the approval. E-mailed over a real
 * SMTP server, with a real webhook receiver, through the real app.
 */
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody, SEED_TITLE } from './deadlines.support';
import { decodeMail } from './support/smtp';
import { reminderRig } from './support/reminder-rig';
import { testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(30_000);

const LEADS = [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }];

interface ReminderHook {
  type: string;
  obligationId: string;
  decision: { number: string } | null;
}

describe.each(testDatabaseKinds())('reminders of a report requested without a decision (%s)', (kind) => {
  const rig = reminderRig(kind);
  let t: TestApp;

  async function start() {
    const started = await rig<ReminderHook>();
    t = started.t;
    const { smtp, hooks } = started;
    const id = await recordSeedBody(t, LEADS);
    t.clock.set('2024-06-17T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
    return { id, smtp, hooks };
  }

  async function remindOn(instant: string) {
    t.clock.set(instant);
    await t.app.get(SchedulerService).sweep();
    await t.app.get(DispatcherService).dispatch();
  }

  const REPORT = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Sachstand Registermodernisierung', due: { kind: 'date', date: '2024-12-09' } };

  it('cites no decision, says the Geschäftsstelle set the report; the planned report keeps the approval', async () => {
    const { id, smtp, hooks } = await start();
    t.clock.set('2024-10-30T10:00:00Z');
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportRequested', data: REPORT }).expect(200);

    await remindOn('2024-12-02T06:00:00Z');

    const mails = smtp.mails.map((m) => decodeMail(m.raw));
    const requested = mails.find((m) => m.subject.includes('Sachstand Registermodernisierung'));
    expect(requested?.subject).toBe(`Erinnerung: Sachstand Registermodernisierung fällig am 09.12.2024 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(requested?.text).toContain('Beschluss: keiner (Berichtspflicht am 30.10.2024 festgelegt von: Geschäftsstelle)');
    expect(requested?.text).not.toContain('2024/09-AL');
    const planned = mails.find((m) => m.subject.startsWith('Heute fällig'));
    expect(planned?.text).toContain('Beschluss: 2024/09-AL vom 10.06.2024 (AL-Runde)');
    expect(hooks.map((h) => [h.obligationId, h.decision?.number ?? null]).sort()).toEqual([
      ['r1', '2024/09-AL'],
      ['r2', null],
    ]);
  });

  it('beside a report another decision requested, each reminder cites its own request', async () => {
    const { id, smtp, hooks } = await start();
    t.clock.set('2024-10-30T10:00:00Z');
    await t.http
      .post('/api/decisions')
      .send({
        number: '2024/42-AL',
        issuer: 'AL-Runde',
        date: '2024-10-30',
        procedure: 'Umlaufverfahren',
        type: 'Auftrag',
        title: 'Bericht zur Nachnutzung',
        effects: [{ body: id, effect: 'reportRequested', data: { ...REPORT, title: 'Nachnutzung', due: { kind: 'date', date: '2024-12-16' } } }],
      })
      .expect(201);
    await t.http.post(`/api/bodies/${id}/events`).send({ type: 'reportRequested', data: REPORT }).expect(200);
    await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent('2024/42-AL')}/apply`).send({ body: id }).expect(200);

    await remindOn('2024-12-09T06:00:00Z');

    const mails = smtp.mails.map((m) => decodeMail(m.raw));
    expect(mails.find((m) => m.subject.startsWith('Heute fällig: Sachstand Registermodernisierung'))?.text).toContain(
      'Beschluss: keiner (Berichtspflicht am 30.10.2024 festgelegt von: Geschäftsstelle)',
    );
    expect(mails.find((m) => m.subject.includes('Nachnutzung'))?.text).toContain('Beschluss: 2024/42-AL vom 30.10.2024 (AL-Runde)');
    expect(hooks.map((h) => [h.obligationId, h.decision?.number ?? null]).sort()).toEqual([
      ['r1', '2024/09-AL'],
      ['r2', null],
      ['r3', '2024/42-AL'],
    ]);
  });
});
