import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ValidationError } from '../common/errors';
import { Database, type Transaction } from '../database/database';
import type { ContactInput } from './contact-input';

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
  constructor(private readonly db: Database) {}

  /**
   * Records the new contacts and checks the referenced ones exist; returns the ids in the given
   * order. `at` names the input field for error messages.
   */
  async resolve(tx: Transaction, inputs: ContactInput[], at: string, now: string): Promise<string[]> {
    const ids: string[] = [];
    for (const [i, input] of inputs.entries()) {
      if ('id' in input) {
        const [row] = await tx.query('SELECT id FROM contacts WHERE id = ?', [input.id]);
        if (!row) throw ValidationError.at(`${at}[${i}].id`, `Ansprechperson ${input.id} ist nicht bekannt.`);
        ids.push(input.id);
      } else {
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
    }
    return ids;
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
