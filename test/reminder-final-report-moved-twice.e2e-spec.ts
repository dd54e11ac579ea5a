/**
 * A final report whose Frist a Beschluss moved and a closure recorded without one moved again: its
 * reminder cites the event that set the Frist as it now stands, which cites no decision, and no
 * longer the Beschluss that moved it first. In the reverse order the Beschluss moved it last and
 * is cited; a closure that names the Frist the Beschluss gave leaves it resting on the Beschluss.
 * The order in the log decides, also for two events of one day. E-mailed over a real SMTP server,
 * with a real webhook receiver, through the real app.
 */
import { SEED_TITLE } from './deadlines.support';
import { decodeMail } from './support/smtp';
import { SEED_LEAD, seedBodyRig, type ReminderHook } from './support/reminder-rig';
import { testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(30_000);

const LEADS = [SEED_LEAD];

const date = (day: string) => ({ kind: 'date', date: day });

/** The Geschäftsstelle asks for an Abschlussbericht due 31.03.2025 (the seed body's second report, `r2`). */
const requestFinalReport = (t: TestApp, id: string) =>
  t.http
    .post(`/api/bodies/${id}/events`)
    .send({ type: 'reportRequested', data: { kind: 'Abschlussbericht', addressee: 'AL-Runde', due: date('2025-03-31') } })
    .expect(200);

/** Beschluss `number` of the AL-Runde, taken on `on`, moves the final report's Frist to `due`, and is applied. */
async function moveByDecision(t: TestApp, id: string, number: string, on: string, due: string) {
  await t.http
    .post('/api/decisions')
    .send({
      number,
      issuer: 'AL-Runde',
      date: on,
      procedure: 'Umlaufverfahren',
      type: 'Beschluss',
      title: 'Abschlussbericht verschoben',
      effects: [{ body: id, effect: 'reportRescheduled', data: { obligationId: 'r2', due: date(due) } }],
    })
    .expect(201);
  await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent(number)}/apply`).send({ body: id }).expect(200);
}

/** The Geschäftsstelle initiates the closure without a decision, giving the final report the Frist `due`. */
const closeWithout = (t: TestApp, id: string, due: string) =>
  t.http
    .post(`/api/bodies/${id}/events`)
    .send({ type: 'closureInitiated', data: { finalReportDue: date(due), reason: 'Auftrag erfüllt' } })
    .expect(200);

describe.each(testDatabaseKinds())('the reminder of a final report moved by a decision and by a closure without one (%s)', (kind) => {
  const start = seedBodyRig(kind, LEADS);

  const finalReportHooks = (hooks: ReminderHook[]) => hooks.filter((h) => h.obligationId === 'r2').map((h) => h.decision?.number ?? null);
  const finalReportMail = (mails: Array<{ subject: string; text: string }>) => mails.find((m) => m.subject.includes('Abschlussbericht'));

  it('moved by a Beschluss, then by a closure without one: cites no decision, not the Beschluss that moved it first', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
    t.clock.set('2024-10-01T10:00:00Z');
    await requestFinalReport(t, id);
    t.clock.set('2024-11-04T10:00:00Z');
    await moveByDecision(t, id, '2024/42-AL', '2024-11-01', '2025-04-30');
    t.clock.set('2024-12-02T10:00:00Z');
    await closeWithout(t, id, '2025-02-28');

    await remindOn('2025-02-21T06:00:00Z');

    const final = finalReportMail(smtp.mails.map((m) => decodeMail(m.raw)));
    expect(final?.subject).toBe(`Erinnerung: Abschlussbericht fällig am 28.02.2025 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(final?.text).toContain('Beschluss: keiner (Frist am 02.12.2024 mit Einleitung des geordneten Abschlusses festgelegt von: Geschäftsstelle)');
    expect(final?.text).not.toContain('2024/42-AL');
    expect(finalReportHooks(hooks)).toEqual([null]);
  });

  it('moved by a Beschluss and by a closure without one on the same day, the closure last: cites no decision', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
    t.clock.set('2024-10-01T10:00:00Z');
    await requestFinalReport(t, id);
    t.clock.set('2024-11-04T10:00:00Z');
    await moveByDecision(t, id, '2024/42-AL', '2024-11-01', '2025-04-30');
    t.clock.set('2024-11-04T11:00:00Z');
    await closeWithout(t, id, '2025-02-28');

    await remindOn('2025-02-21T06:00:00Z');

    const final = finalReportMail(smtp.mails.map((m) => decodeMail(m.raw)));
    expect(final?.text).toContain('Beschluss: keiner (Frist am 04.11.2024 mit Einleitung des geordneten Abschlusses festgelegt von: Geschäftsstelle)');
    expect(final?.text).not.toContain('2024/42-AL');
    expect(finalReportHooks(hooks)).toEqual([null]);
  });

  it('moved by a Beschluss to the Frist a closure without one names again: still cites that Beschluss', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
    t.clock.set('2024-10-01T10:00:00Z');
    await requestFinalReport(t, id);
    t.clock.set('2024-11-04T10:00:00Z');
    await moveByDecision(t, id, '2024/42-AL', '2024-11-01', '2025-02-28');
    t.clock.set('2024-12-02T10:00:00Z');
    await closeWithout(t, id, '2025-02-28');

    await remindOn('2025-02-21T06:00:00Z');

    const final = finalReportMail(smtp.mails.map((m) => decodeMail(m.raw)));
    expect(final?.text).toContain('Beschluss: 2024/42-AL vom 01.11.2024 (AL-Runde)');
    expect(finalReportHooks(hooks)).toEqual(['2024/42-AL']);
  });

  it('moved by a closure without a Beschluss, then by a Beschluss: cites that Beschluss', async () => {
    const { t, id, smtp, hooks, remindOn } = await start<ReminderHook>();
    t.clock.set('2024-10-01T10:00:00Z');
    await requestFinalReport(t, id);
    t.clock.set('2024-11-04T10:00:00Z');
    await closeWithout(t, id, '2025-02-28');
    t.clock.set('2024-12-03T10:00:00Z');
    await moveByDecision(t, id, '2024/51-AL', '2024-12-02', '2025-03-14');

    await remindOn('2025-03-07T06:00:00Z');

    const final = finalReportMail(smtp.mails.map((m) => decodeMail(m.raw)));
    expect(final?.subject).toBe(`Erinnerung: Abschlussbericht fällig am 14.03.2025 (noch 7 Tage) – ${SEED_TITLE}`);
    expect(final?.text).toContain('Beschluss: 2024/51-AL vom 02.12.2024 (AL-Runde)');
    expect(final?.text).not.toContain('Einleitung des geordneten Abschlusses');
    expect(finalReportHooks(hooks)).toEqual(['2024/51-AL']);
  });
});
