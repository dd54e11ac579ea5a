import type { MigrationInterface, QueryRunner } from 'typeorm';
import { placeholder, storedBodies } from './stored-bodies';

/** Bodies read per step of the backfill. */
const PAGE = 500;

/**
 * What a page of the list of bodies needs. `body_contacts`: which contact persons
 * (Ansprechpersonen) a body's registration names, one row each, indexed by the contact, so the
 * bodies a lead leads are one index lookup and a lead's page is narrowed in SQL (they used to be
 * found by searching every body's stored context for the lead's contact id, on every list a lead
 * asked for). `bodies_title`: the list's order (title, then id), so a page starts where the last
 * one ended without sorting every body.
 */
export class BodyListPages1767700000000 implements MigrationInterface {
  name = 'BodyListPages1767700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE body_contacts (
      body_id varchar(36) NOT NULL,
      contact_id varchar(36) NOT NULL,
      PRIMARY KEY (body_id, contact_id)
    )`);
    await q.query('CREATE INDEX body_contacts_contact ON body_contacts (contact_id)');
    await q.query('CREATE INDEX bodies_title ON bodies (title, id)');
    const p = placeholder(q);
    for await (const body of storedBodies(q, PAGE)) {
      for (const contact of namedContacts(body.context)) {
        await q.query(`INSERT INTO body_contacts (body_id, contact_id) VALUES (${p(1)}, ${p(2)})`, [body.id, contact]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX bodies_title');
    await q.query('DROP TABLE body_contacts');
  }
}

/** The contacts a stored context's profile names, as this release stores them (a migration keeps its own reading). */
function namedContacts(text: string): Set<string> {
  const ids = (JSON.parse(text) as { profile?: { contactIds?: unknown } }).profile?.contactIds;
  return new Set(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []);
}
