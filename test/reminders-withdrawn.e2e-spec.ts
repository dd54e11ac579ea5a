/**
 * A reminder waiting in the outbox (for a retry, or not yet dispatched) that no longer applies
 * when its turn comes is withdrawn: never sent, never tried again, listed with the reason. Event
 * webhooks tell of facts and still go out; a reminder that still applies goes out as ever. With
 * a real SMTP server and a real webhook receiver, on SQLite and PostgreSQL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OutboxWithdrawn1768200000000 } from '../src/database/migrations/1768200000000-outbox-withdrawn';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { SchedulerService } from '../src/deadlines/scheduler.service';
import { deadlinesEnv, recordSeedBody, SEED_TITLE } from './deadlines.support';
import { migrateDownAndUp } from './support/migrations';
import { decodeMail, startSmtp } from './support/smtp';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(30_000);

const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';
const LEADS = [{ name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' }];

interface Message {
  id: string;
  topic: string;
  channel: string;
  subject: string;
  status: string;
  attempts: number;
  attemptLog: unknown[];
  sentAt: string | null;
  withdrawnAt: string | null;
  withdrawnReason: string | null;
}

/** A real webhook receiver that answers 500 while `down` is set, else 200, and keeps what it took. */
async function startReceiver(): Promise<{ server: Server; url: string; delivered: Array<{ type: string; event?: { type: string } }>; down: boolean }> {
  const receiver = {
    server: null as unknown as Server,
    url: '',
    delivered: [] as Array<{ type: string; event?: { type: string } }>,
    down: false,
  };
  receiver.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!receiver.down) receiver.delivered.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(receiver.down ? 500 : 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

const NOTHING = { sent: [], retried: [], dead: [], withdrawn: [] };

describe.each(testDatabaseKinds())('reminders that no longer apply when their turn comes (%s)', (kind) => {
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

  async function smtpServer() {
    const smtp = await startSmtp();
    closers.push(() => smtp.close());
    return smtp;
  }

  async function start(env: Record<string, string>) {
    restoreEnv = deadlinesEnv({ SECRETARIAT_EMAIL: SECRETARIAT, DELIVERY_BACKOFF_SECONDS: '30', ...env });
    t = await startTestApp({ database: kind });
    const id = await recordSeedBody(t, LEADS);
    const scheduler = t.app.get(SchedulerService);
    t.clock.set('2024-06-17T06:00:00Z');
    await scheduler.sweep();
    return { id, scheduler, dispatcher: t.app.get(DispatcherService) };
  }

  async function sweepAt(scheduler: SchedulerService, instant: string) {
    t.clock.set(instant);
    return scheduler.sweep();
  }

  async function messages(query: string): Promise<Message[]> {
    return (await t.http.get(`/api/reminders?${query}`).expect(200)).body.messages;
  }

  const send = (id: string, event: object) => t.http.post(`/api/bodies/${id}/events`).send(event).expect(200);

  async function decide(number: string, date: string, effects: object[]) {
    await t.http
      .post('/api/decisions')
      .send({ number, issuer: 'AL-Runde', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects })
      .expect(201);
  }

  it('an e-mail and a webhook waiting for a retry are withdrawn once their report is waived, never sent nor tried again; the event webhooks still go out', async () => {
    const smtp = await smtpServer();
    const receiver = await startReceiver();
    closers.push(() => new Promise<void>((resolve) => receiver.server.close(() => resolve())));
    smtp.refuse(true);
    receiver.down = true;
    const { id, scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: 'ein-geheimnis-fuer-die-tests-0123456789' });
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    const first = await dispatcher.dispatch();
    expect(first.sent).toEqual([]);
    const reminders = (await messages(`body=${id}`)).filter((m) => m.topic === 'reminder');
    expect(reminders.map((m) => m.channel).sort()).toEqual(['email', 'webhook']);
    expect(reminders.every((m) => m.status === 'pending' && m.attempts === 1)).toBe(true);

    t.clock.set('2024-11-10T09:00:00Z');
    await send(id, { type: 'reportWaived', data: { obligationId: 'r1', reason: 'Der Zwischenstand geht in den Abschlussbericht ein.' } });
    smtp.refuse(false);
    receiver.down = false;
    const second = await dispatcher.dispatch();

    expect(second.withdrawn.sort()).toEqual(reminders.map((m) => m.id).sort());
    expect(second).toMatchObject({ retried: [], dead: [] });
    expect(smtp.mails).toEqual([]);
    expect(receiver.delivered.filter((p) => p.type === 'reminder')).toEqual([]);
    expect(receiver.delivered.map((p) => p.event?.type)).toEqual(expect.arrayContaining(['registered', 'started', 'reportWaived']));
    const withdrawn = await messages(`body=${id}&status=withdrawn`);
    expect(withdrawn).toHaveLength(2);
    for (const message of withdrawn) {
      expect(message).toMatchObject({
        topic: 'reminder',
        attempts: 1,
        sentAt: null,
        withdrawnAt: '2024-11-10T09:00:00.000Z',
        withdrawnReason: 'Die Berichtspflicht „Zwischenbericht“ ist entfallen (am 10.11.2024).',
      });
      expect(message.attemptLog).toHaveLength(1);
    }
    expect((await messages(`body=${id}&status=pending`)).filter((m) => m.topic === 'reminder')).toEqual([]);

    t.clock.advance(7 * 86_400_000);
    expect(await dispatcher.dispatch()).toEqual(NOTHING);
    expect(smtp.mails).toEqual([]);
  });

  it('a reminder not yet dispatched is withdrawn once the report is handed in', async () => {
    const smtp = await smtpServer();
    const { id, scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    t.clock.set('2024-11-20T10:00:00Z');
    await send(id, { type: 'reportSubmitted', data: { obligationId: 'r1', documentRef: 'Zwischenbericht.pdf' } });

    const round = await dispatcher.dispatch();

    expect(round).toMatchObject({ sent: [], withdrawn: [expect.any(String)] });
    expect(smtp.mails).toEqual([]);
    expect(await messages(`body=${id}&status=withdrawn`)).toEqual([
      expect.objectContaining({ attempts: 0, withdrawnReason: 'Der Bericht „Zwischenbericht“ liegt vor: eingereicht am 20.11.2024.' }),
    ]);
  });

  it('taken back, the migration leaves a withdrawn message dead, with its reason, never waiting to be sent', async () => {
    const smtp = await smtpServer();
    const { id, scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    t.clock.set('2024-11-20T10:00:00Z');
    await send(id, { type: 'reportSubmitted', data: { obligationId: 'r1' } });
    await dispatcher.dispatch();

    await migrateDownAndUp(t.config.database, new OutboxWithdrawn1768200000000());

    expect(await messages(`body=${id}`)).toEqual([
      expect.objectContaining({ status: 'dead', lastError: 'Der Bericht „Zwischenbericht“ liegt vor: eingereicht am 20.11.2024.', withdrawnAt: null, withdrawnReason: null }),
    ]);
    expect(await dispatcher.dispatch()).toEqual(NOTHING);
  });

  it('a reminder of a Frist moved to a later day is withdrawn naming the new day; the new Frist\'s reminder goes out', async () => {
    const smtp = await smtpServer();
    const { id, scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    t.clock.set('2024-11-12T10:00:00Z');
    await send(id, { type: 'reportRescheduled', data: { obligationId: 'r1', due: { kind: 'date', date: '2025-01-31' }, reason: 'Laufzeit verlängert' } });

    expect((await dispatcher.dispatch()).withdrawn).toHaveLength(1);
    expect((await messages(`body=${id}&status=withdrawn`))[0].withdrawnReason).toBe(
      'Die Frist wurde verschoben: „Zwischenbericht“ ist jetzt am 31.01.2025 fällig, nicht mehr am 02.12.2024.',
    );
    expect(smtp.mails).toEqual([]);

    await sweepAt(scheduler, '2025-01-03T06:00:00Z');
    expect((await dispatcher.dispatch()).withdrawn).toEqual([]);
    expect(smtp.mails.map((m) => decodeMail(m.raw).subject)).toContain(`Erinnerung: Zwischenbericht fällig am 31.01.2025 (noch 28 Tage) – ${SEED_TITLE}`);
  });

  it('of two reminders waiting at once, the term\'s is withdrawn after an extension while the overdue report\'s goes out', async () => {
    const smtp = await smtpServer();
    const { id, scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    await sweepAt(scheduler, '2025-01-02T06:00:00Z');
    const waiting = await messages(`body=${id}&status=pending`);
    expect(waiting.map((m) => m.subject.split(' – ')[0]).sort()).toEqual(['Erinnerung: Laufzeit endet am 31.03.2025 (noch 88 Tage)', 'Überfällig seit 03.12.2024: Zwischenbericht']);
    t.clock.set('2025-01-06T10:00:00Z');
    await decide('2025/01-AL', '2025-01-06', [{ body: id, effect: 'extended', data: { approvedUntil: '2025-09-30' } }]);
    await send(id, { type: 'extended', decision: '2025/01-AL', data: { approvedUntil: '2025-09-30' } });

    const round = await dispatcher.dispatch();

    const term = waiting.find((m) => m.subject.includes('Laufzeit'))!;
    const report = waiting.find((m) => m.subject.includes('Überfällig'))!;
    expect(round).toMatchObject({ sent: [report.id], withdrawn: [term.id], retried: [], dead: [] });
    expect(smtp.mails.map((m) => decodeMail(m.raw).subject)).toEqual([`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`]);
    expect((await messages(`body=${id}&status=withdrawn`))[0].withdrawnReason).toBe('Die Laufzeit wurde geändert: Sie endet jetzt am 30.09.2025, nicht mehr am 31.03.2025.');
  });

  it('every reminder still waiting is withdrawn once the body ended', async () => {
    const smtp = await smtpServer();
    const { id, scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    await sweepAt(scheduler, '2025-01-02T06:00:00Z');
    t.clock.set('2025-01-06T10:00:00Z');
    await decide('2025/02-AL', '2025-01-06', [{ body: id, effect: 'dissolved', data: {} }]);
    await send(id, { type: 'dissolved', decision: '2025/02-AL', data: { reason: 'Auftrag entfallen' } });

    expect((await dispatcher.dispatch()).withdrawn).toHaveLength(2);
    expect(smtp.mails).toEqual([]);
    expect((await messages(`body=${id}&status=withdrawn`)).map((m) => m.withdrawnReason)).toEqual([
      'Das Gremium ist beendet (Aufgelöst am 06.01.2025).',
      'Das Gremium ist beendet (Aufgelöst am 06.01.2025).',
    ]);
  });

  it('a reminder that still applies is sent after its retries, at least once', async () => {
    const smtp = await smtpServer();
    smtp.refuse(true);
    const { scheduler, dispatcher } = await start({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) });
    await sweepAt(scheduler, '2024-11-04T06:00:00Z');
    const [waiting] = (await dispatcher.dispatch()).retried;
    smtp.refuse(false);
    t.clock.advance(30_000);

    expect(await dispatcher.dispatch()).toEqual({ ...NOTHING, sent: [waiting] });
    expect(smtp.mails).toHaveLength(1);
  });
});

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('two instances dispatching at once on PostgreSQL', () => {
  let restoreEnv: () => void;
  let first: TestApp;
  let second: TestApp;
  let closeSmtp: () => Promise<void>;

  afterEach(async () => {
    await second.close();
    await first.close();
    await closeSmtp();
    restoreEnv();
  });

  it('send a reminder that applies once and withdraw one that no longer does once, never both', async () => {
    const smtp = await startSmtp();
    closeSmtp = () => smtp.close();
    restoreEnv = deadlinesEnv({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SECRETARIAT_EMAIL: SECRETARIAT });
    const { config } = await openTestDatabase('postgres');
    first = await startTestApp({ databaseConfig: config });
    second = await startTestApp({ databaseConfig: config });
    const id = await recordSeedBody(first, LEADS);
    first.clock.set('2025-01-02T06:00:00Z');
    await first.app.get(SchedulerService).sweep();
    first.clock.set('2025-01-06T10:00:00Z');
    await first.http
      .post('/api/decisions')
      .send({ number: '2025/01-AL', issuer: 'AL-Runde', date: '2025-01-06', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects: [{ body: id, effect: 'extended', data: { approvedUntil: '2025-09-30' } }] })
      .expect(201);
    await first.http.post(`/api/bodies/${id}/events`).send({ type: 'extended', decision: '2025/01-AL', data: { approvedUntil: '2025-09-30' } }).expect(200);
    second.clock.set('2025-01-06T10:00:00Z');

    const rounds = await Promise.all([first.app.get(DispatcherService).dispatch(), second.app.get(DispatcherService).dispatch()]);

    const sent = rounds.flatMap((r) => r.sent);
    const withdrawn = rounds.flatMap((r) => r.withdrawn);
    expect(sent).toHaveLength(1);
    expect(withdrawn).toHaveLength(1);
    expect(sent).not.toContain(withdrawn[0]);
    expect(smtp.mails.map((m) => decodeMail(m.raw).subject)).toEqual([`Überfällig seit 03.12.2024: Zwischenbericht – ${SEED_TITLE}`]);
    const listed = (await second.http.get(`/api/reminders?body=${id}`).expect(200)).body.messages as Message[];
    expect(listed.map((m) => m.status).sort()).toEqual(['sent', 'withdrawn']);
  });
});
