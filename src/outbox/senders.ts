import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createTransport, type Transporter } from 'nodemailer';
import type { RemindersConfig } from '../../config/reminders';
import { ContactsStore } from '../contacts/contacts.store';
import { Database } from '../database/database';
import { REMINDERS_CONFIG } from '../../config/reminders-config';
import { leadsSql, withCurrentLeads } from './current-leads';
import { settledRecipients, type EmailTarget, type OutboxMessage, type RefusedRecipient, type WebhookTarget } from './outbox.store';

/** A failure that no retry can fix (no recipient at all): the message is dead-lettered at once. */
export class PermanentDeliveryError extends Error {}

/** The SMTP server did not take an e-mail; `recipients` is how many addresses it was for. The message is the server's (or nodemailer's). */
export class MailDeliveryError extends Error {
  constructor(
    message: string,
    readonly recipients: number,
    options: { cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * What the SMTP server did with an e-mail's recipients in one attempt: which addresses it took and
 * which it refused at RCPT TO. nodemailer fails only when it refuses all of them; a partly refused
 * e-mail is a success to it, so each refusal is read from its answer here.
 */
export interface MailOutcome {
  delivered: string[];
  refused: RefusedRecipient[];
  /** The text as it went to the server in this attempt (a reminder's Federführung as it is then); absent when nothing was sent. */
  text?: string;
}

/** nodemailer's error for one refused recipient (`rejectedErrors`). */
interface RecipientError {
  recipient?: string;
  response?: string;
  responseCode?: number;
  message?: string;
}

export const SIGNATURE_HEADER = 'x-gremienlauf-signature';

/** `sha256=<hex>`: HMAC-SHA256 of the exact request body with the shared secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Sends e-mails through the configured SMTP server (nodemailer). */
@Injectable()
export class MailSender {
  private transport: Transporter | null = null;

  constructor(
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
    private readonly contacts: ContactsStore,
    private readonly db: Database,
  ) {}

  get configured(): boolean {
    return this.config.mail.host !== null;
  }

  /**
   * Sends to the recipients no earlier attempt has settled (see `settledRecipients`): an address
   * the server took or refused for good is not sent to again. Throws only when the e-mail did not
   * reach the server's recipients at all for another reason (connection, sender refused …).
   */
  async send(message: OutboxMessage): Promise<MailOutcome> {
    const target = message.target as EmailTarget;
    const all = await this.recipients(target, message.bodyId);
    if (all.length === 0) {
      throw new PermanentDeliveryError(
        'Keine Empfängeradresse: die Ansprechpersonen haben keine E-Mail-Adresse und für die Geschäftsstelle ist SECRETARIAT_EMAIL nicht gesetzt.',
      );
    }
    const settled = settledRecipients(message.attemptLog);
    const done = new Set([...settled.delivered, ...settled.refused.map((r) => r.address)].map((a) => a.toLowerCase()));
    const to = all.filter((address) => !done.has(address.toLowerCase()));
    if (to.length === 0) return { delivered: [], refused: [] };
    const text = await this.currentText(message);
    let rejected: RecipientError[];
    try {
      const info = (await this.transporter().sendMail({
        from: this.config.mail.from,
        to,
        subject: message.subject,
        text,
        messageId: `<${message.id}@gremienlauf>`,
        headers: { 'X-Gremienlauf-Delivery': message.id },
      })) as { rejected?: unknown[]; rejectedErrors?: RecipientError[] };
      rejected = info.rejectedErrors ?? (info.rejected ?? []).map((r) => ({ recipient: String(r) }));
    } catch (error) {
      const refusedAll = (error as { code?: string; rejectedErrors?: RecipientError[] } | null)?.rejectedErrors;
      if (!Array.isArray(refusedAll) || refusedAll.length === 0) {
        throw new MailDeliveryError(error instanceof Error ? error.message : String(error), to.length, { cause: error });
      }
      rejected = refusedAll;
    }
    const refused = to.flatMap((address): RefusedRecipient[] => {
      const r = rejected.find((e) => e.recipient?.toLowerCase() === address.toLowerCase());
      if (!r) return [];
      return [{ address, reason: r.response ?? r.message ?? 'abgelehnt', permanent: (r.responseCode ?? 0) >= 500 }];
    });
    // A refusal that names no address leaves unknown whom it concerns: all are tried again (a copy too many rather than one lost).
    if (rejected.some((r) => !r.recipient)) {
      throw new MailDeliveryError(rejected.map((r) => r.response ?? r.message).join('; '), to.length, { cause: rejected });
    }
    return { delivered: to.filter((address) => !refused.some((r) => r.address === address)), refused, text };
  }

  /**
   * A reminder's text names the Federführung as the body's leads are when it goes out, as its
   * recipients are: written before a change of Federführung, it would name the lead removed. Of
   * the body's context only the leads are read (`leadsSql`).
   */
  private async currentText(message: OutboxMessage): Promise<string> {
    const { text } = message.payload as { text: string };
    if (message.topic !== 'reminder' || message.bodyId === null) return text;
    const [row] = await this.db.query<{ leads: string | null }>(`SELECT ${leadsSql(this.db.kind)} AS leads FROM bodies WHERE id = ?`, [message.bodyId]);
    const leads = row?.leads ? (JSON.parse(row.leads) as string[] | null) : null;
    return leads ? withCurrentLeads(text, leads) : text;
  }

  close(): void {
    this.transport?.close();
    this.transport = null;
  }

  /**
   * The addresses of the contact persons who lead the body when the e-mail goes out (its
   * `body_contacts`): a lead removed while the message waited gets nothing more of the body, one
   * added gets it. A message of no body goes to the contact persons it names.
   */
  private async recipients(target: EmailTarget, bodyId: string | null): Promise<string[]> {
    const leading = bodyId === null ? null : (await this.db.query<{ contact_id: string }>('SELECT contact_id FROM body_contacts WHERE body_id = ? ORDER BY contact_id', [bodyId])).map((r) => r.contact_id);
    const contacts = await this.contacts.findMany(leading ?? target.contactIds);
    const addresses = contacts.filter((c) => !c.erased && c.email).map((c) => c.email as string);
    // Without any address of the leads the secretariat gets the reminder, so it is not lost.
    if ((target.secretariat || addresses.length === 0) && this.config.mail.secretariat) addresses.push(this.config.mail.secretariat);
    return [...new Set(addresses)];
  }

  private transporter(): Transporter {
    const mail = this.config.mail;
    if (!mail.host) throw new Error('Kein SMTP-Server konfiguriert (SMTP_HOST).');
    this.transport ??= createTransport({
      host: mail.host,
      port: mail.port,
      secure: mail.secure,
      requireTLS: mail.requireTls,
      auth: mail.user ? { user: mail.user, pass: mail.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
    return this.transport;
  }
}

/** Posts webhooks: JSON with an HMAC-SHA256 signature header. */
@Injectable()
export class WebhookSender {
  constructor(@Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig) {}

  async send(message: OutboxMessage): Promise<void> {
    const { url } = message.target as WebhookTarget;
    const body = JSON.stringify(message.payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-gremienlauf-delivery': message.id,
        'x-gremienlauf-topic': message.topic,
        [SIGNATURE_HEADER]: signature(this.config.webhooks.secret, body),
      },
      body,
      signal: AbortSignal.timeout(this.config.webhooks.timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`Webhook ${url} antwortete mit HTTP ${response.status}.`);
  }
}
