import type { BodyContext } from '../../machines/body.context';
import { germanDate, type CivilDate } from '../../machines/dates';
import { obligationLabel, obligationStanding, STATE_LABELS } from '../../machines/labels';
import type { ReminderTimer } from '../../machines/timers';
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

/**
 * True while a reminder still says what holds: its Frist is there, not met, and falls on the day
 * the reminder was written for. Whatever else changed (the days left, the recipients) a reminder
 * with these three says rightly that a report is owed or a term ends on that day.
 */
export function reminderApplies(reminder: ReminderTimer['reminder'], frist: FristNow | null): boolean {
  return frist !== null && frist.status !== 'met' && frist.effectiveDate === reminder.deadlineOn;
}

/**
 * Why a reminder no longer applies (`reminderApplies` false), in German, from the body as it
 * stands now: it ended, its report was waived or handed in, its Frist or term end moved, or the
 * body was made permanent.
 */
export function withdrawalReason(reminder: ReminderTimer['reminder'], frist: FristNow | null, body: BodyNow | null): string {
  if (!body) return 'Das Gremium ist nicht mehr verzeichnet.';
  const { context } = body;
  if (ENDED.has(body.status)) {
    return `Das Gremium ist beendet (${STATE_LABELS[body.status] ?? body.status}${context.endedOn ? ` am ${germanDate(context.endedOn)}` : ''}).`;
  }
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

/**
 * Why a reminder's message (e-mail or webhook) waiting in the outbox should no longer go out, or
 * null while it should: asked by the dispatcher right before each attempt. The message names its
 * timer by its dedupe key; the timer row (kept once its reminder was written) names the Frist
 * and the day it was written for. Messages of other kinds (event webhooks: facts that happened)
 * and a reminder whose timer is not found always go out.
 */
export async function reminderWithdrawal(q: Queries, message: OutboxMessage): Promise<string | null> {
  if (message.topic !== 'reminder') return null;
  const timerKey = reminderTimerKey(message.dedupeKey);
  if (timerKey === null) return null;
  const [row] = await q.query<{ body_id: string; payload: string; status: string | null; effective_date: CivilDate | null }>(
    `SELECT t.body_id, t.payload, d.status, d.effective_date FROM timers t LEFT JOIN deadlines d ON d.key = t.deadline_key WHERE t.key = ?`,
    [timerKey],
  );
  if (!row) return null;
  const { reminder } = JSON.parse(row.payload) as { reminder: ReminderTimer['reminder'] };
  const frist = row.status === null ? null : { status: row.status, effectiveDate: row.effective_date };
  if (reminderApplies(reminder, frist)) return null;
  const [body] = await q.query<{ status: string; context: string; obligations: string | null }>(
    `SELECT status, context, ${obligationsSql()} AS obligations FROM bodies WHERE id = ?`,
    [row.body_id],
  );
  return withdrawalReason(reminder, frist, body ? { status: body.status, context: wholeContext(body.context, body.obligations) } : null);
}

/**
 * Once none of a reminder's messages is left to go out (all withdrawn; none sent, waiting or
 * dead), its timer row goes as well: the reminder counts as never written. Its Frist lies on
 * another day now (the withdrawal was decided with the body locked), so no derivation holds that
 * timer; should the Frist come back to the day, the timer is derived anew and its reminder
 * written and sent then (the withdrawn messages give up their dedupe keys, see `OutboxStore.add`).
 * A reminder one of whose messages went out stays recorded as written and is never sent again.
 */
export async function reminderWithdrawn(tx: Transaction, message: OutboxMessage): Promise<void> {
  const timerKey = message.topic === 'reminder' ? reminderTimerKey(message.dedupeKey) : null;
  if (timerKey === null || message.bodyId === null) return;
  const webhooks = `${timerKey}/webhook/`;
  await tx.query(
    `DELETE FROM timers WHERE key = ? AND kind = 'reminder' AND status = 'sent' AND NOT EXISTS (
       SELECT 1 FROM outbox WHERE body_id = ? AND status <> 'withdrawn' AND (dedupe_key = ? OR substr(dedupe_key, 1, ${webhooks.length}) = ?))`,
    [timerKey, message.bodyId, reminderEmailKey(timerKey), webhooks],
  );
}

/**
 * How the dispatcher withdraws the scheduler's reminders (`DispatcherService.withdrawIf`): by
 * `reminderWithdrawal`, with the body's row locked (`forUpdate`, PostgreSQL) while it is asked
 * again and the message withdrawn, as the write path locks it, so that a write moving the Frist
 * back meanwhile is either seen or sees the withdrawal; then `reminderWithdrawn`.
 */
export function reminderWithdrawals(forUpdate: string): Withdrawal {
  return {
    reason: reminderWithdrawal,
    lock: async (tx, message) => {
      if (message.topic === 'reminder' && message.bodyId !== null) await tx.query(`SELECT id FROM bodies WHERE id = ?${forUpdate}`, [message.bodyId]);
    },
    withdrawn: reminderWithdrawn,
  };
}
