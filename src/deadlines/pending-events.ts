import { BUSINESS_DATES, startOfBerlinDay } from '../../machines/dates';
import { addDays } from '../../machines/deadlines';
import type { Queries } from '../database/database';

/** A system event the scheduler holds pending for a body: its type and when it falls due. */
export interface PendingSystemEvent {
  type: string;
  dueAt: string;
}

/** The first instant of the business dates, and the first after them (1 January 2101 in Berlin). */
const FIRST_DUE = startOfBerlinDay(BUSINESS_DATES.from);
const AFTER_LAST_DUE = startOfBerlinDay(addDays(BUSINESS_DATES.to, 1));

/**
 * The bodies with a pending timer that an earlier release derived from a Frist beyond the
 * business dates (a report due „im Dezember 9999“, its next period in 10000-01), by id. Such a
 * timer falls due outside them: after 2100, or on a day of a five-digit year, written with a sign
 * (`+010000-01-30T23:00:00.000Z`), which as text sorts before every instant, so that it would be
 * taken as due at once. A timer due after 2100 whose Frist lies within them is none of these:
 * a report due on 31.12.2100 is overdue on 1 January 2101. Two range reads of the pending timers
 * by due instant (timers_due), each row's Frist read by its key; nothing but such timers is read.
 */
export function bodiesWithTimersBeyond(q: Queries): Promise<Array<{ body_id: string }>> {
  const beyond = `NOT EXISTS (SELECT 1 FROM deadlines d WHERE d.key = t.deadline_key AND d.effective_date >= ? AND d.effective_date <= ?)`;
  return q.query<{ body_id: string }>(
    `SELECT t.body_id FROM timers t WHERE t.status = 'pending' AND t.due_at < ? AND ${beyond}
     UNION SELECT t.body_id FROM timers t WHERE t.status = 'pending' AND t.due_at >= ? AND ${beyond}
     ORDER BY body_id`,
    [FIRST_DUE, BUSINESS_DATES.from, BUSINESS_DATES.to, AFTER_LAST_DUE, BUSINESS_DATES.from, BUSINESS_DATES.to],
  );
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
