import type { MigrationInterface, QueryRunner } from 'typeorm';
import { placeholder, storedBodies } from './stored-bodies';

/** Bodies read per step of the backfill. */
const PAGE = 500;

/**
 * Which bodies a body names as predecessor or successor, one row each, indexed by the body
 * named: a body's view finds the bodies that name it with one index lookup. It used to search
 * every body's stored context for its id (half a second per view with 100,000 bodies).
 */
export class BodyLinks1767600000000 implements MigrationInterface {
  name = 'BodyLinks1767600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE body_links (
      body_id varchar(36) NOT NULL,
      linked_id varchar(36) NOT NULL,
      PRIMARY KEY (body_id, linked_id)
    )`);
    await q.query('CREATE INDEX body_links_linked ON body_links (linked_id)');
    const p = placeholder(q);
    for await (const body of storedBodies(q, PAGE)) {
      for (const linked of namedBodies(body.context)) {
        await q.query(`INSERT INTO body_links (body_id, linked_id) VALUES (${p(1)}, ${p(2)})`, [body.id, linked]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE body_links');
  }
}

/** The bodies a stored context names as successor or predecessors, as this release stores them (a migration keeps its own reading). */
function namedBodies(text: string): Set<string> {
  const context = JSON.parse(text) as { successor?: { bodyId?: string } | null; profile?: { predecessors?: Array<{ bodyId?: string }> } };
  const ids = [context.successor?.bodyId, ...(context.profile?.predecessors ?? []).map((p) => p.bodyId)];
  return new Set(ids.filter((id): id is string => typeof id === 'string'));
}
