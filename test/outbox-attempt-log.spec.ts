/**
 * Which recipients of an e-mail its attempt log settles: those the SMTP server took stay settled
 * for good, those it refused for good only until the Geschäftsstelle puts the message back into
 * the queue, as the release that introduced requeuing wrote that entry (with `ok: false`) too.
 */
import { settledRecipients, type AttemptLogEntry } from '../src/outbox/outbox.store';

const refusedForGood = { address: 'lead@example.org', reason: '550 No such user', permanent: true };
const refusedForNow = { address: 'deputy@example.org', reason: '450 Mailbox busy', permanent: false };

describe('settledRecipients', () => {
  it('settles who took the e-mail and who refused it for good, not who refused it for now', () => {
    const log: AttemptLogEntry[] = [{ at: '2026-12-01T08:00:00.000Z', ok: false, delivered: ['office@example.org'], refused: [refusedForGood, refusedForNow] }];
    expect(settledRecipients(log)).toEqual({ delivered: ['office@example.org'], refused: [refusedForGood] });
  });

  it('asks those refused for good again once the message was put back, and still not who took it', () => {
    const log: AttemptLogEntry[] = [
      { at: '2026-12-01T08:00:00.000Z', ok: false, delivered: ['office@example.org'], refused: [refusedForGood] },
      { at: '2026-12-02T08:00:00.000Z', requeuedBy: 'geschaeftsstelle' },
    ];
    expect(settledRecipients(log)).toEqual({ delivered: ['office@example.org'], refused: [] });
  });

  it('reads a requeue entry written with `ok: false` as a requeue', () => {
    const earlier = { at: '2026-12-02T08:00:00.000Z', ok: false, requeuedBy: 'geschaeftsstelle' } as AttemptLogEntry;
    expect(settledRecipients([{ at: '2026-12-01T08:00:00.000Z', ok: false, refused: [refusedForGood] }, earlier]).refused).toEqual([]);
  });

  it('keeps a refusal for good that came after the requeue', () => {
    const log: AttemptLogEntry[] = [
      { at: '2026-12-01T08:00:00.000Z', ok: false, refused: [refusedForGood] },
      { at: '2026-12-02T08:00:00.000Z', requeuedBy: 'geschaeftsstelle' },
      { at: '2026-12-02T09:00:00.000Z', ok: false, refused: [refusedForGood] },
    ];
    expect(settledRecipients(log).refused).toEqual([refusedForGood]);
  });
});
