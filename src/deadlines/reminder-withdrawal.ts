import type { BodyContext } from '../../machines/body.context';
import { berlinDate, germanDate, type CivilDate, type Instant } from '../../machines/dates';
import { daysBetween, overdueSince } from '../../machines/deadlines';
import { obligationLabel, obligationStanding, STATE_LABELS } from '../../machines/labels';
import { remindsOfOverdueReports, type ReminderPolicy, type ReminderTimer } from '../../machines/timers';
import type { Clock } from '../common/clock';
import type { Queries, Transaction } from '../database/database';
import { obligationsSql, wholeContext } from '../event-log/stored-context';
import type { OutboxMessage, Withdrawal } from '../outbox/outbox.store';

/** The dedupe key of a reminder's e-mail in the outbox. */
export const reminderEmailKey = (timerKey: string) => `${timerKey}/email`;

/** The dedupe key of a reminder's webhook to the `index`-th address. */
export const reminderWebhookKey = (timerKey: string, index: number) => `${timerKey}/webhook/${index}`;

/** The key of the timer a reminder's message was written for (see the two above), or null for any other key. */
export function reminderTimerKey(dedupeKey: string): string | null {
  return /^(.+)\/(?:email|webhook\/\d+)$/.exec(dedupeKey)?.[1] ?? null;
}

/** The lives that have ended (final states of the chart): such a body owes nothing more. */
const ENDED = new Set(['rejected', 'withdrawn', 'closed', 'transferred', 'dissolved']);

/** The Frist a reminder watches as the deadlines table holds it now; null when the body has it no more. */
export interface FristNow {
  status: string;
  effectiveDate: CivilDate | null;
}

/** The body as stored now: its top-level state (`active`, `closed`, …) and its context. */
export interface BodyNow {
  status: string;
  context: BodyContext;
}

/** The Berlin days a reminder's message was written on and is about to go out on. */
export interface ReminderDays {
  written: CivilDate;
  attempt: CivilDate;
}

/** Where a day lies against a reminder's Frist: before its day, on it, or after it (overdue, expired). */
type Phase = 'before' | 'onTheDay' | 'after';

const phaseOn = (day: CivilDate, deadlineOn: CivilDate): Phase => (day < deadlineOn ? 'before' : day === deadlineOn ? 'onTheDay' : 'after');

/** True while the Frist a reminder watches is there, not met, and falls on the day it was written for. */
function fristHolds(reminder: ReminderTimer['reminder'], frist: FristNow | null): boolean {
  return frist !== null && frist.status !== 'met' && frist.effectiveDate === reminder.deadlineOn;
}

/**
 * True once the day a reminder speaks of has gone by: its words follow the day it was written
 * („noch 2 Tage“ before the Frist, „Heute fällig“ on its day, „Überfällig seit …“ after it; see
 * `reminderMessage`), and one written before the Frist's day or on it would tell the wrong thing
 * on a later day that lies in another phase. One that tells of an overdue report or an expired
 * term still holds on any later day.
 */
function outlived(reminder: ReminderTimer['reminder'], days: ReminderDays): boolean {
  const told = phaseOn(days.written, reminder.deadlineOn);
  return told !== 'after' && phaseOn(days.attempt, reminder.deadlineOn) !== told;
}

/**
 * True while a reminder still says what holds on the day it is to go out: its Frist is there, not
 * met, and falls on the day the reminder was written for, and that day stands to the day of the
 * attempt as it stood to the day the reminder was written (before, on or after it; a reminder of
 * an overdue report stays true). Whatever else changed (the days left, the recipients) such a
 * reminder says rightly that a report is owed or a term ends on that day.
 */
export function reminderApplies(reminder: ReminderTimer['reminder'], frist: FristNow | null, days: ReminderDays): boolean {
  return fristHolds(reminder, frist) && !outlived(reminder, days);
}

/**
 * Why a reminder no longer applies (`reminderApplies` false), in German, from the body as it
 * stands now: it ended, its report was waived or handed in, its Frist or term end moved, the
 * body was made permanent, or the Frist's day came or went by before the reminder could go out.
 */
export function withdrawalReason(reminder: ReminderTimer['reminder'], frist: FristNow | null, body: BodyNow | null, days: ReminderDays): string {
  if (!body) return 'Das Gremium ist nicht mehr verzeichnet.';
  const { context } = body;
  if (ENDED.has(body.status)) {
    return `Das Gremium ist beendet (${STATE_LABELS[body.status] ?? body.status}${context.endedOn ? ` am ${germanDate(context.endedOn)}` : ''}).`;
  }
  if (fristHolds(reminder, frist)) return tooLate(reminder, context, days);
  const was = germanDate(reminder.deadlineOn);
  const now = frist?.effectiveDate ? germanDate(frist.effectiveDate) : null;
  if (reminder.subject === 'term') {
    if (context.permanent) return `Das Gremium ist entfristet: Seine Laufzeit endet nicht mehr am ${was}.`;
    if (frist && now) return `Die Laufzeit wurde geändert: Sie endet jetzt am ${now}, nicht mehr am ${was}.`;
    return `Für die Laufzeit läuft keine Frist mehr (bisher bis ${was}).`;
  }
  const obligation = context.obligations.find((o) => o.id === reminder.obligationId);
  if (!obligation) return `Die Berichtspflicht ${reminder.obligationId} besteht nicht mehr.`;
  const report = `„${obligationLabel(obligation, context.obligations)}“`;
  if (obligation.state === 'waived') {
    const decision = obligation.waived?.decision ? `, Beschluss ${obligation.waived.decision}` : '';
    return `Die Berichtspflicht ${report} ist entfallen${obligation.waived ? ` (am ${germanDate(obligation.waived.on)}${decision})` : ''}.`;
  }
  if (obligation.state === 'submitted' || obligation.state === 'acknowledged') {
    return `Der Bericht ${report} liegt vor: ${obligationStanding(obligation)}.`;
  }
  if (frist && now) return `Die Frist wurde verschoben: ${report} ist jetzt am ${now} fällig, nicht mehr am ${was}.`;
  if (frist) return `Die Frist für ${report} hat kein Datum mehr (bisher fällig am ${was}).`;
  return `Für den Bericht ${report} läuft keine Frist mehr (bisher fällig am ${was}).`;
}

/** „noch 1 Tag“, „noch 7 Tage“, as the reminder said it. */
const stillLeft = (n: number) => (n === 1 ? 'noch 1 Tag' : `noch ${n} Tage`);

/**
 * Why a reminder whose Frist still holds no longer applies (`outlived`): what holds on the day of
 * the attempt, and what the reminder said on the day it was written.
 */
function tooLate(reminder: ReminderTimer['reminder'], context: BodyContext, days: ReminderDays): string {
  const day = germanDate(reminder.deadlineOn);
  const onTheDay = days.attempt === reminder.deadlineOn;
  const left = daysBetween(days.written, reminder.deadlineOn);
  if (reminder.subject === 'term') {
    const said = left > 0 ? stillLeft(left) : 'Heute letzter Tag der Laufzeit';
    const now = onTheDay ? `Der letzte Tag der Laufzeit ist da (${day})` : `Die Laufzeit ist mit Ablauf des ${day} abgelaufen`;
    return `${now}; die Erinnerung vom ${germanDate(days.written)} („${said}“) käme zu spät.`;
  }
  const obligation = context.obligations.find((o) => o.id === reminder.obligationId);
  const report = obligation ? `„${obligationLabel(obligation, context.obligations)}“` : 'Der Bericht';
  const said = left > 0 ? stillLeft(left) : 'Heute fällig';
  const now = onTheDay ? `Die Frist ist da: ${report} ist am ${day} fällig` : `Die Frist ist verstrichen: ${report} ist seit ${germanDate(overdueSince(reminder.deadlineOn))} überfällig`;
  return `${now}; die Erinnerung vom ${germanDate(days.written)} („${said}“) käme zu spät.`;
}

/** A written reminder's timer row, with the Frist it watches as it stands now; null when the row is gone. */
async function writtenReminder(q: Queries, timerKey: string): Promise<{ bodyId: string; reminder: ReminderTimer['reminder']; frist: FristNow | null } | null> {
  const [row] = await q.query<{ body_id: string; payload: string; status: string | null; effective_date: CivilDate | null }>(
    `SELECT t.body_id, t.payload, d.status, d.effective_date FROM timers t LEFT JOIN deadlines d ON d.key = t.deadline_key WHERE t.key = ?`,
    [timerKey],
  );
  if (!row) return null;
  const { reminder } = JSON.parse(row.payload) as { reminder: ReminderTimer['reminder'] };
  return { bodyId: row.body_id, reminder, frist: row.status === null ? null : { status: row.status, effectiveDate: row.effective_date } };
}

/**
 * Why a reminder's message (e-mail or webhook) waiting in the outbox should no longer go out, or
 * null while it should: asked by the dispatcher right before each attempt, at `now`. The message
 * names its timer by its dedupe key; the timer row (kept once its reminder was written) names the
 * Frist and the day it was written for; the message was written (`createdAt`) when its words
 * were. Messages of other kinds (event webhooks: facts that happened) and a reminder whose timer
 * is not found always go out.
 */
export async function reminderWithdrawal(q: Queries, message: OutboxMessage, now: Instant): Promise<string | null> {
  if (message.topic !== 'reminder') return null;
  const timerKey = reminderTimerKey(message.dedupeKey);
  if (timerKey === null) return null;
  const row = await writtenReminder(q, timerKey);
  if (!row) return null;
  const { reminder, frist } = row;
  const days = { written: berlinDate(message.createdAt), attempt: berlinDate(now) };
  if (reminderApplies(reminder, frist, days)) return null;
  const [body] = await q.query<{ status: string; context: string; obligations: string | null }>(
    `SELECT status, context, ${obligationsSql()} AS obligations FROM bodies WHERE id = ?`,
    [row.bodyId],
  );
  return withdrawalReason(reminder, frist, body ? { status: body.status, context: wholeContext(body.context, body.obligations) } : null, days);
}

/**
 * True for a report's „Heute fällig“ written on the Frist's day: withdrawn while its Frist still
 * holds, its day went by before it could go out, and the report is overdue now.
 */
function heldPastItsDay(reminder: ReminderTimer['reminder'], message: OutboxMessage): boolean {
  return reminder.subject === 'report' && reminder.phase === 'onTheDay' && berlinDate(message.createdAt) === reminder.deadlineOn;
}

/**
 * Once none of a reminder's messages is left to go out (all withdrawn; none sent, waiting or
 * dead), its timer row goes as well: the reminder counts as never written. Its Frist lies on
 * another day now (the withdrawal was decided with the body locked), so no derivation holds that
 * timer; should the Frist come back to the day, the timer is derived anew and its reminder
 * written and sent then (the withdrawn messages give up their dedupe keys, see `OutboxStore.add`).
 * A reminder one of whose messages went out stays recorded as written and is never sent again;
 * so does one withdrawn because its day went by while its Frist still holds: written anew, it
 * would only repeat what the later reminders of its series say. Except a report's „Heute fällig“
 * held past its day (`heldPastItsDay`) whose e-mail did not go out at all, while the `policy`
 * reminds of overdue reports (`remindsOfOverdueReports`): its timer is due again, and the next sweep
 * writes it anew as of its own day, „Überfällig seit …“ to the lead and the Geschäftsstelle,
 * unless a weekly overdue reminder of the series is due by then and goes instead. The lead hears
 * of the overdue report promptly, not a week later. With overdue reminders switched off it stays
 * withdrawn like any other reminder whose day went by: no reminder tells of the overdue report.
 */
export async function reminderWithdrawn(tx: Transaction, message: OutboxMessage, policy: Pick<ReminderPolicy, 'report'>): Promise<void> {
  const timerKey = message.topic === 'reminder' ? reminderTimerKey(message.dedupeKey) : null;
  if (timerKey === null || message.bodyId === null) return;
  const written = await writtenReminder(tx, timerKey);
  if (written && fristHolds(written.reminder, written.frist)) {
    const again = message.channel === 'email' && remindsOfOverdueReports(policy) && heldPastItsDay(written.reminder, message);
    if (again) await writtenAgain(tx, timerKey, message.id);
    return;
  }
  const webhooks = `${timerKey}/webhook/`;
  await tx.query(
    `DELETE FROM timers WHERE key = ? AND kind = 'reminder' AND status = 'sent' AND NOT EXISTS (
       SELECT 1 FROM outbox WHERE body_id = ? AND status <> 'withdrawn' AND (dedupe_key = ? OR substr(dedupe_key, 1, ${webhooks.length}) = ?))`,
    [timerKey, message.bodyId, reminderEmailKey(timerKey), webhooks],
  );
}

/**
 * Makes a written reminder's timer due again, for the next sweep to write it anew: only while its
 * e-mail was withdrawn untaken (one the SMTP server took for some recipients counts as sent), and
 * no later reminder of its series was written meanwhile (that one tells of the overdue report).
 */
async function writtenAgain(tx: Transaction, timerKey: string, emailId: string): Promise<void> {
  await tx.query(
    `UPDATE timers SET status = 'pending', fired_at = NULL WHERE key = ? AND kind = 'reminder' AND status = 'sent'
       AND EXISTS (SELECT 1 FROM outbox WHERE id = ? AND status = 'withdrawn')
       AND NOT EXISTS (SELECT 1 FROM timers later WHERE later.series = timers.series AND later.kind = 'reminder' AND later.status = 'sent' AND later.due_at > timers.due_at)`,
    [timerKey, emailId],
  );
}

/**
 * How the dispatcher withdraws the scheduler's reminders (`DispatcherService.withdrawIf`): by
 * `reminderWithdrawal` at the clock's now (the attempt's), with the body's row locked
 * (`forUpdate`, PostgreSQL) while it is asked again and the message withdrawn, as the write path
 * locks it, so that a write moving the Frist back meanwhile is either seen or sees the
 * withdrawal; then `reminderWithdrawn` under the reminder `policy` the scheduler derives with.
 */
export function reminderWithdrawals(forUpdate: string, clock: Pick<Clock, 'now'>, policy: Pick<ReminderPolicy, 'report'>): Withdrawal {
  return {
    reason: (q, message) => reminderWithdrawal(q, message, clock.now().toISOString()),
    lock: async (tx, message) => {
      if (message.topic === 'reminder' && message.bodyId !== null) await tx.query(`SELECT id FROM bodies WHERE id = ?${forUpdate}`, [message.bodyId]);
    },
    withdrawn: (tx, message) => reminderWithdrawn(tx, message, policy),
  };
}
