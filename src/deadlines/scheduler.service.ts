import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { RemindersConfig } from '../../config/reminders';
import type { BodyContext } from '../../machines/body.context';
import type { DeadlineResolution } from '../../machines/deadlines';
import type { EventTimer, ReminderTimer } from '../../machines/timers';
import { Clock } from '../common/clock';
import { ConcurrencyConflict, DomainError } from '../common/errors';
import { Database, type Transaction } from '../database/database';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { OutboxStore } from '../outbox/outbox.store';
import { reminderMessage } from './reminder-message';
import { REMINDERS_CONFIG, SIMULATION_MODE } from '../../config/reminders-config';

/** The actor of every event the scheduler appends. */
export const SCHEDULER_ACTOR = { id: 'system:scheduler', role: 'scheduler' } as const;

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
 * Fires the durable timers that fell due, oldest first (so after downtime it catches up in
 * order). A system event goes through the one write path with `occurredAt` = the timer's due
 * instant; the append and the removal of the timer (by the deadlines projector) happen in one
 * transaction, and `expectedVersion` = the version the timer was derived from, so a timer fires
 * exactly once even with a crash between reading it and appending, or with two instances.
 * A reminder is marked sent in the same transaction that writes its outbox messages.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SchedulerService.name);
  private running: Promise<SweepEntry[]> | null = null;

  constructor(
    private readonly db: Database,
    private readonly lifecycle: LifecycleService,
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    private readonly registry: SchedulerRegistry,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
    @Optional() @Inject(SIMULATION_MODE) private readonly simulation: boolean | null = null,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled || this.simulation) return;
    const sweep = () => {
      this.sweep().catch((error: unknown) => this.logger.error(`Fristenlauf fehlgeschlagen: ${String(error)}`));
    };
    this.registry.addInterval(INTERVAL_NAME, setInterval(sweep, this.config.schedulerIntervalMs));
    // Catch up on what fell due during downtime right after start, not one interval later.
    this.registry.addTimeout(`${INTERVAL_NAME}-start`, setTimeout(sweep, 0));
  }

  onApplicationShutdown(): void {
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
    const done: SweepEntry[] = [];
    const tried = new Set<string>();
    while (tried.size < this.config.sweepLimit) {
      const rows = await this.db.query<DueRow>(
        `SELECT key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version FROM timers
         WHERE status = 'pending' AND due_at <= ? ORDER BY due_at, key LIMIT 50`,
        [now],
      );
      const row = rows.find((r) => !tried.has(r.key));
      if (!row) break;
      tried.add(row.key);
      done.push(row.kind === 'reminder' ? await this.fireReminder(row, now) : await this.fireEvent(row));
    }
    return done;
  }

  private async fireEvent(row: DueRow): Promise<SweepEntry> {
    const { event } = JSON.parse(row.payload) as { event: EventTimer['event'] };
    const entry = { key: row.key, bodyId: row.body_id, kind: 'event' as const, what: event.type, dueAt: row.due_at };
    try {
      await this.lifecycle.execute(
        { bodyId: row.body_id, type: event.type, data: event.data, occurredAt: row.due_at, expectedVersion: Number(row.derived_version) },
        SCHEDULER_ACTOR,
      );
      return { ...entry, outcome: 'appended' };
    } catch (error) {
      // Another writer got there first: the body's timers were derived again with its event.
      if (error instanceof ConcurrencyConflict) return { ...entry, outcome: 'skipped', detail: error.message };
      if (!(error instanceof DomainError)) throw error;
      await this.db.query(`UPDATE timers SET status = 'refused', last_error = ? WHERE key = ? AND derived_version = ?`, [
        error.message,
        row.key,
        Number(row.derived_version),
      ]);
      this.logger.warn(`${row.key}: ${event.type} abgelehnt: ${error.message}`);
      return { ...entry, outcome: 'refused', detail: error.message };
    }
  }

  private fireReminder(row: DueRow, now: string): Promise<SweepEntry> {
    const entry = { key: row.key, bodyId: row.body_id, kind: 'reminder' as const, dueAt: row.due_at };
    return this.db.transaction(async (tx) => {
      const [later] = await tx.query<{ key: string }>(
        `SELECT key FROM timers WHERE series = ? AND status = 'pending' AND due_at <= ? AND due_at > ? AND key <> ? LIMIT 1`,
        [row.series, now, row.due_at, row.key],
      );
      if (later) {
        // After downtime only the latest due reminder of a series goes out.
        await tx.query(`UPDATE timers SET status = 'superseded', fired_at = ? WHERE key = ? AND status = 'pending'`, [now, row.key]);
        return { ...entry, what: row.ref, outcome: 'superseded' as const, detail: later.key };
      }
      const claimed = await tx.query(`UPDATE timers SET status = 'sent', fired_at = ? WHERE key = ? AND status = 'pending' RETURNING key`, [now, row.key]);
      if (claimed.length === 0) return { ...entry, what: row.ref, outcome: 'skipped' as const };
      const subject = await this.writeReminder(tx, row, now);
      return { ...entry, what: subject, outcome: 'written' as const };
    });
  }

  private async writeReminder(tx: Transaction, row: DueRow, now: string): Promise<string> {
    const [body] = await tx.query<{ context: string }>('SELECT context FROM bodies WHERE id = ?', [row.body_id]);
    const [deadline] = await tx.query<{ label: string; resolution: string }>('SELECT label, resolution FROM deadlines WHERE key = ?', [
      row.deadline_key,
    ]);
    const context = JSON.parse(body.context) as BodyContext;
    const { reminder } = JSON.parse(row.payload) as { reminder: ReminderTimer['reminder'] };
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
      deadline: deadline ? { label: deadline.label, resolution: JSON.parse(deadline.resolution) as DeadlineResolution } : null,
      now,
      link: `${this.config.publicUrl}/bodies/${row.body_id}`,
    });
    await this.outbox.add(
      tx,
      {
        dedupeKey: `${row.key}/email`,
        channel: 'email',
        target: { contactIds: context.profile.contactIds, secretariat: reminder.escalate },
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
          dedupeKey: `${row.key}/webhook/${i}`,
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
