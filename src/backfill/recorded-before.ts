/**
 * What the deadline monitoring had already done for a body when its Nacherfassung began: the
 * system events in its log (actor `system:scheduler`, whether the sweep or a write's catch-up
 * appended them) and the reminders it wrote to the outbox. A hold begun after them comes too late
 * for them: they stay recorded (or sent), and no event can be entered before the last of them.
 */
import { berlinDate, countOf, eventLabel, germanDate } from '../../machines';
import type { Queries } from '../database/database';
import { SCHEDULER_ACTOR } from '../lifecycle/lifecycle.service';

export interface RecordedBefore {
  /** Each kind of system event in the log, in the order it first occurred. */
  events: Array<{ type: string; label: string; count: number; firstOccurredAt: string; lastOccurredAt: string }>;
  /** The reminder messages written to the outbox: sent, and still waiting there for their delivery. */
  reminders: { sent: number; waiting: number };
  /** The same in a sentence or two, in German. */
  notice: string;
}

/** What the monitoring had recorded and written for the body up to `until` (system time), or null when nothing. */
export async function recordedBefore(q: Queries, bodyId: string, until: string): Promise<RecordedBefore | null> {
  const rows = await q.query<{ type: string; n: number | string; first_at: string; last_at: string }>(
    `SELECT type, COUNT(*) AS n, MIN(occurred_at) AS first_at, MAX(occurred_at) AS last_at FROM events
     WHERE body_id = ? AND actor_id = ? AND recorded_at <= ? GROUP BY type ORDER BY first_at, type`,
    [bodyId, SCHEDULER_ACTOR.id, until],
  );
  const messages = await q.query<{ status: string; n: number | string }>(
    `SELECT status, COUNT(*) AS n FROM outbox WHERE body_id = ? AND topic = 'reminder' AND created_at <= ? GROUP BY status`,
    [bodyId, until],
  );
  const count = (status: string) => Number(messages.find((m) => m.status === status)?.n ?? 0);
  const events = rows.map((r) => ({ type: r.type, label: eventLabel(r.type), count: Number(r.n), firstOccurredAt: r.first_at, lastOccurredAt: r.last_at }));
  const reminders = { sent: count('sent'), waiting: count('pending') };
  if (events.length === 0 && reminders.sent === 0 && reminders.waiting === 0) return null;
  return { events, reminders, notice: recordedBeforeNotice(events, reminders) };
}

/**
 * „Die Fristenüberwachung hat für dieses Gremium bereits erfasst: Tätigkeit begonnen am
 * 17.06.2024, …; 3 Erinnerungen versandt. Die Nacherfassung hält nur an, was die Fristenüberwachung noch nicht erfasst oder geschrieben hat: …“
 */
export function recordedBeforeNotice(events: RecordedBefore['events'], reminders: RecordedBefore['reminders']): string {
  const day = (instant: string) => germanDate(berlinDate(instant));
  const recorded = events.map((e) => (e.count === 1 ? `${e.label} am ${day(e.lastOccurredAt)}` : `${e.label} ${e.count}-mal, zuletzt am ${day(e.lastOccurredAt)}`));
  const parts = [
    recorded.length > 0 ? `erfasst: ${recorded.join(', ')}` : null,
    reminders.sent > 0 ? `${countOf(reminders.sent, 'Erinnerung', 'Erinnerungen')} versandt` : null,
    reminders.waiting > 0 ? `${countOf(reminders.waiting, 'Erinnerung', 'Erinnerungen')} geschrieben, die im Ausgang bis zum Ende der Nacherfassung ${reminders.waiting === 1 ? 'wartet' : 'warten'} (dann geht hinaus, was noch zutrifft)` : null,
  ].filter(Boolean);
  const last = events.map((e) => e.lastOccurredAt).sort().at(-1);
  const kept = last ? `: Bereits Erfasstes bleibt im Verlauf, und Ereignisse vor dem ${day(last)} lassen sich nicht mehr nachtragen` : '';
  return `Die Fristenüberwachung hat für dieses Gremium bereits ${parts.join('; ')}. Die Nacherfassung hält nur an, was die Fristenüberwachung noch nicht erfasst oder geschrieben hat${kept}.`;
}
