/**
 * A report the Geschäftsstelle asked for without a decision (`reportRequested` citing none): its
 * reminders cite no Beschluss — not the approval, which did not ask for it — and say who set the
 * report and when. Reports the approval planned still cite the approval. E-mailed over a real
 * SMTP server, with a real webhook receiver, through the real app.
 */
import { SEED_TITLE } from './deadlines.support';
import { decodeMail } from './support/smtp';
import { SEED_LEAD, seedBodyRig, type ReminderHook } from './support/reminder-rig';
import { testDatabaseKinds } from './support/test-app';

jest.setTimeout(30_000);

const LEADS = [SEED_LEAD];

describe.each(testDatabaseKinds())('reminders of a report requested without a decision (%s)', (kind) => {
  const start = seedBodyRig(kind, LEADS);

  const REPORT = { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', title: 'Sachstand Registermodernisierung', due: { kind: 'date', date: '2024-12-09' } };

  it('cites no decision, says the Geschäftsstelle set the report; the planned report keeps the approval', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
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
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
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
