import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { RemindersConfig } from '../../config/reminders';
import { Clock } from '../common/clock';
import { REMINDERS_CONFIG, SIMULATION_MODE } from '../../config/reminders-config';
import { OutboxStore, settledRecipients, type Channel, type OutboxMessage, type WebhookTarget, type Withdrawal } from './outbox.store';
import { MailDeliveryError, MailSender, PermanentDeliveryError, WebhookSender, type MailOutcome } from './senders';

const INTERVAL_NAME = 'outbox-dispatcher';
/** How long a claimed message is this instance's: well beyond one attempt (an SMTP server that hangs costs at most 50 s). */
const LEASE_MS = 5 * 60_000;
/** Attempts per round at most; what is left is the next round's. */
const ROUND_LIMIT = 100;

export interface DispatchResult {
  sent: string[];
  retried: string[];
  dead: string[];
  /** Not sent, and never to be: they no longer applied (see `withdrawIf`). */
  withdrawn: string[];
}

/**
 * Sends the outbox: e-mails and webhooks, at least once. A failed attempt is retried with
 * exponential backoff; after the configured number of attempts the message is dead-lettered.
 * Receivers de-duplicate by the delivery id (webhook header, e-mail Message-ID).
 */
@Injectable()
export class DispatcherService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DispatcherService.name);
  private running: Promise<DispatchResult> | null = null;
  private withdrawal: Withdrawal | null = null;
  private waiting: string | null = null;

  constructor(
    private readonly outbox: OutboxStore,
    private readonly mail: MailSender,
    private readonly webhooks: WebhookSender,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
    @Optional() @Inject(SIMULATION_MODE) private readonly simulation: boolean | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled || this.simulation) return;
    const handle = setInterval(() => {
      this.dispatch().catch((error: unknown) => this.logger.error(`Versand fehlgeschlagen: ${String(error)}`));
    }, this.config.dispatcherIntervalMs);
    this.registry.addInterval(INTERVAL_NAME, handle);
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    this.mail.close();
  }

  /**
   * Sets what is asked before each attempt whether the message still applies (the scheduler's
   * check of its reminders against their Fristen): one that no longer does is withdrawn instead
   * of sent. Asked at the last moment, not when the state changes, so that no write has to look
   * for the messages it makes obsolete, and a message waiting for a retry is asked again each
   * time. An error counts as a failed attempt (the message is tried again).
   */
  withdrawIf(withdrawal: Withdrawal): void {
    this.withdrawal = withdrawal;
  }

  /**
   * Sets which messages wait, unclaimed and unsent, while they are due (the reminders of a body in
   * Nacherfassung): an SQL condition over a row of `outbox`. Once it no longer holds, the message
   * is claimed with the others and asked, as each one, whether it still applies.
   */
  leaveWaiting(condition: string): void {
    this.waiting = condition;
  }

  /** One round: every message due for an attempt. Overlapping calls share the running round. */
  dispatch(): Promise<DispatchResult> {
    if (this.simulation) return Promise.resolve({ sent: [], retried: [], dead: [], withdrawn: [] });
    this.running ??= this.round().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Each message is claimed right before its attempt, with a lease of its own: claimed a hundred
   * at once, the later ones of a round behind a slow SMTP server (up to 50 s a message) outlived
   * their lease, and another instance claimed and sent them while this one still did.
   */
  private async round(): Promise<DispatchResult> {
    const result: DispatchResult = { sent: [], retried: [], dead: [], withdrawn: [] };
    const channels: Channel[] = this.mail.configured ? ['email', 'webhook'] : ['webhook'];
    for (let attempted = 0; attempted < ROUND_LIMIT; attempted++) {
      const now = this.clock.now();
      const lease = new Date(now.getTime() + LEASE_MS).toISOString();
      const [message] = await this.outbox.claimDue(now.toISOString(), lease, channels, 1, this.waiting);
      if (!message) break;
      try {
        // Checked after the claim: while this instance holds the lease no other one sends the message.
        const withdrawn = this.withdrawal && (await this.outbox.withdrawUnlessApplies(message, this.clock.now().toISOString(), this.withdrawal));
        if (withdrawn) {
          result.withdrawn.push(message.id);
          this.logger.log(`${deliveryName(message)} zurückgezogen, nicht versandt: ${withdrawn}`);
          continue;
        }
        if (message.channel === 'email') {
          await this.settleMail(message, await this.mail.send(message), now, result);
          continue;
        }
        await this.webhooks.send(message);
        await this.outbox.markSent(message.id, this.clock.now().toISOString());
        result.sent.push(message.id);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        const retryAt = error instanceof PermanentDeliveryError ? null : this.retryAt(message, now);
        await this.outbox.markFailed(message.id, this.clock.now().toISOString(), reason, retryAt);
        (retryAt === null ? result.dead : result.retried).push(message.id);
        if (retryAt === null) this.logger.warn(`Nachricht ${message.id} („${message.subject}“) nicht zustellbar: ${reason}`);
        // Said once per message and error: a server that keeps refusing does not fill the log with one line per attempt.
        else if (reason !== message.lastError) this.logger.warn(`${deliveryName(message, error)} nicht zugestellt (Versuch ${message.attempts} von ${this.config.delivery.maxAttempts}, nächster ab ${retryAt}): ${reason}`);
      }
    }
    return result;
  }

  /**
   * An e-mail's attempt, recipient by recipient: sent once every address has taken it. Addresses
   * refused for now (4xx) are tried again with the usual backoff, and only they; an address refused
   * for good (5xx) makes the message dead once nothing is left to try, with whom and why in its
   * attempt log and `lastError`. Those who took it are recorded and never get a second copy.
   */
  private async settleMail(message: OutboxMessage, outcome: MailOutcome, now: Date, result: DispatchResult): Promise<void> {
    const at = this.clock.now().toISOString();
    const earlier = settledRecipients(message.attemptLog);
    const temporary = outcome.refused.filter((r) => !r.permanent);
    const permanent = [...earlier.refused, ...outcome.refused.filter((r) => r.permanent)];
    // The stored text becomes the one sent, so the answer of GET /api/reminders says what the recipients read.
    const sentText = outcome.text === undefined ? {} : { text: outcome.text };
    if (temporary.length === 0 && permanent.length === 0) {
      await this.outbox.markSent(message.id, at, { delivered: outcome.delivered }, sentText);
      result.sent.push(message.id);
      return;
    }
    const retryAt = temporary.length > 0 ? this.retryAt(message, now) : null;
    const refused = [...temporary, ...permanent];
    const delivered = [...earlier.delivered, ...outcome.delivered];
    const reason = `Vom SMTP-Server abgelehnt: ${refused.map((r) => `${r.address} (${r.reason}; ${r.permanent ? 'dauerhaft' : 'vorübergehend'})`).join(', ')}.${
      delivered.length > 0 ? ` Zugestellt an: ${delivered.join(', ')}.` : ''
    }`;
    await this.outbox.markFailed(message.id, at, reason, retryAt, { delivered: outcome.delivered, refused: outcome.refused }, outcome.delivered.length > 0 ? sentText : {});
    (retryAt === null ? result.dead : result.retried).push(message.id);
    if (reason === message.lastError) return;
    // Addresses stay out of the log (as in `deliveryName`): they are in the attempt log.
    const answers = refused.map((r) => r.reason).join('; ');
    const count = `${refused.length} von ${refused.length + delivered.length} Empfängern abgelehnt (${answers}), im Versuchsprotokoll mit Adresse`;
    if (retryAt === null) this.logger.warn(`Nachricht ${message.id} („${message.subject}“) nicht an alle zustellbar: ${count}`);
    else this.logger.warn(`${deliveryName(message)} nicht an alle zugestellt (Versuch ${message.attempts} von ${this.config.delivery.maxAttempts}, nächster ab ${retryAt}, nur an die vorübergehend abgelehnten): ${count}`);
  }

  /** Exponential backoff from the configured base; null once the attempts are used up. */
  private retryAt(message: OutboxMessage, now: Date): string | null {
    const { maxAttempts, backoffMs, backoffMaxMs } = this.config.delivery;
    if (message.attempts >= maxAttempts) return null;
    const delay = Math.min(backoffMs * 2 ** (message.attempts - 1), backoffMaxMs);
    return new Date(now.getTime() + delay).toISOString();
  }
}

/**
 * A message as a log line names it: channel, subject, id, and the number of recipients where
 * known. A webhook by its host only: its path or query may hold the receiver's secret.
 */
function deliveryName(message: OutboxMessage, error?: unknown): string {
  if (message.channel === 'webhook') return `Webhook „${message.subject}“ (Nachricht ${message.id}, an ${new URL((message.target as WebhookTarget).url).host})`;
  const recipients = error instanceof MailDeliveryError ? `, ${error.recipients} Empfänger` : '';
  return `E-Mail „${message.subject}“ (Nachricht ${message.id}${recipients})`;
}
