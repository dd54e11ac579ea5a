import type { Transaction } from '../database/database';

/** The context's parts that name other bodies or contact persons (a head or a whole context; anything else names none). */
interface NamesIds {
  successor?: { bodyId?: string } | null;
  profile?: { predecessors?: Array<{ bodyId?: string }>; contactIds?: unknown };
}

/** The other bodies a context names (its successor, its predecessors), each once, sorted. */
export function linkedBodyIds(context: unknown): string[] {
  const c = (context ?? {}) as NamesIds;
  const ids = [c.successor?.bodyId, ...(c.profile?.predecessors ?? []).map((p) => p.bodyId)];
  return distinctSorted(ids);
}

/** The contact persons (Ansprechpersonen) a context's profile names, each once, sorted: through them a lead leads a body. */
export function contactIdsOf(context: unknown): string[] {
  const ids = ((context ?? {}) as NamesIds).profile?.contactIds;
  return Array.isArray(ids) ? distinctSorted(ids) : [];
}

function distinctSorted(ids: unknown[]): string[] {
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))].sort();
}

/**
 * A lookup table beside the projection: one row for each id a body's context names, indexed by
 * the id named, so that "which bodies name X" is an index lookup, not a search of every context.
 */
interface NamedIdRows {
  table: string;
  column: string;
  of: (context: unknown) => string[];
}

/** The bodies that name a body as predecessor or successor (a body's view lists them). */
const BODY_LINKS: NamedIdRows = { table: 'body_links', column: 'linked_id', of: linkedBodyIds };
/** The bodies that name a contact person (the bodies a lead leads). */
const BODY_CONTACTS: NamedIdRows = { table: 'body_contacts', column: 'contact_id', of: contactIdsOf };

/**
 * Keeps a body's rows in `body_links` and `body_contacts` in line with its new context.
 * `previous`: the context the rows were written from, or null when that is not known (then they
 * are rewritten). Most events change no link and no contact: then nothing is written.
 */
export function writeNamedIds(tx: Transaction, bodyId: string, previous: object | null, next: object): void {
  for (const { table, column, of } of [BODY_LINKS, BODY_CONTACTS]) {
    const before = previous === null ? null : of(previous);
    const after = of(next);
    if (before && before.join(' ') === after.join(' ')) continue;
    if (before === null || before.length > 0) tx.write(`DELETE FROM ${table} WHERE body_id = ?`, [bodyId]);
    for (const id of after) tx.write(`INSERT INTO ${table} (body_id, ${column}) VALUES (?, ?)`, [bodyId, id]);
  }
}

/**
 * The words a body is found by (the `search_text` column): title, short name, kind, parent, focus
 * topic and leads, lower-case. The write path stores it; verify derives it again to compare.
 */
export function searchTextOf(profile: { title?: unknown; shortName?: unknown; kind?: unknown; parent?: unknown; focusTopic?: unknown; leads?: unknown }): string {
  const leads = Array.isArray(profile.leads) ? profile.leads : [];
  return [profile.title, profile.shortName, profile.kind, profile.parent, profile.focusTopic, ...leads].filter(Boolean).join(' ').toLowerCase();
}
