import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchedulerService, type SweepEntry } from '../../src/deadlines/scheduler.service';
import { DispatcherService } from '../../src/outbox/dispatcher.service';
import { recordSeedBody } from '../deadlines.support';
import { mailApp, type MailApp } from './mail-app';
import { decodeMail, type TestSmtp } from './smtp';
import type { TestApp, TestDatabaseKind } from './test-app';

/** The seed body's lead in the reminder specs: the person its reminders are e-mailed to. */
export const SEED_LEAD = { name: 'Ralf Stettner', organization: 'Hessen', email: 'ralf.stettner@hessen.example' };

/** A reminder's webhook as the specs of the decision it cites read it. */
export interface ReminderHook {
  type: string;
  subject: string;
  obligationId: string | null;
  decision: { number: string } | null;
}

/** A reminder's webhook as the receiver took it: its JSON, and the day it arrived by the app's clock. */
export type ReceivedReminder<H> = H & { receivedOn: string };

export interface ReminderRig<H> {
  t: TestApp;
  smtp: TestSmtp;
  /** The reminders the webhook receiver took (`type: 'reminder'`), in the order they came. */
  hooks: Array<ReceivedReminder<H>>;
}

/**
 * What a reminder spec runs against, per test: the app (scheduler off, the clock in the test's
 * hands) sending to a real SMTP server (mailApp) and to a real webhook receiver; registers the
 * `afterEach` hooks that close all three and restore the environment. Call the returned function
 * in each test.
 */
export function reminderRig(kind: TestDatabaseKind): <H extends object>() => Promise<ReminderRig<H>> {
  const startMailApp = mailApp();
  let receiver: Server | undefined;
  // Registered after mailApp's: the receiver closes once the app that posts to it has.
  afterEach(async () => {
    const open = receiver;
    receiver = undefined;
    if (open) await new Promise<void>((resolve) => open.close(() => resolve()));
  });
  return async <H extends object>() => {
    const hooks: Array<ReceivedReminder<H>> = [];
    let t: TestApp | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as H & { type?: string };
        if (body.type === 'reminder') hooks.push({ ...body, receivedOn: t!.clock.now().toISOString().slice(0, 10) });
        res.writeHead(200).end();
      });
    });
    receiver = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const started = await startMailApp({
      database: kind,
      env: {
        WEBHOOK_URLS: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        WEBHOOK_SECRET: 'ein-geheimnis-fuer-die-tests-0123456789',
      },
    });
    t = started.t;
    return { ...started, hooks };
  };
}

export interface SeedBodyRig<H> extends ReminderRig<H> {
  /** The seed body, recorded and started (swept on 17.06.2024). */
  id: string;
  /** One turn of the service at `instant`: the scheduler's sweep, then the dispatcher's round. */
  remindOn(instant: string): Promise<void>;
}

/**
 * The rig with the seed body recorded (its leads `leads`) and its start swept on 17.06.2024,
 * nothing sent yet: what the specs of a report's reminders begin with. Call the returned function
 * in each test.
 */
export function seedBodyRig(kind: TestDatabaseKind, leads: Array<{ name: string; organization?: string; email?: string }>) {
  const rig = reminderRig(kind);
  return async <H extends object>(): Promise<SeedBodyRig<H>> => {
    const started = await rig<H>();
    const { t } = started;
    const id = await recordSeedBody(t, leads);
    const sweepAt = async (instant: string) => {
      t.clock.set(instant);
      await t.app.get(SchedulerService).sweep();
    };
    await sweepAt('2024-06-17T06:00:00Z');
    return {
      ...started,
      id,
      async remindOn(instant) {
        await sweepAt(instant);
        await t.app.get(DispatcherService).dispatch();
      },
    };
  };
}

/** The Geschäftsstelle's address (SECRETARIAT_EMAIL) in the specs of an overdue report's reminders. */
export const SECRETARIAT = 'geschaeftsstelle@it-planungsrat.example';

export interface SmtpDownRig<M> extends MailApp {
  /** The seed body, recorded and started (swept on 17.06.2024). */
  id: string;
  scheduler: SchedulerService;
  dispatcher: DispatcherService;
  /** Sets the clock to `instant` and sweeps. */
  sweepAt(instant: string): Promise<SweepEntry[]>;
  /** The seed body's reminder messages as `GET /api/reminders` lists them, only those in `status` if given. */
  reminders(status?: string): Promise<M[]>;
  /** The subjects of the mails the SMTP server took, in the order it took them. */
  subjects(): string[];
}

/**
 * The seed body (its Zwischenbericht due Monday, 02.12.2024) with its lead `SEED_LEAD` by name and
 * e-mail, recorded and its start swept on 17.06.2024, the Geschäftsstelle's address set and
 * retries 30 s apart, while the SMTP server refuses every mail until the test lets it take them
 * (`smtp.refuse(false)`): what the specs of reminders held in the outbox begin with. Call it in
 * the `describe`, the returned function (with environment on top, e.g. the reminder policy's) in
 * each test or its `beforeEach`.
 */
export function smtpDownRig(kind: TestDatabaseKind): <M extends { topic: string }>(env?: Record<string, string>) => Promise<SmtpDownRig<M>> {
  const start = mailApp();
  return async <M extends { topic: string }>(env: Record<string, string> = {}): Promise<SmtpDownRig<M>> => {
    const { t, smtp } = await start({ database: kind, env: { SECRETARIAT_EMAIL: SECRETARIAT, DELIVERY_BACKOFF_SECONDS: '30', ...env } });
    smtp.refuse(true);
    const id = await recordSeedBody(t, [{ name: SEED_LEAD.name, email: SEED_LEAD.email }]);
    const scheduler = t.app.get(SchedulerService);
    const sweepAt = (instant: string) => {
      t.clock.set(instant);
      return scheduler.sweep();
    };
    await sweepAt('2024-06-17T06:00:00Z');
    return {
      t,
      smtp,
      id,
      scheduler,
      dispatcher: t.app.get(DispatcherService),
      sweepAt,
      async reminders(status) {
        const messages = (await t.http.get(`/api/reminders?body=${id}${status ? `&status=${status}` : ''}`).expect(200)).body.messages as M[];
        return messages.filter((m) => m.topic === 'reminder');
      },
      subjects: () => smtp.mails.map((m) => decodeMail(m.raw).subject),
    };
  };
}
