/**
 * A message is claimed right before its attempt, each with a lease of its own. Claimed a hundred
 * at once, the later messages of a round behind a slow SMTP server outlived their lease while the
 * earlier ones were sent, and another instance claimed and sent them too. Here the SMTP server
 * takes three minutes (on the test clock) over each mail, and during the second another instance
 * claims what is due: the round sends nothing that instance holds.
 */
import { Database } from '../src/database/database';
import { DispatcherService } from '../src/outbox/dispatcher.service';
import { OutboxStore, type OutboxMessage } from '../src/outbox/outbox.store';
import { mailApp } from './support/mail-app';
import type { TestApp } from './support/test-app';

describe('the dispatcher’s lease', () => {
  const start = mailApp();

  it('starts with each message’s attempt, so a slow first mail leaves the next one to whoever claims it, sent once', async () => {
    let otherInstance: OutboxMessage[] = [];
    let t: TestApp;
    const started = await start({
      database: 'sqlite',
      now: '2026-12-07T08:00:00Z',
      env: { SECRETARIAT_EMAIL: 'geschaeftsstelle@it-planungsrat.example' },
      onMail: async (mail) => {
        t.clock.advance(3 * 60_000);
        if (mail.raw.includes('Zweite Nachricht')) {
          const now = t.clock.now();
          otherInstance = await t.app.get(OutboxStore).claimDue(now.toISOString(), new Date(now.getTime() + 5 * 60_000).toISOString(), ['email'], 100);
        }
      },
    });
    const smtp = started.smtp;
    t = started.t;
    const store = t.app.get(OutboxStore);
    await t.app.get(Database).transaction(async (tx) => {
      for (const [i, subject] of ['Erste Nachricht', 'Zweite Nachricht', 'Dritte Nachricht'].entries()) {
        await store.add(tx, { dedupeKey: `lease-test/${i}`, channel: 'email', target: { contactIds: [], secretariat: true }, bodyId: null, topic: 'event', subject, payload: { text: subject } }, `2026-12-07T07:5${i}:00.000Z`);
      }
    });

    const round = await t.app.get(DispatcherService).dispatch();
    const [first, second, third] = (await store.list()).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    expect(round.sent).toEqual([first.id, second.id]);
    // The other instance holds the third message: this round neither sent it nor counted an attempt of its own.
    expect(otherInstance.map((m) => m.id)).toEqual([third.id]);
    expect(smtp.mails).toHaveLength(2);
    expect(third).toMatchObject({ status: 'pending', attempts: 1 });
  });
});
