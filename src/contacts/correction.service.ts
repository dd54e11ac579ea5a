import { Injectable } from '@nestjs/common';
import { germanDateTime } from '../../machines';
import { z } from 'zod';
import { AuditStore } from '../audit/audit.store';
import { CONTACT_EVENT_LABELS, CONTACT_FIELDS, contactStream, describeContactCorrection, hashContactEvent, type ContactEvent, type ContactField } from '../audit/contact-log';
import { Clock } from '../common/clock';
import { LifecycleRefusal, NotFoundError, ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, type Queries, type Transaction } from '../database/database';
import type { Actor } from '../event-log/event-hash';
import type { ContactRow } from './contacts.store';
import { timeOrderedId } from '../common/time-ordered-id';

/** An optional text field that an empty input clears (the web form sends every field). */
const clearable = (inner: z.ZodType<string>) =>
  z
    .union([z.null(), z.literal('').transform(() => null), inner])
    .optional();

export const contactCorrectionSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  organization: clearable(z.string().trim().max(200)),
  email: clearable(z.email()),
  phone: clearable(z.string().trim().max(60)),
  reason: z.string().trim().max(1000).optional(),
});

/**
 * Corrections of a contact person (Ansprechperson): the new values go into the contacts table,
 * and the correction — who changed which fields when, and why — onto the contact's own hash
 * chain (audit/contact-log.ts). The chain holds no values, so an erasure later still leaves it
 * intact.
 */
@Injectable()
export class ContactCorrectionService {
  constructor(
    private readonly store: AuditStore,
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async correct(contactId: string, input: unknown, actor: Actor) {
    const correction = parseInput(contactCorrectionSchema, input);
    if (actor.role !== 'secretariat') throw new LifecycleRefusal('Ansprechpersonen berichtigt nur die Geschäftsstelle.');
    const now = this.clock.now().toISOString();
    // A plain transaction (not AuditStore.consistent, which sets an isolation level and so cannot
    // run inside the Idempotency-Key's unit of work); the contact's row is locked instead.
    return this.db.transaction(async (tx) => {
      const contact = await this.contact(tx, contactId, this.db.forUpdate);
      if (contact.erased_at) {
        throw new LifecycleRefusal(
          `Die personenbezogenen Daten der Ansprechperson ${contactId} wurden am ${germanDateTime(contact.erased_at)} Uhr gelöscht (DSGVO Art. 17); sie lässt sich nicht mehr berichtigen.`,
          { erasedAt: contact.erased_at },
        );
      }
      const changed = CONTACT_FIELDS.filter((field) => correction[field] !== undefined && correction[field] !== contact[field]);
      if (changed.length === 0) {
        throw ValidationError.at('', 'Nichts zu berichtigen: die Angaben stimmen mit den gespeicherten überein.');
      }
      const after: Record<ContactField, string | null> = { ...contact };
      for (const field of changed) after[field] = correction[field] ?? null;
      await tx.query('UPDATE contacts SET name = ?, organization = ?, email = ?, phone = ? WHERE id = ?', [
        after.name,
        after.organization,
        after.email,
        after.phone,
        contactId,
      ]);
      const stream = contactStream(contactId);
      const head = await this.store.contactHead(tx, stream);
      const unhashed: Omit<ContactEvent, 'hash'> = {
        id: timeOrderedId(),
        stream,
        version: (head?.version ?? 0) + 1,
        type: 'contactCorrected',
        data: { contactId, changed, reason: correction.reason || null },
        actor,
        occurredAt: now,
        recordedAt: now,
        prevHash: head?.hash ?? null,
      };
      const event: ContactEvent = { ...unhashed, hash: hashContactEvent(unhashed) };
      await this.store.appendContactEvent(tx, event);
      return {
        contact: { id: contactId, name: after.name, organization: after.organization, email: after.email, phone: after.phone },
        changed,
        contactLog: { stream, version: event.version, hash: event.hash },
      };
    });
  }

  /** The contact's chain: every correction with what changed (field names only). */
  async history(contactId: string) {
    return this.store.read(async (view) => {
      await this.contact(view, contactId);
      const stream = contactStream(contactId);
      const events = await this.store.contactEvents(view, stream);
      return {
        contactId,
        stream,
        events: events.map((e) => ({ ...e, label: CONTACT_EVENT_LABELS[e.type], summary: describeContactCorrection(e.data) })),
      };
    });
  }

  private async contact(tx: Queries, contactId: string, lock = ''): Promise<ContactRow> {
    const [row] = await tx.query<ContactRow>(`SELECT id, name, organization, email, phone, erased_at FROM contacts WHERE id = ?${lock}`, [contactId]);
    if (!row) throw new NotFoundError(`Ansprechperson ${contactId} ist nicht bekannt.`);
    return row;
  }
}
