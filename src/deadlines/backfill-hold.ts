/**
 * A body's Nacherfassung as stored: while its known history is entered, the scheduler records no
 * system events and writes no reminders for it (its due timers wait). The row in
 * `backfill_holds` is what the scheduler's claim excludes; the audit log records each begin and
 * end (see backfill.service.ts).
 */
import { germanDateTime } from '../../machines/dates';
import type { Queries } from '../database/database';

export interface BackfillHold {
  /** When the hold began (system time). */
  since: string;
  reason: string;
  /** Who began it (user id). */
  by: string;
}

/**
 * The scheduler's claim condition over a table aliased `alias` with a `body_id` column: the body
 * is not held. A primary-key probe per due row, so the claim stays O(due).
 */
export function notHeld(alias: string): string {
  return `NOT EXISTS (SELECT 1 FROM backfill_holds h WHERE h.body_id = ${alias}.body_id)`;
}

/**
 * The dispatcher's condition over an outbox row aliased `alias`: a reminder of a held body. It
 * stays in the outbox unsent until the hold ends; then the dispatcher asks, as before every
 * attempt, whether it still applies to the history entered meanwhile.
 */
export function heldReminder(alias: string): string {
  return `(${alias}.topic = 'reminder' AND EXISTS (SELECT 1 FROM backfill_holds h WHERE h.body_id = ${alias}.body_id))`;
}

/** The body's hold, or null when its deadline monitoring runs. */
export async function backfillHold(q: Queries, bodyId: string): Promise<BackfillHold | null> {
  const [row] = await q.query<{ since: string; reason: string; actor_id: string }>('SELECT since, reason, actor_id FROM backfill_holds WHERE body_id = ?', [bodyId]);
  return row ? { since: row.since, reason: row.reason, by: row.actor_id } : null;
}

/** The held bodies, each with when its hold began (system time). */
export async function heldBodies(q: Queries): Promise<Map<string, string>> {
  const rows = await q.query<{ body_id: string; since: string }>('SELECT body_id, since FROM backfill_holds');
  return new Map(rows.map((r) => [r.body_id, r.since]));
}

/** What pages and the CLI say about a held body: „Nacherfassung: Fristenüberwachung ruht seit 03.12.2026, 17:49 Uhr“. */
export function backfillNotice(hold: Pick<BackfillHold, 'since'>): string {
  return `Nacherfassung: Fristenüberwachung ruht seit ${germanDateTime(hold.since)} Uhr`;
}
