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
 * A condition on a timer's `due_at` column: it falls due within the business dates. A timer an
 * earlier release derived from a month beyond 2100 falls due on a day such as `+010000-01-30T23:00Z`,
 * which as text sorts before every instant: taken as due, it fired one period after the other
 * without end. No such timer is ever due, nor one after 2100-12-31.
 */
export function dueWithinBusinessDates(column: string): string {
  return `${column} >= '${FIRST_DUE}' AND ${column} < '${AFTER_LAST_DUE}'`;
}

/**
 * A condition on a timer's `due_at` column: it falls due on a day whose year has more than four
 * digits. ISO 8601 writes such an instant with a sign (`+010000-01-30T23:00:00.000Z`); every
 * instant of the business dates begins with a digit. No derivation gives one any more.
 */
export function dueOnUnreadableDay(column: string): string {
  return `${column} < '0'`;
}

/**
 * A body's pending system events (the scheduler's timers, not reminders), earliest first; with
 * `until`, only those due by then (never one outside the business dates). One indexed read
 * (timers_body_events_due).
 */
export function pendingSystemEvents(tx: Queries, bodyId: string, until?: string): Promise<PendingSystemEvent[]> {
  return tx.query<PendingSystemEvent>(
    `SELECT kind AS type, due_at AS "dueAt" FROM timers WHERE body_id = ? AND status = 'pending' AND kind <> 'reminder'${until === undefined ? '' : ` AND due_at <= ? AND ${dueWithinBusinessDates('due_at')}`} ORDER BY due_at, key`,
    until === undefined ? [bodyId] : [bodyId, until],
  );
}
