import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { germanDateTime } from '../../machines/dates';
import { AUDIT_LOG_STREAM, hashAuditLogEntry, type AuditLogEntry } from '../audit/audit-log';
import { AuditStore } from '../audit/audit.store';
import { Clock } from '../common/clock';
import { DuplicateError, LifecycleRefusal, NotFoundError } from '../common/errors';
import { parseInput } from '../common/validation';
import type { Actor } from '../event-log/event-hash';
import { timeOrderedId } from '../common/time-ordered-id';

export const erasureInput = z.strictObject({
  reason: z.string().trim().min(3).max(1000),
});

/**
 * Erasure of a contact person's personal data (DSGVO Art. 17). Name, organisation, e-mail and
 * phone are removed from the contacts table; the events, which hold only the contact's id, stay
 * as they are, so every hash chain still verifies. The erasure itself is recorded in the audit
 * log chain (see audit/audit-log.ts for why there and not in each body's stream), with the
 * reason and the bodies whose history names the contact.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly store: AuditStore,
    private readonly clock: Clock,
  ) {}

  async erase(contactId: string, input: unknown, actor: Actor) {
    const { reason } = parseInput(erasureInput, input);
    if (actor.role !== 'secretariat') {
      throw new LifecycleRefusal('Personenbezogene Daten löscht nur die Geschäftsstelle.');
    }
    const now = this.clock.now().toISOString();
    return this.store.consistent(async (tx) => {
      const [contact] = await tx.query<{ id: string; erased_at: string | null }>('SELECT id, erased_at FROM contacts WHERE id = ?', [contactId]);
      if (!contact) throw new NotFoundError(`Ansprechperson ${contactId} ist nicht bekannt.`);
      if (contact.erased_at) {
        throw new DuplicateError(`Die personenbezogenen Daten der Ansprechperson ${contactId} wurden bereits am ${germanDateTime(contact.erased_at)} Uhr gelöscht.`, {
          erasedAt: contact.erased_at,
        });
      }
      const bodyIds = await this.store.bodiesNaming(tx, contactId);
      await tx.query(
        'UPDATE contacts SET name = NULL, organization = NULL, email = NULL, phone = NULL, erased_at = ?, erasure_reason = ? WHERE id = ?',
        [now, reason, contactId],
      );
      const [last] = await tx.query<{ version: number | string; hash: string }>('SELECT version, hash FROM audit_log ORDER BY version DESC LIMIT 1');
      const unhashed: Omit<AuditLogEntry, 'hash'> = {
        id: timeOrderedId(),
        version: last ? Number(last.version) + 1 : 1,
        type: 'contactErased',
        data: { contactId, reason, bodyIds },
        actor,
        occurredAt: now,
        recordedAt: now,
        prevHash: last?.hash ?? null,
      };
      const entry: AuditLogEntry = { ...unhashed, hash: hashAuditLogEntry(unhashed) };
      await this.store.appendAuditLog(tx, entry);
      return { contactId, erasedAt: now, reason, bodyIds, auditLog: { stream: AUDIT_LOG_STREAM, version: entry.version, hash: entry.hash } };
    });
  }
}
