import { EventStore, type CitedDecisionFacts } from '../event-log/event-store';
import { storedContext } from '../event-log/stored-context';
import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { RemindersConfig } from '../../config/reminders';
import type { BodyContext } from '../../machines/body.context';
import type { Deadline, DecisionFacts } from '../../machines/body.events';
import type { DeadlineResolution } from '../../machines/deadlines';
import { berlinDate } from '../../machines/dates';
import { remindsOfOverdueReports, type ReminderTimer } from '../../machines/timers';
import { Clock } from '../common/clock';
import { ConcurrencyConflict, NotFoundError } from '../common/errors';
import { Database, type Transaction } from '../database/database';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { DispatcherService } from '../outbox/dispatcher.service';
import { OutboxStore } from '../outbox/outbox.store';
import { bodyPagePath } from '../common/links';
import { backfillHold, heldReminder, notHeld } from './backfill-hold';
import { DeadlinesService } from './deadlines.service';
import { reminderMessage, type ClosureFacts, type ReportRequest, type RequestFacts } from './reminder-message';
import { reminderEmailKey, reminderWebhookKey, reminderWithdrawals } from './reminder-withdrawal';
import { REMINDERS_CONFIG, SIMULATION_MODE } from '../../config/reminders-config';

const INTERVAL_NAME = 'deadline-scheduler';

/** What one sweep did with one due timer. */
export interface SweepEntry {
  key: string;
  bodyId: string;
  kind: 'event' | 'reminder';
  /** The system event type, or the reminder's subject line. */
  what: string;
  dueAt: string;
  outcome: 'appended' | 'written' | 'superseded' | 'refused' | 'skipped';
  detail?: string;
}

/**
 * Bodies (and reminders) caught up at once: on SQLite their transactions share commits, on
 * PostgreSQL they use a few of the pool's connections.
 */
const IN_FLIGHT = 8;

/** Runs `work` over the items with up to `limit` at a time; the results in the items' order. */
async function inFlight<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const reminderOf = (row: DueRow) => JSON.parse(row.payload) as { reminder: ReminderTimer['reminder'] };
/** Days from the deadline to the reminder's nominal date: of two due at once, the later one counts. */
const offsetOf = (row: DueRow) => reminderOf(row).reminder.offsetDays;

/** Why a report's reminder due only after its Frist's day is not written (sendReminders). */
const OVERDUE_SWITCHED_OFF = 'Die Frist ist verstrichen, und Erinnerungen an überfällige Berichte sind abgeschaltet.';

/**
 * What a reminder says about its body, as of one version of it. A sweep after downtime writes
 * many reminders for the same body (one per obligation): each reads the body's version, and its
 * context and cited decisions only when that version was not read before in the sweep.
 */
interface BodyFacts {
  version: string;
  context: BodyContext;
  decisions: CitedDecisionFacts[];
  /** Read with the first report reminder that needs them (a term reminder does not). */
  requests?: RequestFacts;
  closure: ClosureFacts | null;
}

/** The bodies whose facts one sweep keeps at most, the oldest read dropped first (a body with 800 obligations holds a few MB of them). */
const FACTS_PER_SWEEP = 64;

const DUE_COLUMNS = 'key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version';

interface DueRow {
  key: string;
  body_id: string;
  kind: string;
  ref: string;
  deadline_key: string;
  series: string | null;
  due_on: string;
  due_at: string;
  payload: string;
  derived_version: number | string;
}

/**
 * Fires the durable timers that fell due, for the bodies nobody writes to (a write fires its
 * body's due timers itself, before its own event). One sweep drains everything due by the
 * clock's now: first each body with a due system event catches up through the write path, the
 * body whose timer fell due earliest first, its events dated at their due instants and in due
 * order, in one transaction per body; then the reminders, of each series only the latest due.
 * Appending an event and removing its timer (by the deadlines projector) happen in one
 * transaction, and on PostgreSQL the body's row is locked while it is written, so a timer fires
 * exactly once even with a crash in between or with two instances.
 * A body held for its Nacherfassung (`backfill_holds`) is left out of both: its timers wait until
 * the hold ends, and the next sweep then catches it up like any other body. Its reminders written
 * before the hold began wait in the outbox meanwhile (`heldReminder`, which this service hands the
 * dispatcher), and are then sent if they still apply.
 * A reminder is marked sent in the same transaction that writes its outbox messages. Should it
 * no longer apply when the dispatcher's turn to send them comes, they are withdrawn instead
 * (`reminderWithdrawals`, which this service hands the dispatcher), and a reminder none of whose
 * messages went out is written again should its Frist come back to the day it was written for.
 */
@Injectable()
export class SchedulerService implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private running: Promise<SweepEntry[]> | null = null;
  /** Set at shutdown: no sweep begins after it. */
  private stopped = false;

  constructor(
    private readonly db: Database,
    private readonly lifecycle: LifecycleService,
    private readonly outbox: OutboxStore,
    private readonly dispatcher: DispatcherService,
    private readonly events: EventStore,
    private readonly deadlines: DeadlinesService,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
    @Optional() @Inject(SIMULATION_MODE) private readonly simulation: boolean | null = null,
  ) {}

  onModuleInit(): void {
    this.dispatcher.withdrawIf(reminderWithdrawals(this.db.forUpdate, this.clock, this.config.policy));
    this.dispatcher.leaveWaiting(heldReminder('outbox'));
    // A command dated in the past that left system events due: they are recorded now, not a minute later.
    if (this.runsByItself()) this.lifecycle.whenLeftDue(() => void this.sweepAfterwards());
  }

  async onApplicationBootstrap(): Promise<void> {
    // Also where nothing sweeps by itself: a write fires its body's due timers too (the CLI's, a simulation's).
    await this.bringInLineBeyondBusinessDates();
    if (!this.runsByItself()) return;
    const sweep = () => void this.loggedSweep();
    this.registry.addInterval(INTERVAL_NAME, setInterval(sweep, this.config.schedulerIntervalMs));
    // Catch up on what fell due during downtime right after start, not one interval later.
    this.registry.addTimeout(`${INTERVAL_NAME}-start`, setTimeout(sweep, 0));
  }

  /**
   * When the scheduler runs by itself: a sweep that begins after this call, for something just
   * committed that may already be due. The example body imported at the first start is such a
   * case: the start sweep may have read the timers before the import committed, and the next
   * sweep comes only a minute later.
   */
  async sweepAfterwards(): Promise<void> {
    if (!this.runsByItself() || this.stopped) return;
    await this.running?.catch(() => undefined);
    if (!this.stopped) await this.loggedSweep();
  }

  /**
   * Timers an earlier release derived from Fristen beyond 2100 would be fired as due, those of a
   * five-digit year at once: their bodies are brought in line before the first sweep, once.
   */
  private async bringInLineBeyondBusinessDates(): Promise<void> {
    for (const { bodyId, title, fristen } of await this.deadlines.bringInLineBeyondBusinessDates()) {
      if (fristen.length === 0) continue;
      this.logger.warn(`Gremium „${title}“ (${bodyId}): Fristen nach dem letzten Tag, den das Register kennt, werden nicht überwacht: ${fristen.join('; ')}`);
    }
  }

  private runsByItself(): boolean {
    return this.config.schedulerEnabled && !this.simulation;
  }

  private async loggedSweep(): Promise<void> {
    await this.sweep().catch((error: unknown) => this.logger.error(`Fristenlauf fehlgeschlagen: ${String(error)}`));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.registry.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    if (this.registry.doesExist('timeout', `${INTERVAL_NAME}-start`)) this.registry.deleteTimeout(`${INTERVAL_NAME}-start`);
  }

  /** Fires every timer due by the clock's now. Overlapping calls share the running sweep. */
  sweep(): Promise<SweepEntry[]> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<SweepEntry[]> {
    const now = this.clock.now().toISOString();
    const events = await this.fireEvents(now);
    return [...events, ...(await this.sendReminders(now))];
  }

  /** Every body with a due system event catches up, the one whose timer fell due earliest first. */
  private async fireEvents(now: string): Promise<SweepEntry[]> {
    const bodies = await this.db.query<{ body_id: string }>(
      `SELECT body_id, MIN(due_at) AS first_due FROM timers t WHERE status = 'pending' AND kind <> 'reminder' AND due_at <= ? AND ${notHeld('t')}
       GROUP BY body_id ORDER BY first_due, body_id`,
      [now],
    );
    const caughtUp = await inFlight(bodies, IN_FLIGHT, async ({ body_id: bodyId }): Promise<SweepEntry[]> => {
      try {
        // A Nacherfassung begun since the claim read the timers: the body waits (its hold locked the body's row).
        const rests = async (tx: Transaction) => (await backfillHold(tx, bodyId)) !== null;
        return (await this.lifecycle.catchUp(bodyId, now, rests)).map(({ key, type, dueAt, outcome, detail }) => {
          if (outcome === 'refused') this.logger.warn(`${key}: ${type} abgelehnt: ${detail}`);
          return { key, bodyId, kind: 'event', what: type, dueAt, outcome, ...(detail ? { detail } : {}) };
        });
      } catch (error) {
        // Another instance is writing the body: its write fires the due timers.
        if (!(error instanceof ConcurrencyConflict || error instanceof NotFoundError)) throw error;
        this.logger.warn(`Gremium ${bodyId}: Fristen nicht nachgeholt: ${error.message}`);
        return [];
      }
    });
    return caughtUp.flat();
  }

  /**
   * The due reminders, oldest first. After downtime only the latest due reminder of a series
   * (by due instant, then by its distance to the deadline) goes out; the earlier ones are marked
   * superseded in one transaction, so they cost next to nothing. So is a report's reminder that
   * would go out only after its Frist's day while overdue reminders are switched off: written
   * then, it would tell of the overdue report („Überfällig seit …“).
   */
  private async sendReminders(now: string): Promise<SweepEntry[]> {
    const due = await this.db.query<DueRow>(
      `SELECT ${DUE_COLUMNS} FROM timers t WHERE kind = 'reminder' AND status = 'pending' AND due_at <= ? AND ${notHeld('t')} ORDER BY due_at, key`,
      [now],
    );
    const latest = new Map<string | null, DueRow>();
    for (const row of due) {
      const known = latest.get(row.series);
      if (!known || row.due_at > known.due_at || (row.due_at === known.due_at && offsetOf(row) > offsetOf(known))) latest.set(row.series, row);
    }
    const today = berlinDate(now);
    const lapsed = remindsOfOverdueReports(this.config.policy)
      ? new Set<DueRow>()
      : new Set([...latest.values()].filter((row) => {
          const { reminder } = reminderOf(row);
          return reminder.subject === 'report' && today > reminder.deadlineOn;
        }));
    const superseded = due.filter((row) => latest.get(row.series) !== row || lapsed.has(row));
    if (superseded.length > 0) {
      await this.db.transaction(async (tx) => {
        for (const row of superseded) {
          await tx.query(`UPDATE timers SET status = 'superseded', fired_at = ? WHERE key = ? AND status = 'pending'`, [now, row.key]);
        }
      });
    }
    const facts = new Map<string, BodyFacts>();
    return inFlight(due, IN_FLIGHT, async (row): Promise<SweepEntry> => {
      const later = latest.get(row.series)!;
      if (later === row && !lapsed.has(row)) return this.fireReminder(row, now, facts);
      return { key: row.key, bodyId: row.body_id, kind: 'reminder', what: row.ref, dueAt: row.due_at, outcome: 'superseded', detail: later === row ? OVERDUE_SWITCHED_OFF : later.key };
    });
  }

  private fireReminder(row: DueRow, now: string, facts: Map<string, BodyFacts>): Promise<SweepEntry> {
    const entry = { key: row.key, bodyId: row.body_id, kind: 'reminder' as const, dueAt: row.due_at };
    return this.db.transaction(async (tx) => {
      const claimed = await tx.query(`UPDATE timers SET status = 'sent', fired_at = ? WHERE key = ? AND status = 'pending' AND ${notHeld('timers')} RETURNING key`, [
        now,
        row.key,
      ]);
      if (claimed.length === 0) return { ...entry, what: row.ref, outcome: 'skipped' as const };
      const subject = await this.writeReminder(tx, row, now, await this.bodyFacts(tx, row.body_id, facts));
      return { ...entry, what: subject, outcome: 'written' as const };
    });
  }

  /** The body's facts as of its current version: `known`'s when it read that version before. */
  private async bodyFacts(tx: Transaction, bodyId: string, known: Map<string, BodyFacts>): Promise<BodyFacts> {
    const [row] = await tx.query<{ version: number | string }>('SELECT version FROM bodies WHERE id = ?', [bodyId]);
    const version = String(row?.version);
    const cached = known.get(bodyId);
    if (cached?.version === version) return cached;
    const context = (await storedContext(tx, bodyId))!;
    const decisions = await this.events.citedDecisions(bodyId, tx);
    const facts: BodyFacts = { version, context, decisions, closure: await this.closure(tx, bodyId, context) };
    known.delete(bodyId);
    if (known.size >= FACTS_PER_SWEEP) known.delete(known.keys().next().value!);
    known.set(bodyId, facts);
    return facts;
  }

  /**
   * The body's report requests with the decisions they cite (or their day and who recorded them),
   * and the reports planned before them with their Fristen: a requested report cites its request,
   * never the approval; and who last moved each report's Frist, for a move without a decision.
   */
  private async requests(tx: Transaction, bodyId: string): Promise<RequestFacts> {
    const rows = await tx.query<{ type: string; data: string; decision: string | null; occurred_at: string; actor_role: string }>(
      `SELECT type, data, decision, occurred_at, actor_role FROM events WHERE body_id = ? AND type IN ('registered', 'approved', 'reportRequested', 'reportRescheduled') ORDER BY version`,
      [bodyId],
    );
    const plannedDue: Deadline[] = [];
    const movedBy: Record<string, string> = {};
    const requests: ReportRequest[] = [];
    for (const row of rows) {
      const data = JSON.parse(row.data) as { reports?: Array<{ due: Deadline }>; obligationId?: string } & ReportRequest['report'];
      if (row.type === 'reportRescheduled') {
        if (data.obligationId) movedBy[data.obligationId] = row.actor_role;
        continue;
      }
      if (row.type !== 'reportRequested') {
        for (const report of data.reports ?? []) plannedDue.push(report.due);
        continue;
      }
      const decision = row.decision ? (JSON.parse(row.decision) as DecisionFacts) : null;
      requests.push({
        report: { kind: data.kind, addressee: data.addressee, due: data.due, recurrence: data.recurrence },
        decision: decision && { number: decision.number, issuer: decision.issuer, date: decision.date, event: row.type },
        on: berlinDate(row.occurred_at),
        by: row.actor_role,
      });
    }
    return { planned: plannedDue.length, requests, plannedDue, movedBy };
  }

  /**
   * The Frist the body's (latest) closure gave its final report, if its closure was initiated,
   * and the decision it cites or, recorded without one, its day and who recorded it; and per
   * report the moves of its Frist recorded before the closure: whatever came later set the Frist
   * the report has now, whether the closure or a move.
   */
  private async closure(tx: Transaction, bodyId: string, context: BodyContext): Promise<ClosureFacts | null> {
    if (!context.closureInitiatedOn) return null;
    const [row] = await tx.query<{ version: number | string; data: string; decision: string | null; occurred_at: string; actor_role: string }>(
      `SELECT version, data, decision, occurred_at, actor_role FROM events WHERE body_id = ? AND type = 'closureInitiated' ORDER BY version DESC LIMIT 1`,
      [bodyId],
    );
    if (!row) return null;
    const moves = await tx.query<{ data: string }>(`SELECT data FROM events WHERE body_id = ? AND type = 'reportRescheduled' AND version < ? ORDER BY version`, [
      bodyId,
      Number(row.version),
    ]);
    const movedBefore: Record<string, { moves: number; due: Deadline }> = {};
    for (const move of moves) {
      const { obligationId, due } = JSON.parse(move.data) as { obligationId: string; due: Deadline };
      movedBefore[obligationId] = { moves: (movedBefore[obligationId]?.moves ?? 0) + 1, due };
    }
    const decision = row.decision ? (JSON.parse(row.decision) as DecisionFacts).number : null;
    const finalReportDue = (JSON.parse(row.data) as { finalReportDue: Deadline }).finalReportDue;
    return { finalReportDue, decision, on: berlinDate(row.occurred_at), by: row.actor_role, movedBefore };
  }

  private async writeReminder(tx: Transaction, row: DueRow, now: string, facts: BodyFacts): Promise<string> {
    const { context, decisions, closure } = facts;
    const [deadline] = await tx.query<{ label: string; resolution: string }>('SELECT label, resolution FROM deadlines WHERE key = ?', [
      row.deadline_key,
    ]);
    const { reminder } = JSON.parse(row.payload) as { reminder: ReminderTimer['reminder'] };
    if (reminder.subject === 'report') facts.requests ??= await this.requests(tx, row.body_id);
    const requests = reminder.subject === 'report' ? facts.requests! : null;
    const timer: ReminderTimer = {
      key: row.key,
      bodyId: row.body_id,
      kind: 'reminder',
      ref: row.ref,
      dueOn: row.due_on,
      dueAt: row.due_at,
      deadlineKey: row.deadline_key,
      reminder,
    };
    const message = reminderMessage({
      timer,
      bodyId: row.body_id,
      context,
      decisions,
      requests,
      closure,
      deadline: deadline ? { label: deadline.label, resolution: JSON.parse(deadline.resolution) as DeadlineResolution } : null,
      now,
      link: `${this.config.publicUrl}${bodyPagePath(row.body_id)}`,
      secretariatAddress: this.config.mail.secretariat !== null,
    });
    await this.outbox.add(
      tx,
      {
        dedupeKey: reminderEmailKey(row.key),
        channel: 'email',
        // Decided by what the mail says when it is written, not by the phase it was planned for.
        target: { contactIds: context.profile.contactIds, secretariat: message.secretariat },
        bodyId: row.body_id,
        topic: 'reminder',
        subject: message.subject,
        payload: { text: message.text },
      },
      now,
    );
    for (const [i, url] of this.config.webhooks.urls.entries()) {
      await this.outbox.add(
        tx,
        {
          dedupeKey: reminderWebhookKey(row.key, i),
          channel: 'webhook',
          target: { url },
          bodyId: row.body_id,
          topic: 'reminder',
          subject: message.subject,
          payload: message.webhook,
        },
        now,
      );
    }
    return message.subject;
  }
}
