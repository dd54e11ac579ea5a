import type { Queries } from '../database/database';

/** A system event the scheduler holds pending for a body: its type and when it falls due. */
export interface PendingSystemEvent {
  type: string;
  dueAt: string;
}

/**
 * A body's pending system events (the scheduler's timers, not reminders), earliest first; with
 * `until`, only those due by then. One indexed read (timers_body_events_due).
 */
export function pendingSystemEvents(tx: Queries, bodyId: string, until?: string): Promise<PendingSystemEvent[]> {
  return tx.query<PendingSystemEvent>(
    `SELECT kind AS type, due_at AS "dueAt" FROM timers WHERE body_id = ? AND status = 'pending' AND kind <> 'reminder'${until === undefined ? '' : ' AND due_at <= ?'} ORDER BY due_at, key`,
    until === undefined ? [bodyId] : [bodyId, until],
  );
}
