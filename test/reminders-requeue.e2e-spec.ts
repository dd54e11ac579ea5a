/**
 * The Geschäftsstelle puts a dead-lettered message back into the queue once the address or the
 * mail server is mended (POST /api/reminders/{id}/requeue, `gremienlauf reminder requeue ID`):
 * its attempts start again, whoever took it is not sent to again, and a withdrawn message never
 * goes out. Against a real SMTP server, on real SQLite and (with TEST_DATABASE_URL) PostgreSQL.
 */
import { Logger } from '@nestjs/common';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { recordSeedBody } from './deadlines.support';
import { cliAgainst } from './support/cli-run';
import { mailApp } from './support/mail-app';
import type { TestSmtp } from './support/smtp';
import { testDatabaseKinds, type TestApp } from './support/test-app';

const LEAD = 'ralf.stettner@hessen.example';
const DEPUTY = 'anna.kranz@bremen.example';

interface Message {
  id: string;
  status: string;
  attempts: number;
  attemptLog: Array<{ ok?: boolean; error?: string; delivered?: string[]; requeuedBy?: string }>;
  lastError: string | null;
  withdrawnReason: string | null;
}

describe.each(testDatabaseKinds())('a dead message put back into the queue (%s)', (database) => {
  const start = mailApp();
  let t: TestApp;
  let smtp: TestSmtp;
  let warnings: jest.SpyInstance;
  let bodyId: string;

  beforeEach(async () => {
    ({ t, smtp } = await start({ database, env: { SMTP_REQUIRE_TLS: 'false', DELIVERY_BACKOFF_SECONDS: '30', DELIVERY_MAX_ATTEMPTS: '2' } }));
    warnings = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    bodyId = await recordSeedBody(t, [
      { name: 'Ralf Stettner', email: LEAD },
      { name: 'Anna Kranz', email: DEPUTY },
    ]);
    t.clock.set('2024-11-04T06:00:00Z');
    await t.app.get(SchedulerService).sweep();
  });

  afterEach(() => warnings.mockRestore());

  const messages = async (): Promise<Message[]> => (await t.http.get('/api/reminders?channel=email').expect(200)).body.messages;
  const received = (address: string) => smtp.mails.filter((m) => m.to.includes(address)).length;

  it('goes to the address refused for good once it is mended, and not again to the one that took it', async () => {
    smtp.refuseRecipient(LEAD, { code: 550, message: 'No such user here' });
    const dispatcher = t.app.get(DispatcherService);
    const [dead] = (await dispatcher.dispatch()).dead;
    expect(dead).toBeDefined();
    expect((await messages()).find((m) => m.id === dead)?.status).toBe('dead');
    expect([received(LEAD), received(DEPUTY)]).toEqual([0, 1]);

    smtp.refuseRecipient(LEAD, null);
    t.clock.advance(3600_000);
    const { body } = await t.http.post(`/api/reminders/${dead}/requeue`).expect(200);
    expect(body).toMatchObject({ id: dead, status: 'pending', attempts: 0, nextAttemptAt: t.clock.now().toISOString(), lastError: null });
    expect(body.attemptLog).toEqual([expect.objectContaining({ ok: false, delivered: [DEPUTY] }), { at: t.clock.now().toISOString(), requeuedBy: 'geschaeftsstelle' }]);
    expect(t.securityLog).toContainEqual(expect.objectContaining({ event: 'outbox.requeued', username: 'geschaeftsstelle', role: 'secretariat', message: dead }));

    expect((await dispatcher.dispatch()).sent).toEqual([dead]);
    expect([received(LEAD), received(DEPUTY)]).toEqual([1, 1]);
    const sent = (await messages()).find((m) => m.id === dead);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    // Putting it back is no attempt: the log holds it between the two attempts, with who did it and no outcome.
    expect(sent?.attemptLog.map((a) => a.ok ?? a.requeuedBy)).toEqual([false, 'geschaeftsstelle', true]);

    const again = await t.http.post(`/api/reminders/${dead}/requeue`).expect(409);
    expect(again.body.message).toBe(`Die Nachricht ${dead} („${body.subject}“) ist schon versandt. Erneut in den Ausgang legen lässt sich nur eine unzustellbare Nachricht (dead).`);
  });

  it('gets the usual retries again after its attempts ran out', async () => {
    smtp.refuse(true);
    const dispatcher = t.app.get(DispatcherService);
    const [id] = (await dispatcher.dispatch()).retried;
    t.clock.advance(30_000);
    expect((await dispatcher.dispatch()).dead).toEqual([id]);

    await t.http.post(`/api/reminders/${id}/requeue`).expect(200);
    // Still down: a failed attempt again, but the first of the new count, so the message waits for the next.
    expect((await dispatcher.dispatch()).retried).toEqual([id]);
    expect((await messages()).find((m) => m.id === id)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(warnings.mock.calls.map(([line]) => String(line)).at(-1)).toMatch(/\(Versuch 1 von 2, nächster ab /);

    smtp.refuse(false);
    t.clock.advance(30_000);
    expect((await dispatcher.dispatch()).sent).toEqual([id]);
    expect([received(LEAD), received(DEPUTY)]).toEqual([1, 1]);
  });

  it('is withdrawn instead of sent when it no longer applies, and a withdrawn message cannot be put back', async () => {
    smtp.refuse(true);
    const dispatcher = t.app.get(DispatcherService);
    const [id] = (await dispatcher.dispatch()).retried;
    t.clock.advance(30_000);
    expect((await dispatcher.dispatch()).dead).toEqual([id]);

    t.clock.set('2024-11-20T09:00:00Z');
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'reportSubmitted', data: { obligationId: 'r1' } }).expect(200);
    smtp.refuse(false);
    await t.http.post(`/api/reminders/${id}/requeue`).expect(200);
    expect((await dispatcher.dispatch()).withdrawn).toEqual([id]);
    expect(smtp.mails).toHaveLength(0);

    const before = (await messages()).find((m) => m.id === id);
    expect(before?.status).toBe('withdrawn');
    const refused = await t.http.post(`/api/reminders/${id}/requeue`).expect(409);
    expect(refused.body.message).toMatch(new RegExp(`^Die Nachricht ${id} \\(„.+“\\) wurde zurückgezogen und geht nicht mehr hinaus: Der Bericht „Zwischenbericht“ liegt vor: eingereicht am 20\\.11\\.2024\\. Erneut in den Ausgang legen lässt sich nur eine unzustellbare Nachricht \\(dead\\)\\.$`));
    expect((await messages()).find((m) => m.id === id)).toEqual(before);
  });

  it('is refused for an unknown id, a waiting message, and for auditors and leads', async () => {
    await t.http.post('/api/reminders/0193a0c4-0000-7000-8000-000000000000/requeue').expect(404);
    const [waiting] = await messages();
    expect(waiting.status).toBe('pending');
    const conflict = await t.http.post(`/api/reminders/${waiting.id}/requeue`).expect(409);
    expect(conflict.body.message).toContain('wartet schon im Ausgang auf ihren nächsten Versuch');

    smtp.refuseRecipient(LEAD, { code: 550, message: 'No such user here' });
    smtp.refuseRecipient(DEPUTY, { code: 550, message: 'No such user here' });
    const [dead] = (await t.app.get(DispatcherService).dispatch()).dead;
    const auditor = await t.user('auditor');
    await auditor.http.post(`/api/reminders/${dead}/requeue`).expect(403);
    const { body: registered } = await t.http.get(`/api/bodies/${bodyId}`).expect(200);
    const lead = await t.user('lead', { contactId: registered.contacts[0].id });
    await lead.http.post(`/api/reminders/${dead}/requeue`).expect(403);
    expect((await messages()).find((m) => m.id === dead)?.status).toBe('dead');
  });

  it('is listed and put back by the CLI, which names a message that is not dead', async () => {
    smtp.refuseRecipient(LEAD, { code: 550, message: 'No such user here' });
    smtp.refuseRecipient(DEPUTY, { code: 550, message: 'No such user here' });
    const [dead] = (await t.app.get(DispatcherService).dispatch()).dead;

    const listed = await cliAgainst(t, ['reminder', 'list', '--status', 'unzustellbar']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(dead);
    expect(listed.stdout).toContain('unzustellbar');

    const requeued = await cliAgainst(t, ['reminder', 'requeue', dead]);
    expect(requeued).toMatchObject({ code: 0, stderr: '' });
    expect(requeued.stdout).toMatch(new RegExp(`^Nachricht ${dead} \\(„.+“\\) wieder im Ausgang: nächster Versuch ab 04\\.11\\.2024, 07:00:00\\.\\n?$`));

    const again = await cliAgainst(t, ['reminder', 'requeue', dead]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('wartet schon im Ausgang auf ihren nächsten Versuch');
  });
});
