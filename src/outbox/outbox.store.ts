import { Injectable } from '@nestjs/common';
import { Database, type Queries, type SqlValue, type Transaction } from '../database/database';
import { timeOrderedId } from '../common/time-ordered-id';
import { DomainError, NotFoundError } from '../common/errors';

export type Channel = 'email' | 'webhook';
/**
 * `pending` waits for an attempt, `sent` went out, `dead` failed for good; `withdrawn` was never
 * sent because it no longer applied when its turn came (a reminder whose Frist was met, waived
 * or moved, or whose body ended), with the reason.
 */
export const MESSAGE_STATUSES = ['pending', 'sent', 'dead', 'withdrawn'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Who gets an e-mail. Addresses are looked up when it is sent, so an erased contact gets nothing. */
export interface EmailTarget {
  contactIds: string[];
  secretariat: boolean;
}

export interface WebhookTarget {
  url: string;
}

export interface NewMessage {
  /** Makes writing the same message twice a no-op, e.g. `<timer key>/email`. */
  dedupeKey: string;
  channel: Channel;
  target: EmailTarget | WebhookTarget;
  bodyId: string | null;
  topic: 'reminder' | 'event';
  subject: string;
  /** E-mail: `{ text }`; webhook: the JSON document to post. */
  payload: unknown;
}

/** An address the SMTP server refused (at RCPT TO), with its answer. A permanent (5xx) refusal is not tried again. */
export interface RefusedRecipient {
  address: string;
  reason: string;
  permanent: boolean;
}

export interface Attempt {
  at: string;
  ok: boolean;
  error?: string;
  /** E-mail: the addresses the SMTP server took in this attempt; they are not sent to again. */
  delivered?: string[];
  /** E-mail: the addresses it refused in this attempt. */
  refused?: RefusedRecipient[];
}

/**
 * No attempt: the Geschäftsstelle (`requeuedBy`, its user name) put the dead message back into the
 * queue. Refusals for good before it are tried again; whoever took the message keeps it.
 */
export interface Requeued {
  at: string;
  requeuedBy: string;
}

/** A message's attempt log, in the order things happened: its attempts, and each time it was put back into the queue. */
export type AttemptLogEntry = Attempt | Requeued;

/** A requeue entry, also as the release that introduced requeuing wrote it (with `ok: false` beside it). */
function isRequeued(entry: AttemptLogEntry): entry is Requeued {
  return 'requeuedBy' in entry;
}

/** The attempts of a log, without the entries of its being put back into the queue. */
function attemptsOf(log: readonly AttemptLogEntry[]): Attempt[] {
  return log.filter((entry): entry is Attempt => !isRequeued(entry));
}

/**
 * The addresses of an e-mail that are settled by its earlier attempts: taken by the SMTP server
 * (`delivered`), or refused for good (`refused`, the last answer for each) since the message was
 * last put back into the queue. A retry goes only to the others, so nobody gets a second copy and
 * nobody is dropped.
 */
export function settledRecipients(log: readonly AttemptLogEntry[]): { delivered: string[]; refused: RefusedRecipient[] } {
  const delivered = new Set<string>();
  const refused = new Map<string, RefusedRecipient>();
  for (const attempt of log) {
    // Put back by the Geschäftsstelle once the address or the server is mended: those refused before are asked again.
    if (isRequeued(attempt)) {
      refused.clear();
      continue;
    }
    for (const address of attempt.delivered ?? []) delivered.add(address);
    for (const r of attempt.refused ?? []) if (r.permanent && !delivered.has(r.address)) refused.set(r.address, r);
  }
  return { delivered: [...delivered], refused: [...refused.values()] };
}

export interface OutboxMessage extends Omit<NewMessage, 'dedupeKey'> {
  id: string;
  dedupeKey: string;
  status: MessageStatus;
  attempts: number;
  attemptLog: AttemptLogEntry[];
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
  /** When and why (in German) the message was withdrawn instead of sent; null unless it was. */
  withdrawnAt: string | null;
  withdrawnReason: string | null;
}

interface OutboxRow {
  id: string;
  dedupe_key: string;
  channel: string;
  target: string;
  body_id: string | null;
  topic: string;
  subject: string;
  payload: string;
  status: string;
  attempts: number | string;
  attempt_log: string;
  next_attempt_at: string;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  withdrawn_at: string | null;
  withdrawn_reason: string | null;
}

/** The columns a new message is written with. */
const NEW_COLUMNS =
  'id, dedupe_key, channel, target, body_id, topic, subject, payload, status, attempts, attempt_log, next_attempt_at, last_error, created_at, sent_at';
const COLUMNS = `${NEW_COLUMNS}, withdrawn_at, withdrawn_reason`;

function toMessage(r: OutboxRow): OutboxMessage {
  return {
    id: r.id,
    dedupeKey: r.dedupe_key,
    channel: r.channel as Channel,
    target: JSON.parse(r.target),
    bodyId: r.body_id,
    topic: r.topic as NewMessage['topic'],
    subject: r.subject,
    payload: JSON.parse(r.payload),
    status: r.status as MessageStatus,
    attempts: Number(r.attempts),
    attemptLog: JSON.parse(r.attempt_log),
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
    withdrawnAt: r.withdrawn_at,
    withdrawnReason: r.withdrawn_reason,
  };
}

/**
 * When a message no longer applies, and what follows once it is withdrawn (the scheduler's check
 * of its reminders against their Fristen; see `withdrawUnlessApplies`).
 */
export interface Withdrawal {
  /** Why the message no longer applies, in German, or null while it does. */
  reason(q: Queries, message: OutboxMessage): Promise<string | null>;
  /** Locks what a concurrent write would change that `reason` reads, until the withdrawal commits. */
  lock?(tx: Transaction, message: OutboxMessage): Promise<void>;
  /** What else follows from the withdrawal, written in its transaction. */
  withdrawn?(tx: Transaction, message: OutboxMessage): Promise<void>;
}

/** A message put back into the queue must be dead: one that waits, went out or was withdrawn is not. */
export class MessageNotDead extends DomainError {
  readonly kind = 'conflict';
  constructor(
    message: string,
    readonly details: { id: string; status: MessageStatus },
  ) {
    super(message);
  }
}

/** Why a message that is not dead cannot be put back into the queue, in German. */
function notDeadReason(message: OutboxMessage): string {
  const name = `Die Nachricht ${message.id} („${message.subject}“)`;
  const only = 'Erneut in den Ausgang legen lässt sich nur eine unzustellbare Nachricht (dead).';
  switch (message.status) {
    case 'pending':
      return `${name} wartet schon im Ausgang auf ihren nächsten Versuch. ${only}`;
    case 'sent':
      return `${name} ist schon versandt${message.withdrawnReason ? ` (der Rest zurückgezogen: ${message.withdrawnReason})` : ''}. ${only}`;
    case 'withdrawn':
      return `${name} wurde zurückgezogen und geht nicht mehr hinaus: ${message.withdrawnReason ?? 'sie traf nicht mehr zu.'} ${only}`;
    case 'dead':
      return '';
  }
}

/** An e-mail's text as the SMTP server took it, where it differs from the one written (see `MailSender.send`). */
export interface SentText {
  text?: string;
}

export interface OutboxFilter {
  status?: MessageStatus;
  bodyId?: string;
  channel?: Channel;
}

/**
 * The outbox: messages written in the same transaction as the event or reminder they tell of,
 * and sent afterwards by the dispatcher, at least once.
 */
@Injectable()
export class OutboxStore {
  constructor(private readonly db: Database) {}

  /**
   * Writes a message, unless one with its dedupe key is there already. A withdrawn message gives
   * its key up to the new one (it stays listed under `<key>/withdrawn/<its id>`): a reminder
   * whose Frist came back to the day it was written for is written anew, while one that went out
   * or still waits is never written twice.
   */
  async add(tx: Transaction, message: NewMessage, now: string): Promise<void> {
    if (await this.insert(tx, message, now)) return;
    const moved = await tx.query(`UPDATE outbox SET dedupe_key = dedupe_key || '/withdrawn/' || id WHERE dedupe_key = ? AND status = 'withdrawn' RETURNING id`, [
      message.dedupeKey,
    ]);
    if (moved.length > 0) await this.insert(tx, message, now);
  }

  /** True if the message was written, false if its dedupe key is taken. */
  private async insert(tx: Transaction, message: NewMessage, now: string): Promise<boolean> {
    const rows = await tx.query(
      `INSERT INTO outbox (${NEW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, '[]', ?, NULL, ?, NULL)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [
        timeOrderedId(),
        message.dedupeKey,
        message.channel,
        JSON.stringify(message.target),
        message.bodyId,
        message.topic,
        message.subject,
        JSON.stringify(message.payload),
        now,
        now,
      ],
    );
    return rows.length > 0;
  }

  async list(filter: OutboxFilter = {}, limit = 500): Promise<OutboxMessage[]> {
    const conditions: Array<[string, SqlValue | undefined]> = [
      ['status = ?', filter.status],
      ['body_id = ?', filter.bodyId],
      ['channel = ?', filter.channel],
    ];
    const given = conditions.filter(([, value]) => value !== undefined);
    const where = given.map(([sql]) => sql);
    const params = given.map(([, value]) => value as SqlValue);
    const rows = await this.db.query<OutboxRow>(
      `SELECT ${COLUMNS} FROM outbox ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ${Number(limit)}`,
      params,
    );
    return rows.map(toMessage);
  }

  /**
   * Claims up to `limit` messages due for an attempt: counts the attempt and leases the message
   * until `leaseUntil`. Another instance does not claim it meanwhile; if this one dies while
   * sending, the message is tried again when the lease runs out. `waiting` is an SQL condition over
   * a row of `outbox` under which a message is left waiting, unclaimed (see `DispatcherService.leaveWaiting`).
   */
  async claimDue(now: string, leaseUntil: string, channels: Channel[], limit: number, waiting: string | null = null): Promise<OutboxMessage[]> {
    if (channels.length === 0) return [];
    const candidates = await this.db.query<{ id: string }>(
      `SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? AND channel IN (${channels.map(() => '?').join(', ')})${waiting ? ` AND NOT ${waiting}` : ''}
       ORDER BY next_attempt_at, created_at, id LIMIT ${Number(limit)}`,
      [now, ...channels],
    );
    const claimed: OutboxMessage[] = [];
    for (const { id } of candidates) {
      const [row] = await this.db.transaction((tx) =>
        tx.query<OutboxRow>(
          `UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?
           WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? RETURNING ${COLUMNS}`,
          [leaseUntil, id, now],
        ),
      );
      if (row) claimed.push(toMessage(row));
    }
    return claimed;
  }

  /**
   * `recipients`: for an e-mail, the addresses the SMTP server took in this attempt; `sent.text`:
   * its text as they got it, kept as the message's (a reminder names the Federführung at sending).
   */
  async markSent(id: string, at: string, recipients: Pick<Attempt, 'delivered'> = {}, sent: SentText = {}): Promise<void> {
    await this.record(id, { at, ok: true, ...recipients }, (log) => ["status = 'sent', sent_at = ?, last_error = NULL, attempt_log = ?", [at, log]], sent);
  }

  /**
   * A failed attempt: try again at `retryAt`, or dead-letter the message when that is null.
   * `recipients`: for an e-mail the SMTP server took only in part, whom it took and whom it refused.
   */
  async markFailed(id: string, at: string, error: string, retryAt: string | null, recipients: Pick<Attempt, 'delivered' | 'refused'> = {}, sent: SentText = {}): Promise<void> {
    await this.record(
      id,
      { at, ok: false, error, ...recipients },
      (log) =>
        retryAt === null
          ? ["status = 'dead', last_error = ?, attempt_log = ?", [error, log]]
          : ['next_attempt_at = ?, last_error = ?, attempt_log = ?', [retryAt, error, log]],
      sent,
    );
  }

  /**
   * Withdraws a claimed message that no longer applies (`withdrawal.reason`, asked first outside
   * any transaction): it is never sent and never tried again. Asked again in the transaction that
   * withdraws it, after `withdrawal.lock`, so a write that made it apply again meanwhile is seen;
   * `withdrawal.withdrawn` then writes what follows, in the same transaction. The claim counted
   * an attempt that was not made, so it is taken back. Only a message still pending is withdrawn
   * (one another instance has meanwhile sent stays sent). An e-mail already taken for some of its
   * recipients (waiting to retry the refused ones) becomes `sent`, with the withdrawal's time and
   * reason for the rest. The reason, or null while it applies.
   */
  async withdrawUnlessApplies(message: OutboxMessage, at: string, withdrawal: Withdrawal): Promise<string | null> {
    if ((await withdrawal.reason(this.db, message)) === null) return null;
    return this.db.transaction(async (tx) => {
      await withdrawal.lock?.(tx, message);
      const reason = await withdrawal.reason(tx, message);
      if (reason === null) return null;
      // An e-mail the SMTP server took for some of its recipients went out: it stays `sent` (and its
      // reminder written, never sent again); only the refused addresses waiting for a retry are given up.
      const partly = attemptsOf(message.attemptLog).find((attempt) => (attempt.delivered ?? []).length > 0);
      const withdrawn = await tx.query(
        `UPDATE outbox SET status = ?, sent_at = ?, withdrawn_at = ?, withdrawn_reason = ?, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
         WHERE id = ? AND status = 'pending' RETURNING id`,
        [partly ? 'sent' : 'withdrawn', partly ? partly.at : null, at, reason, message.id],
      );
      if (withdrawn.length > 0) await withdrawal.withdrawn?.(tx, message);
      return reason;
    });
  }

  /**
   * Puts a dead message back into the queue, due at `at`, for the Geschäftsstelle (`by`) once the
   * address or the mail server is mended: its attempts start again from zero (the usual retries),
   * its attempt log stays and says who put it back. Who took the e-mail before is not sent to
   * again; addresses refused for good before are tried again. A reminder is still asked before its
   * attempt whether it applies. Refused (nothing changes) for an unknown id, and for a message
   * that is not dead: a withdrawn one never goes out.
   */
  async requeue(id: string, at: string, by: string): Promise<OutboxMessage> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<OutboxRow>(`SELECT ${COLUMNS} FROM outbox WHERE id = ?${this.db.forUpdate}`, [id]);
      if (!row) throw new NotFoundError(`Keine Nachricht mit der ID „${id}“ im Ausgang.`);
      const message = toMessage(row);
      if (message.status !== 'dead') throw new MessageNotDead(notDeadReason(message), { id, status: message.status });
      const log = JSON.stringify([...message.attemptLog, { at, requeuedBy: by } satisfies Requeued]);
      const [requeued] = await tx.query<OutboxRow>(
        `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL, attempt_log = ?
         WHERE id = ? AND status = 'dead' RETURNING ${COLUMNS}`,
        [at, log, id],
      );
      return toMessage(requeued);
    });
  }

  private async record(id: string, attempt: Attempt, change: (log: string) => [string, SqlValue[]], sent: SentText = {}): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ attempt_log: string; payload: string }>('SELECT attempt_log, payload FROM outbox WHERE id = ?', [id]);
      if (!row) return;
      const [set, params] = change(JSON.stringify([...JSON.parse(row.attempt_log), attempt]));
      const payload = sent.text === undefined ? null : JSON.stringify({ ...JSON.parse(row.payload), text: sent.text });
      await tx.query(`UPDATE outbox SET ${set}${payload === null ? '' : ', payload = ?'} WHERE id = ?`, [...params, ...(payload === null ? [] : [payload]), id]);
    });
  }
}
