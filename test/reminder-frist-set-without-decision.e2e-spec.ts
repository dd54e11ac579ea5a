/**
 * A report whose current Frist no Beschluss set: one the approval planned and the Geschäftsstelle
 * moved without a decision, and the final report a closure recorded without a decision added. Its
 * reminders cite no Beschluss — not the approval, which did not set that Frist — and say when and
 * by whom the Frist was set; a Frist a decision moved still cites that decision. E-mailed over a
 * real SMTP server, with a real webhook receiver, through the real app.
 */
import { SEED_TITLE } from './deadlines.support';
import { decodeMail } from './support/smtp';
import { SEED_LEAD, seedBodyRig, type ReminderHook } from './support/reminder-rig';
import { testDatabaseKinds } from './support/test-app';

jest.setTimeout(30_000);

const LEADS = [SEED_LEAD];

describe.each(testDatabaseKinds())('reminders of a Frist no decision set (%s)', (kind) => {
  const start = seedBodyRig(kind, LEADS);

  const reportHooks = (hooks: ReminderHook[]) => hooks.filter((h) => h.subject === 'report').map((h) => [h.obligationId, h.decision?.number ?? null]);

  it('a planned report moved without a decision cites none, not the approval, and says when and by whom it was moved', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
    t.clock.set('2024-10-30T10:00:00Z');
    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'date', date: '2024-12-16' }, reason: 'Sitzung verlegt' } })
      .expect(200);

    await remindOn('2024-12-09T06:00:00Z');

    const mails = smtp.mails.map((m) => decodeMail(m.raw));
    const moved = mails.find((m) => m.subject.includes('Zwischenbericht'));
    expect(moved?.subject).toBe(`Erinnerung: Zwischenbericht fällig am 16.12.2024 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(moved?.text).toContain('Beschluss: keiner (Frist am 30.10.2024 verschoben von: Geschäftsstelle)');
    expect(moved?.text).not.toContain('2024/09-AL');
    expect(reportHooks(hooks)).toEqual([['r1', null]]);
  });

  it('the final report a closure without a decision added cites none; a report a decision moved cites that decision', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
    t.clock.set('2024-11-04T10:00:00Z');
    await t.http
      .post('/api/decisions')
      .send({
        number: '2024/42-AL',
        issuer: 'AL-Runde',
        date: '2024-11-01',
        procedure: 'Umlaufverfahren',
        type: 'Beschluss',
        title: 'Zwischenbericht später',
        effects: [{ body: id, effect: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'date', date: '2025-01-31' } } }],
      })
      .expect(201);
    await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent('2024/42-AL')}/apply`).send({ body: id }).expect(200);
    await t.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'closureInitiated', data: { finalReportDue: { kind: 'date', date: '2025-01-31' }, reason: 'Auftrag erfüllt' } })
      .expect(200);

    await remindOn('2025-01-24T06:00:00Z');

    const mails = smtp.mails.map((m) => decodeMail(m.raw));
    const final = mails.find((m) => m.subject.includes('Abschlussbericht'));
    expect(final?.subject).toBe(`Erinnerung: Abschlussbericht fällig am 31.01.2025 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(final?.text).toContain('Beschluss: keiner (Frist am 04.11.2024 mit Einleitung des geordneten Abschlusses festgelegt von: Geschäftsstelle)');
    expect(final?.text).not.toContain('2024/09-AL');
    expect(mails.find((m) => m.subject.includes('Zwischenbericht'))?.text).toContain('Beschluss: 2024/42-AL vom 01.11.2024 (AL-Runde)');
    expect(reportHooks(hooks).sort()).toEqual([
      ['r1', '2024/42-AL'],
      ['r2', null],
    ]);
  });
});
