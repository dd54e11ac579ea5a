import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody, SEED_TITLE } from './deadlines.support';
import { decodeMail, startSmtp } from './support/smtp';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

const SECRET = 'ein-geheimnis-fuer-die-tests-0123456789';
const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';
const LEADS = [
  { name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' },
  { name: 'Carola Heilemann-Jeschke', organization: 'Hansestadt Bremen', email: 'carola.heilemann-jeschke@bremen.example' },
  { name: 'Dr. Pamela Müller-Niese', organization: 'BMI' },
];

interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A real HTTP receiver answering each request with the next status of `statuses` (the last one repeats). */
async function startReceiver(statuses: number[]): Promise<{ server: Server; url: string; hooks: ReceivedHook[] }> {
  const hooks: ReceivedHook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[Math.min(hooks.length, statuses.length - 1)];
      hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/gremienlauf`, hooks };
}

describe.each(testDatabaseKinds())('reminders by e-mail and webhook, through the outbox (%s)', (kind) => {
  let restoreEnv: () => void;
  let t: TestApp;
  let closers: Array<() => Promise<void>>;

  beforeEach(() => {
    closers = [];
  });

  afterEach(async () => {
    await t?.close();
    for (const close of closers) await close();
    restoreEnv();
  });

  async function start(env: Record<string, string>) {
    restoreEnv = deadlinesEnv(env);
    t = await startTestApp({ database: kind });
    const id = await recordSeedBody(t, LEADS);
    return { id, scheduler: t.app.get(SchedulerService), dispatcher: t.app.get(DispatcherService) };
  }

  async function sweepAt(scheduler: SchedulerService, instant: string) {
    t.clock.set(instant);
    return scheduler.sweep();
  }

  it('e-mails the reminder in German over SMTP: to the leads first, with the secretariat once the report is overdue', async () => {
    const smtp = await startSmtp();
    closers.push(() => smtp.close());
    const { id, scheduler, dispatcher } = await start({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: 'Gremienlauf <gremienlauf@it-planungsrat.example>',
      SECRETARIAT_EMAIL: SECRETARIAT,
    });
    await sweepAt(scheduler, '2024-06-17T06:00:00Z');
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    expect(await dispatcher.dispatch()).toMatchObject({ sent: [expect.any(String)], retried: [], dead: [] });

    expect(smtp.mails).toHaveLength(1);
    const [first] = smtp.mails;
    expect(first.from).toBe('gremienlauf@it-planungsrat.example');
    expect(first.to.sort()).toEqual([LEADS[0].email, LEADS[1].email].sort());
    const mail = decodeMail(first.raw);
    expect(mail.subject).toBe(`Erinnerung: Zwischenbericht fällig am 02.12.2024 (noch 28 Tage) – ${SEED_TITLE}`);
    expect(mail.text).toContain(`Gremium: ${SEED_TITLE}, Projektgruppe unter AL-Runde`);
    expect(mail.text).toContain('Frist: Zwischenbericht an IT-Planungsrat, im November 2024 (Monatsende)');
    expect(mail.text).toContain(
      'Fällig am: Montag, 02.12.2024 (ursprünglich Samstag, 30.11.2024; verschoben nach § 193 BGB, § 31 Abs. 3 VwVfG)',
    );
    // The decision's own date (10.06.2024), not that of the approval event (12.06.2024).
    expect(mail.text).toContain('Beschluss: 2024/09-AL vom 10.06.2024 (AL-Runde)');
    expect(mail.text).toContain(`Link: https://gremienlauf.example/gremien/${id}`);

    await sweepAt(scheduler, '2024-12-02T06:00:00Z');
    // „Heute fällig“ goes out on its day; held until 09.12. it would be withdrawn.
    await dispatcher.dispatch();
    await sweepAt(scheduler, '2024-12-09T06:00:00Z');
    await dispatcher.dispatch();
    const overdue = smtp.mails.map((m) => ({ ...decodeMail(m.raw), to: m.to })).find((m) => m.subject.startsWith('Überfällig'));
    expect(overdue?.subject).toBe(`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`);
    expect(overdue?.to).toContain(SECRETARIAT);
    expect(overdue?.text).toContain('Stand: überfällig seit 03.12.2024');

    // Nothing is sent twice.
    expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    expect(smtp.mails).toHaveLength(3);
  }, 20_000);

  it('e-mails the expiry of a term as ended with its last day, the day after it', async () => {
    const smtp = await startSmtp();
    closers.push(() => smtp.close());
    const { scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SECRETARIAT_EMAIL: SECRETARIAT });
    await sweepAt(scheduler, '2024-06-17T06:00:00Z');
    await sweepAt(scheduler, '2025-03-31T06:00:00Z');
    await dispatcher.dispatch();
    const before = smtp.mails.length;
    await sweepAt(scheduler, '2025-04-01T06:00:00Z');
    await dispatcher.dispatch();

    const mails = smtp.mails.slice(before).map((m) => ({ ...decodeMail(m.raw), to: m.to }));
    const expired = mails.find((m) => m.subject.startsWith('Laufzeit'));
    expect(expired?.subject).toBe(`Laufzeit mit Ablauf des 31.03.2025 abgelaufen, Beschluss erforderlich – ${SEED_TITLE}`);
    expect(expired?.to).toContain(SECRETARIAT);
    expect(expired?.text).toContain('Befristet bis: Montag, 31.03.2025');
    expect(expired?.text).toContain('Stand: mit Ablauf des 31.03.2025 abgelaufen');
    expect(mails.some((m) => `${m.subject}\n${m.text}`.includes('abgelaufen am'))).toBe(false);
  }, 20_000);

  it('posts signed webhooks and retries after a receiver that fails first', async () => {
    const receiver = await startReceiver([500, 200]);
    closers.push(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));
    const { id, scheduler, dispatcher } = await start({ WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET, DELIVERY_BACKOFF_SECONDS: '30' });
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');

    const first = await dispatcher.dispatch();
    expect(first.retried).toHaveLength(1);
    const failedId = first.retried[0];
    expect(first.sent.length).toBeGreaterThan(0);

    t.clock.advance(29_000);
    expect((await dispatcher.dispatch()).sent).toEqual([]);
    t.clock.advance(1_000);
    expect((await dispatcher.dispatch()).sent).toEqual([failedId]);

    for (const hook of receiver.hooks) {
      const expected = `sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`;
      expect(hook.headers['x-gremienlauf-signature']).toBe(expected);
      expect(hook.headers['content-type']).toBe('application/json');
    }
    const deliveries = receiver.hooks.map((h) => h.headers['x-gremienlauf-delivery']);
    expect(deliveries.filter((d) => d === failedId)).toHaveLength(2);

    const topics = receiver.hooks.filter((h) => h.status === 200).map((h) => JSON.parse(h.body));
    // The first delivery failed and came last: receivers order by the event's version, not by arrival.
    expect(topics.filter((p) => p.type === 'event').map((p) => `${p.event.version} ${p.event.type}`)).toEqual([
      '2 submitted',
      '3 approved',
      '4 started',
      '1 registered',
    ]);
    const reminder = topics.find((p) => p.type === 'reminder');
    expect(reminder).toMatchObject({
      bodyId: id,
      bodyTitle: SEED_TITLE,
      phase: 'before',
      daysLeft: 28,
      deadline: { originalDate: '2024-11-30', effectiveDate: '2024-12-02', rule: { id: 'nextWorkingDay' } },
      decision: { number: '2024/09-AL' },
    });

    const { body } = await t.http.get(`/api/reminders?body=${id}&channel=webhook`).expect(200);
    const retried = body.messages.find((m: { id: string }) => m.id === failedId);
    expect(retried).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
    expect(retried.attemptLog.map((a: { ok: boolean }) => a.ok)).toEqual([false, true]);
    expect(retried.attemptLog[0].error).toContain('HTTP 500');
    expect(body.scheduled[0]).toMatchObject({ key: `${id}/reminder/r1@2024-12-02-7d`, dueOn: '2024-11-25' });
  });

  it('dead-letters a message after the configured number of attempts, with growing delays', async () => {
    const receiver = await startReceiver([503]);
    closers.push(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));
    const { scheduler, dispatcher } = await start({
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET: SECRET,
      DELIVERY_MAX_ATTEMPTS: '3',
      DELIVERY_BACKOFF_SECONDS: '30',
    });
    await sweepAt(scheduler, '2024-06-17T06:00:00Z');
    const all = (await t.http.get('/api/reminders?channel=webhook').expect(200)).body.messages.length;
    expect((await dispatcher.dispatch()).retried).toHaveLength(all);
    t.clock.advance(30_000);
    expect((await dispatcher.dispatch()).retried).toHaveLength(all);
    t.clock.advance(59_000);
    expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });
    t.clock.advance(1_000);
    expect((await dispatcher.dispatch()).dead).toHaveLength(all);
    t.clock.advance(3_600_000);
    expect(await dispatcher.dispatch()).toEqual({ sent: [], retried: [], dead: [], withdrawn: [] });

    const { body } = await t.http.get('/api/reminders?status=dead').expect(200);
    expect(body.messages).toHaveLength(all);
    expect(body.messages[0]).toMatchObject({ status: 'dead', attempts: 3, lastError: expect.stringContaining('HTTP 503') });
    expect(receiver.hooks).toHaveLength(all * 3);
  });

  it('sends a reminder to the secretariat when no lead has an address', async () => {
    const smtp = await startSmtp();
    closers.push(() => smtp.close());
    restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SECRETARIAT_EMAIL: SECRETARIAT });
    t = await startTestApp({ database: kind });
    await recordSeedBody(t, [{ name: 'Ohne Adresse' }]);
    const scheduler = t.app.get(SchedulerService);
    await sweepAt(scheduler, '2024-06-17T06:00:00Z');
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    expect((await t.app.get(DispatcherService).dispatch()).sent).toHaveLength(1);
    expect(smtp.mails.map((m) => m.to)).toEqual([[SECRETARIAT]]);
  });

  it('dead-letters an e-mail nobody can receive, and says why', async () => {
    const smtp = await startSmtp();
    closers.push(() => smtp.close());
    restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    t = await startTestApp({ database: kind });
    await recordSeedBody(t, [{ name: 'Ohne Adresse' }]);
    const scheduler = t.app.get(SchedulerService);
    await sweepAt(scheduler, '2024-06-17T06:00:00Z');
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    expect((await t.app.get(DispatcherService).dispatch()).dead).toHaveLength(1);
    const { body } = await t.http.get('/api/reminders?status=dead').expect(200);
    expect(body.messages[0].lastError).toContain('Keine Empfängeradresse');
    expect(smtp.mails).toHaveLength(0);
  });
});
