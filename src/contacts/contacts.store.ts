import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuditStore } from '../audit/audit.store';
import { CONTACT_FIELDS, contactStream, hashContactEvent, type ContactEvent } from '../audit/contact-log';
import { ValidationError } from '../common/errors';
import { timeOrderedId } from '../common/time-ordered-id';
import { Database, type Queries, type Transaction } from '../database/database';
import type { Actor } from '../event-log/event-hash';
import type { ContactInput, NewContact } from './contact-input';
import { comparableName, matchContacts, type ContactCandidate, type ContactFill, type ContactMatch } from './contact-match';

export interface Contact {
  id: string;
  name: string | null;
  organization: string | null;
  email: string | null;
  phone: string | null;
  erased: boolean;
}

/** A row of the contacts table as SQL reads it. */
export interface ContactRow {
  id: string;
  name: string | null;
  organization: string | null;
  email: string | null;
  phone: string | null;
  erased_at: string | null;
}

/**
 * Contact persons are personal data: they live here, and events refer to them by id only, so
 * erasing one (DSGVO Art. 17) leaves the event chain intact.
 */
@Injectable()
export class ContactsStore {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditStore,
  ) {}

  /**
   * Which recorded person each new contact names (contact-match.ts), read without writing: what
   * `resolve` would reuse. Erased contacts are never candidates.
   */
  async match(q: Queries, inputs: readonly NewContact[]): Promise<ContactMatch[]> {
    if (inputs.length === 0) return [];
    return matchContacts(inputs, await this.live(q));
  }

  /** The recorded persons not erased, oldest first: those `match` may reuse. */
  live(q: Queries): Promise<ContactCandidate[]> {
    return q.query<ContactCandidate>('SELECT id, name, organization, email, phone FROM contacts WHERE erased_at IS NULL ORDER BY created_at, id');
  }

  /**
   * Inside a unit of work, before `match`: holds the names of `inputs` until it commits, so that
   * another unit naming one of these people waits and then finds the person this one records,
   * instead of recording it again (matching reuses only a person of the same name, so the name
   * is the key). Taken in a fixed order, so two units naming the same people cannot each hold
   * one the other waits for. On SQLite the single writer has units take turns anyway.
   */
  async hold(tx: Transaction, inputs: readonly NewContact[]): Promise<void> {
    const names = [...new Set(inputs.map((input) => comparableName(input.name)))].sort();
    for (const name of names) await this.db.lockUntilCommit(tx, 'contactName', name);
  }

  /**
   * Records the new contacts and checks the referenced ones exist; returns the ids in the given
   * order. A new contact that names a recorded person is that person (see `match`): no second
   * record; what it lacks and the input gives is filled in as a correction on its own chain, by
   * `by.actor` for `by.reason`. `named` are the ids the caller names beside these (a contact
   * may not be named twice). `at` names the input field for error messages.
   */
  async resolve(
    tx: Transaction,
    inputs: ContactInput[],
    at: string,
    now: string,
    by: { actor: Actor; reason: string },
    named: readonly string[] = [],
  ): Promise<string[]> {
    const fresh = inputs.flatMap((input, i) => ('id' in input ? [] : [{ input, i }]));
    const freshInputs = fresh.map((f) => f.input);
    await this.hold(tx, freshInputs);
    const matches = await this.match(tx, freshInputs);
    const matchOf = new Map(fresh.map((f, k) => [f.i, { match: matches[k], index: k }]));
    const taken = new Set(named.map((id) => id.toLowerCase()));
    const ids: string[] = [];
    for (const [i, input] of inputs.entries()) {
      if ('id' in input) {
        const [row] = await tx.query('SELECT id FROM contacts WHERE id = ?', [input.id]);
        if (!row) throw ValidationError.at(`${at}[${i}].id`, `Ansprechperson ${input.id} ist nicht bekannt.`);
        ids.push(input.id);
        continue;
      }
      const { match } = matchOf.get(i)!;
      if (match.status === 'repeated') {
        throw ValidationError.at(`${at}[${i}]`, `„${input.name}“ ist dieselbe Ansprechperson wie ${at}[${fresh[match.of].i}].`);
      }
      if (match.status === 'existing') {
        if (taken.has(match.id.toLowerCase()) || ids.includes(match.id)) {
          throw ValidationError.at(`${at}[${i}]`, `„${input.name}“ ist bereits erfasst (Ansprechperson ${match.id}) und hier schon genannt.`);
        }
        await this.fillIn(tx, match.id, match.fill, now, by);
        ids.push(match.id);
        continue;
      }
      const id = randomUUID();
      await tx.query('INSERT INTO contacts (id, name, organization, email, phone, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
        id,
        input.name,
        input.organization ?? null,
        input.email ?? null,
        input.phone ?? null,
        now,
      ]);
      ids.push(id);
    }
    return ids;
  }

  /** Fills in the fields a reused contact still lacks, recorded like any correction (`contactCorrected`, field names only). */
  private async fillIn(tx: Transaction, contactId: string, fill: ContactFill, now: string, by: { actor: Actor; reason: string }): Promise<void> {
    if (Object.keys(fill).length === 0) return;
    const [row] = await tx.query<ContactRow>(`SELECT id, name, organization, email, phone, erased_at FROM contacts WHERE id = ?${this.db.forUpdate}`, [contactId]);
    if (!row || row.erased_at !== null) return;
    const changed = CONTACT_FIELDS.filter((field): field is keyof ContactFill => field !== 'name' && fill[field] !== undefined && row[field] === null);
    if (changed.length === 0) return;
    const values = changed.map((field) => fill[field]!);
    await tx.query(`UPDATE contacts SET ${changed.map((field) => `${field} = ?`).join(', ')} WHERE id = ?`, [...values, contactId]);
    const stream = contactStream(contactId);
    const head = await this.audit.contactHead(tx, stream);
    const unhashed: Omit<ContactEvent, 'hash'> = {
      id: timeOrderedId(),
      stream,
      version: (head?.version ?? 0) + 1,
      type: 'contactCorrected',
      data: { contactId, changed, reason: by.reason },
      actor: by.actor,
      occurredAt: now,
      recordedAt: now,
      prevHash: head?.hash ?? null,
    };
    await this.audit.appendContactEvent(tx, { ...unhashed, hash: hashContactEvent(unhashed) });
  }

  /**
   * The contacts, in the given order. One marked erased comes without personal data whatever
   * else its row holds: personal data written back into the row after the erasure is shown
   * nowhere (GET /api/audit/verify names it against the audit log, `erasureUndone`).
   */
  async findMany(ids: string[]): Promise<Contact[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<ContactRow>(`SELECT id, name, organization, email, phone, erased_at FROM contacts WHERE id IN (${ids.map(() => '?').join(', ')})`, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id): Contact[] => {
      const r = byId.get(id);
      if (!r) return [];
      if (r.erased_at !== null) return [{ id, name: null, organization: null, email: null, phone: null, erased: true }];
      return [{ id, name: r.name, organization: r.organization, email: r.email, phone: r.phone, erased: false }];
    });
  }
}
