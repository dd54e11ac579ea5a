import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import type { RemindersConfig } from '../../config/reminders';
import type { PersistedBody } from '../../machines/lifecycle';
import { berlinDate, beyondBusinessDates, type CivilDate } from '../../machines/dates';
import type { Deadline } from '../../machines/body.events';
import type { ReportObligation } from '../../machines/body.context';
import { holidaysOf, type DeadlineResolution, type Session } from '../../machines/deadlines';
import { termEndDate, type CoarseTermEnd } from '../../machines/term-end';
import { deriveUnits, reportDueDates, sameJson, sameUnit, type BodyDeadline, type DeadlineUnit, type Timer, type TimerOptions } from '../../machines/timers';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { NotFoundError } from '../common/errors';
import { Database, placeholders, type SqlValue, type Transaction } from '../database/database';
import type { EventRecord } from '../event-log/event-hash';
import { obligationsSql, wholeContext } from '../event-log/stored-context';
import { LifecycleService, type AppendedEvent, type DueTimer } from '../lifecycle/lifecycle.service';
import { OutboxStore } from '../outbox/outbox.store';
import { SessionsStore } from './sessions.store';
import { notHeld } from './backfill-hold';
import { bodiesWithTimersBeyond } from './pending-events';
import { REMINDERS_CONFIG } from '../../config/reminders-config';

export interface DeadlineView {
  key: string;
  bodyId: string;
  bodyTitle: string;
  kind: 'start' | 'report' | 'termEnd';
  ref: string;
  label: string;
  deadline: Deadline;
  originalDate: CivilDate | null;
  effectiveDate: CivilDate | null;
  /** The rule that moved it (§ 193 BGB), or null. */
  rule: unknown;
  /** The end of a term as the decision wrote it where that is coarser than a day (`{month: '2028-03'}`), else null. */
  termEndAsWritten?: CoarseTermEnd | null;
  description: string;
  status: 'open' | 'due' | 'overdue' | 'met';
  /** The day it was met (a report: submitted), or null. */
  metOn: CivilDate | null;
  /** True when the effective date has passed and the Frist is not met (never while the body's monitoring rests). */
  overdue: boolean;
  /** Since when the body's deadline monitoring rests for its Nacherfassung, or null: its Fristen raise no alarm meanwhile. */
  backfillSince?: string | null;
  /** The next system event the scheduler will send for it; `refused` with the machine's reason. */
  next: { event: string; dueAt: string; status: 'pending' | 'refused'; error: string | null } | null;
  updatedAt: string;
}

/** What decides how a Frist stands, with its body, name and day (`DeadlinesService.standings`). */
export type DeadlineStanding = Pick<DeadlineView, 'bodyId' | 'kind' | 'label' | 'effectiveDate' | 'status' | 'overdue'>;

export interface DeadlineQuery {
  before?: CivilDate;
  bodyId?: string;
  /** Only the Fristen of these bodies. */
  bodyIds?: readonly string[];
  /** Only the Fristen of the bodies that name this contact person (a lead's). */
  contactId?: string;
  overdue?: boolean;
  /** Only the met Fristen (true) or only those not met (false). */
  met?: boolean;
  /** Only the Fristen of the bodies held for their Nacherfassung (true) or only those of the others (false). */
  held?: boolean;
  /** The latest effective date first (the Fristen without one last, as always). */
  latestFirst?: boolean;
  /** A page of the list: at most `limit` Fristen after the first `offset`. */
  limit?: number;
  offset?: number;
}

interface TimerRow {
  key: string;
  kind: string;
  status: string;
  deadline_key: string;
  series: string | null;
  due_on: string;
  due_at: string;
  payload: string;
  derived_version: number | string;
}

/** A Frist an event changes: its derivation before the event and after it (none: not derived). */
interface UnitChange {
  was: DeadlineUnit | undefined;
  is: DeadlineUnit | undefined;
}

interface DeadlineRow {
  key: string;
  label: string;
  deadline: string;
  resolution: string;
  status: string;
  met_on: string | null;
}

/** When the Frist's body began its Nacherfassung (a primary-key probe per Frist), or NULL. */
const HELD_SINCE = '(SELECT h.since FROM backfill_holds h WHERE h.body_id = d.body_id) AS held_since';

/** Reminders that went out stay recorded under their key, so deriving them again never sends twice. */
const KEPT_STATUSES = new Set(['sent', 'superseded']);
/**
 * Checked again in the statement itself: on PostgreSQL another instance may have sent the
 * reminder since this transaction read the row.
 */
const NOT_SENT = "NOT (kind = 'reminder' AND status IN ('sent', 'superseded'))";

/**
 * The durable deadlines: after every appended event (as a projector, in the event's
 * transaction) and after every change of the sessions calendar, derives from each body's
 * snapshot its Fristen and its timers and brings the tables in line, idempotently by key.
 */
@Injectable()
export class DeadlinesService implements OnModuleInit {
  /**
   * The bodies whose rows this process has brought fully in line with its derivation (its
   * reminder policy and calendar rules may differ from those of the process that wrote them
   * before): from then on a write touches only the Fristen it changed.
   */
  private readonly inLine = new Set<string>();
  /**
   * The sessions calendar as last read, the same array while unchanged (derivations are reused
   * per calendar), with the revision (sessions_revision) it is known to hold, or null.
   */
  private calendar: { json: string; sessions: Session[]; revision: string | null } | null = null;
  private readonly issuerOfAddressee = (addressee: string) => this.issuerOf(addressee);

  constructor(
    private readonly db: Database,
    private readonly lifecycle: LifecycleService,
    private readonly sessions: SessionsStore,
    private readonly outbox: OutboxStore,
    private readonly clock: Clock,
    @Inject(REMINDERS_CONFIG) private readonly config: RemindersConfig,
    @Inject(APP_CONFIG) private readonly app: AppConfig,
  ) {}

  onModuleInit(): void {
    this.lifecycle.addProjector((tx, appended) => this.project(tx, appended));
    this.lifecycle.useTimers({
      due: (tx, bodyId, until, inclusive, limit) => this.dueEvents(tx, bodyId, until, inclusive, limit),
      refuse: (tx, key, reason) => this.refuse(tx, key, reason),
      dueAtOf: (tx, bodyId, type, obligationId) => this.dueAtOf(tx, bodyId, type, obligationId),
      sessions: (tx) => this.sessions.all(tx),
      reportDueDates: async (tx, obligations) => reportDueDates(obligations, this.timerOptions(await this.sessions.all(tx))),
    });
  }

  /** The body's first `limit` pending system-event timers due before (or at) `until`, earliest first; reminders are the sweep's. */
  async dueEvents(tx: Transaction, bodyId: string, until: string, inclusive: boolean, limit: number): Promise<DueTimer[]> {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error(`dueEvents: limit must be a positive integer, not ${limit}`);
    // The limit is written into the text: SQLite prepares a statement with `LIMIT ?` anew on
    // every run (a bound limit may change its plan), which cost more than the query itself. It
    // is nearly always 1, so the texts stay few.
    const rows = await tx.query<{ key: string; kind: string; due_at: string; payload: string }>(
      `SELECT key, kind, due_at, payload FROM timers
       WHERE body_id = ? AND status = 'pending' AND kind <> 'reminder' AND due_at ${inclusive ? '<=' : '<'} ? ORDER BY due_at, key LIMIT ${limit}`,
      [bodyId, until],
    );
    return rows.map((r) => {
      const { event } = JSON.parse(r.payload) as { event: { type: DueTimer['type']; data: unknown } };
      return { key: r.key, type: event.type, data: event.data, dueAt: r.due_at };
    });
  }

  /** When the body's pending timer of this system event falls due (for a report's: `ref` is its obligation), or null. */
  private async dueAtOf(tx: Transaction, bodyId: string, type: string, obligationId?: string): Promise<string | null> {
    const [row] = await tx.query<{ due_at: string }>(
      `SELECT due_at FROM timers WHERE body_id = ? AND kind = ? AND status = 'pending'${obligationId === undefined ? '' : ' AND ref = ?'} ORDER BY due_at LIMIT 1`,
      obligationId === undefined ? [bodyId, type] : [bodyId, type, obligationId],
    );
    return row?.due_at ?? null;
  }

  private refuse(tx: Transaction, key: string, reason: string): void {
    tx.write(`UPDATE timers SET status = 'refused', last_error = ? WHERE key = ? AND status = 'pending'`, [reason, key]);
  }

  async project(tx: Transaction, { event, previous, previousOccurredAt, next }: AppendedEvent): Promise<void> {
    const sessions = await this.sessionsCalendar(tx);
    // A machine upgrade derives every Frist anew (the new chart may derive them differently).
    const before = previous && previousOccurredAt && event.type !== 'machineUpgraded' ? { persisted: previous, lastOccurredAt: previousOccurredAt } : null;
    await this.derive(tx, event.bodyId, next, event.version, event.occurredAt, sessions, before);
    await this.enqueueEventWebhooks(tx, event);
  }

  /**
   * The sessions calendar, read anew only when its revision changed (a trigger raises it with
   * every change of the sessions, by this instance, another one or around the service).
   */
  private async sessionsCalendar(tx: Transaction): Promise<Session[]> {
    const [row] = await tx.query<{ revision: number | string }>('SELECT revision FROM sessions_revision');
    const revision = String(row.revision);
    if (this.calendar?.revision === revision) return this.calendar.sessions;
    const sessions = await this.sessions.all(tx);
    const json = JSON.stringify(sessions);
    const calendar: NonNullable<typeof this.calendar> = { json, sessions: this.calendar?.json === json ? this.calendar.sessions : sessions, revision };
    this.calendar = calendar;
    // On SQLite a change that rolls back may hand its revision number on to a later one.
    this.db.onRollback(() => {
      if (this.calendar === calendar) calendar.revision = null;
    });
    return calendar.sessions;
  }

  /**
   * Derives every body's deadlines again, e.g. after a session was added or moved. On PostgreSQL
   * a write to a body may be under way meanwhile, having derived its Fristen with the calendar as
   * it was: every body's row is locked first (as each writer locks its body's), so this waits for
   * such writes and then reads what they committed; writes that come later wait for this one and
   * then see the new calendar. The rows are read by a statement of their own after the locks: a
   * locked row comes back as committed, but its obligations (another table) as the locking
   * statement's snapshot saw them.
   */
  async rederiveAll(tx: Transaction): Promise<number> {
    if (this.db.kind === 'postgres') await tx.query(`SELECT id FROM bodies ORDER BY id${this.db.forUpdate}`);
    return (await this.rederive(tx)).length;
  }

  /**
   * Brings in line the bodies with a pending timer an earlier release derived from a Frist beyond
   * the business dates (`bodiesWithTimersBeyond`): after 2100, or on a day of a five-digit year
   * (`+010000-01-30T23:00:00.000Z`), which sorts before every instant and so would be fired at
   * once, by the scheduler and by any write to the body. Derived again, such a Frist resolves to
   * no day and has no timers (`resolveDeadline`), and its row says why; the events stay as they
   * were recorded. Returns per body its title and the Fristen so described, for the operator's
   * log; none once every body is in line.
   * Run once at start, before the first sweep (`SchedulerService.onApplicationBootstrap`): this
   * release derives no such timer, nor does its CLI, which starts the same application. Only a
   * writer of an earlier release on the same PostgreSQL database (an instance not yet upgraded)
   * or a copy of an earlier release's database put in place while the service runs could bring
   * them back; the next start brings those in line.
   */
  async bringInLineBeyondBusinessDates(): Promise<Array<{ bodyId: string; title: string; fristen: string[] }>> {
    const bodies = await bodiesWithTimersBeyond(this.db);
    const found: Array<{ bodyId: string; title: string; fristen: string[] }> = [];
    for (const { body_id: bodyId } of bodies) {
      await this.db.transaction(async (tx) => {
        const [row] = await this.rederive(tx, bodyId);
        if (!row) return;
        const units = deriveUnits(bodyId, row.persisted, this.timerOptions(await this.sessionsCalendar(tx), row.lastOccurredAt));
        const fristen = units.map((unit) => unit.deadline).filter((d) => !d.resolution.resolved && d.resolution.reason === 'beyondBusinessDates');
        found.push({ bodyId, title: row.title, fristen: fristen.map((d) => `${d.label} (${d.resolution.description})`) });
      });
    }
    return found;
  }

  /** Derives the Fristen of every body, or of the one named, again (on PostgreSQL after locking its row). */
  private async rederive(tx: Transaction, bodyId?: string): Promise<Array<{ title: string; persisted: PersistedBody; lastOccurredAt: string }>> {
    if (bodyId !== undefined && this.db.kind === 'postgres') await tx.query(`SELECT id FROM bodies WHERE id = ?${this.db.forUpdate}`, [bodyId]);
    const sessions = await this.sessionsCalendar(tx);
    const rows = await tx.query<{ id: string; title: string; state: string; context: string; obligations: string | null; version: number | string; last_occurred_at: string }>(
      `SELECT id, title, state, context, ${obligationsSql()} AS obligations, version, last_occurred_at FROM bodies ${bodyId === undefined ? '' : 'WHERE id = ?'} ORDER BY id`,
      bodyId === undefined ? [] : [bodyId],
    );
    const derived = [];
    for (const row of rows) {
      const persisted = { value: JSON.parse(row.state), context: wholeContext(row.context, row.obligations) } as PersistedBody;
      await this.derive(tx, row.id, persisted, Number(row.version), row.last_occurred_at, sessions);
      derived.push({ title: row.title, persisted, lastOccurredAt: row.last_occurred_at });
    }
    return derived;
  }

  /**
   * Loads the public-holiday calendar of the configured Land and this year's holidays: called once
   * the service listens, so that the first write resolving a date does not wait for it (about
   * 150 ms); not at start, which it would slow down by as much.
   */
  preloadCalendar(): void {
    holidaysOf(Number(berlinDate(this.clock.now().toISOString()).slice(0, 4)), this.config.calendar.land);
  }

  timerOptions(sessions: readonly Session[], notBefore?: string): TimerOptions {
    return {
      sessions,
      rules: this.config.calendar,
      policy: this.config.policy,
      issuerOf: this.issuerOfAddressee,
      notBefore,
    };
  }

  /** The effective date of each report's Frist by obligation id, against the calendar as now known (`reportDueDates`). */
  async reportDueDates(obligations: readonly ReportObligation[]): Promise<Map<string, CivilDate | null>> {
    return reportDueDates(obligations, this.timerOptions(await this.sessions.all()));
  }

  /** The issuer whose sessions count for a report addressed to `addressee` (its id or its name). */
  issuerOf(addressee: string): string | null {
    const wanted = addressee.trim().toLowerCase();
    return this.app.issuers.find((i) => i.id.toLowerCase() === wanted || i.name.toLowerCase() === wanted)?.id ?? null;
  }

  /**
   * SQLite looks a title up by the body's primary key, and so reads its projection row (kilobytes
   * of stored context) for each Frist; the index of titles by id answers from the index alone.
   * PostgreSQL joins by hash and needs no hint.
   */
  private get titlesById(): string {
    return this.db.kind === 'sqlite' ? 'INDEXED BY bodies_titles_by_id' : '';
  }

  /** A column: for the end of a term, the body's `approvedUntilAsWritten` as JSON text (NULL or `null` for a day). */
  private get termEndAsWrittenSql(): string {
    const field = this.db.kind === 'sqlite' ? "b.context -> '$.approvedUntilAsWritten'" : "(b.context::jsonb -> 'approvedUntilAsWritten')::text";
    return `CASE WHEN d.kind = 'termEnd' THEN ${field} END AS term_as_written`;
  }

  async list(query: DeadlineQuery = {}): Promise<DeadlineView[]> {
    const today = berlinDate(this.clock.now().toISOString());
    const { where, params } = whereOf(query, today);
    // Written into the text, not bound: SQLite plans a bound LIMIT anew on every run.
    const page = query.limit === undefined ? '' : `LIMIT ${Math.trunc(query.limit)} OFFSET ${Math.trunc(query.offset ?? 0)}`;
    const direction = query.latestFirst ? 'DESC' : '';
    const rows = await this.db.query<Record<string, string>>(
      `SELECT d.key, d.body_id, b.title, d.kind, d.ref, d.label, d.deadline, d.resolution, d.original_date, d.effective_date, d.status, d.met_on, d.updated_at, ${HELD_SINCE}, ${this.termEndAsWrittenSql}
       FROM deadlines d JOIN bodies b ${this.titlesById} ON b.id = d.body_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY CASE WHEN d.effective_date IS NULL THEN 1 ELSE 0 END, d.effective_date ${direction}, b.title, d.key ${page}`,
      params,
    );
    let next = new Map<string, NonNullable<DeadlineView['next']>>();
    if (rows.length > 0) {
      // A page asks for the next events of its own Fristen only.
      const keys = rows.map((r) => r.key);
      next = page ? await this.nextEvents([`d.key IN (${placeholders(keys)})`], keys) : await this.nextEvents(where, params);
    }
    return rows.map((r) => {
      const resolution = JSON.parse(r.resolution) as DeadlineResolution;
      const status = r.status as DeadlineView['status'];
      return {
        key: r.key,
        bodyId: r.body_id,
        bodyTitle: r.title,
        kind: r.kind as DeadlineView['kind'],
        ref: r.ref,
        label: r.label,
        deadline: JSON.parse(r.deadline),
        originalDate: r.original_date,
        effectiveDate: r.effective_date,
        rule: resolution.resolved ? resolution.rule : null,
        termEndAsWritten: termEndAsWritten(r.term_as_written, r.effective_date),
        description: resolution.description,
        status,
        metOn: r.met_on ?? null,
        overdue: !r.held_since && isOverdue(status, r.effective_date, today),
        backfillSince: r.held_since ?? null,
        next: next.get(r.key) ?? null,
        updatedAt: r.updated_at,
      };
    });
  }

  /**
   * The Fristen of `list` with only what decides how they stand (a body's traffic light, its
   * next Frist): no title, no resolution, no next event. In the order of `list` within each body.
   */
  async standings(query: DeadlineQuery = {}): Promise<DeadlineStanding[]> {
    const today = berlinDate(this.clock.now().toISOString());
    const { where, params } = whereOf(query, today);
    const rows = await this.db.query<{ body_id: string; kind: DeadlineView['kind']; label: string; effective_date: CivilDate | null; status: DeadlineView['status']; held_since: string | null }>(
      `SELECT d.body_id, d.kind, d.label, d.effective_date, d.status, ${HELD_SINCE} FROM deadlines d
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY CASE WHEN d.effective_date IS NULL THEN 1 ELSE 0 END, d.effective_date, d.key`,
      params,
    );
    return rows.map((r) => ({
      bodyId: r.body_id,
      kind: r.kind,
      label: r.label,
      effectiveDate: r.effective_date,
      status: r.status,
      overdue: !r.held_since && isOverdue(r.status, r.effective_date, today),
    }));
  }

  /** How many Fristen `list` gives for the query without its page. */
  async count(query: DeadlineQuery = {}): Promise<number> {
    const { where, params } = whereOf(query, berlinDate(this.clock.now().toISOString()));
    const [row] = await this.db.query<{ n: number | string }>(
      `SELECT COUNT(*) AS n FROM deadlines d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`,
      params,
    );
    return Number(row.n);
  }

  /** The earliest system event still to come per Frist, for the Fristen that `where` (over `deadlines d`) picks. */
  private async nextEvents(where: string[], params: SqlValue[]): Promise<Map<string, NonNullable<DeadlineView['next']>>> {
    const rows = await this.db.query<{ deadline_key: string; kind: string; due_at: string; status: string; last_error: string | null }>(
      // From the Fristen to their timers, never the other way (CROSS JOIN keeps SQLite to that order):
      // a body's Fristen are a few rows of an index, every pending timer is a scan.
      `SELECT t.deadline_key, t.kind, t.due_at, t.status, t.last_error FROM deadlines d CROSS JOIN timers t
       WHERE t.deadline_key = d.key AND t.kind <> 'reminder' AND t.status IN ('pending', 'refused') ${where.map((condition) => `AND ${condition}`).join(' ')}
       ORDER BY t.due_at DESC, t.key DESC`,
      params,
    );
    return new Map(
      rows.map((r) => [r.deadline_key, { event: r.kind, dueAt: r.due_at, status: r.status as 'pending' | 'refused', error: r.last_error }]),
    );
  }

  /** Reminders not yet due, oldest first. */
  async scheduledReminders(bodyId?: string): Promise<Array<{ key: string; bodyId: string; dueOn: string; dueAt: string; reminder: unknown }>> {
    const rows = await this.db.query<{ key: string; body_id: string; due_on: string; due_at: string; payload: string }>(
      `SELECT key, body_id, due_on, due_at, payload FROM timers WHERE kind = 'reminder' AND status = 'pending' ${bodyId ? 'AND body_id = ?' : ''}
       ORDER BY due_at, key`,
      bodyId ? [bodyId] : [],
    );
    return rows.map((t) => ({ key: t.key, bodyId: t.body_id, dueOn: t.due_on, dueAt: t.due_at, ...JSON.parse(t.payload) }));
  }

  /** The body's title, or NotFoundError. */
  async bodyTitle(bodyId: string): Promise<string> {
    const [body] = await this.db.query<{ title: string }>('SELECT title FROM bodies WHERE id = ?', [bodyId]);
    if (!body) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    return body.title;
  }

  /**
   * Brings the body's Fristen and timers in line with its snapshot by writing only what changed.
   * With the snapshot before the event (and the body already in line in this process), only the
   * Fristen whose derivation differs between the two snapshots are read and written, so a write
   * costs about the same whether the body has no report obligations or hundreds; without it,
   * all of the body's rows are read and compared.
   */
  private async derive(
    tx: Transaction,
    bodyId: string,
    persisted: PersistedBody,
    version: number,
    lastOccurredAt: string,
    sessions: readonly Session[],
    before: { persisted: PersistedBody; lastOccurredAt: string } | null = null,
  ): Promise<void> {
    const units = deriveUnits(bodyId, persisted, this.timerOptions(sessions, lastOccurredAt));
    const previous = before && this.inLine.has(bodyId) ? deriveUnits(bodyId, before.persisted, this.timerOptions(sessions, before.lastOccurredAt)) : null;
    const diff = previous ? await this.changedFristen(tx, bodyId, units, previous) : null;
    if (!diff) {
      this.inLine.add(bodyId);
      this.db.onRollback(() => this.inLine.delete(bodyId));
    }
    if (diff?.changed.size === 0) return;
    const now = this.clock.now().toISOString();
    if (diff && !diff.refused) return this.writeChanges(tx, bodyId, diff.changed, version, now);
    const changed = diff?.changed;
    const scope = changed ? [...changed.keys()] : null;
    const derived = changed ? units.filter((unit) => changed.has(unit.key)) : units;
    await this.syncDeadlines(tx, bodyId, derived, scope, now);
    await this.syncTimers(tx, bodyId, derived.flatMap((unit) => unit.timers), version, scope);
  }

  /**
   * The keys of the Fristen whose rows the event changes: those derived differently from the
   * snapshots before and after it, and those with a timer the machine refused (it gets another
   * chance with every new snapshot).
   */
  private async changedFristen(tx: Transaction, bodyId: string, after: DeadlineUnit[], before: DeadlineUnit[]): Promise<{ changed: Map<string, UnitChange>; refused: boolean }> {
    const changed = new Map<string, UnitChange>();
    // Both derivations list the Fristen in one order (start, reports, term end): side by side
    // while the keys agree (mostly the very same unit objects), by key from the first that differs.
    let same = 0;
    while (same < after.length && same < before.length && after[same].key === before[same].key) {
      if (after[same] !== before[same] && !sameUnit(before[same], after[same])) changed.set(after[same].key, { was: before[same], is: after[same] });
      same++;
    }
    const previous = new Map(before.slice(same).map((unit) => [unit.key, unit]));
    for (const unit of after.slice(same)) {
      const was = previous.get(unit.key);
      previous.delete(unit.key);
      if (!was || !sameUnit(was, unit)) changed.set(unit.key, { was, is: unit });
    }
    for (const was of previous.values()) changed.set(was.key, { was, is: undefined });
    const refused = await tx.query<{ deadline_key: string }>(`SELECT deadline_key FROM timers WHERE body_id = ? AND status = 'refused'`, [bodyId]);
    if (refused.length > 0) {
      const afterByKey = new Map(after.map((unit) => [unit.key, unit]));
      const beforeByKey = new Map(before.map((unit) => [unit.key, unit]));
      for (const { deadline_key: key } of refused) {
        if (!changed.has(key)) changed.set(key, { was: beforeByKey.get(key), is: afterByKey.get(key) });
      }
    }
    return { changed, refused: refused.length > 0 };
  }

  /**
   * Writes the changed Fristen of a body that is in line from the two derivations alone: its rows
   * are what the derivation before the event gave (no timer of it refused), so the difference
   * between the two is exactly what to delete, insert and update, and nothing needs to be read
   * first. Reminders that went out stay as they are (NOT_SENT, and an insert leaves an existing
   * row alone).
   */
  private async writeChanges(tx: Transaction, bodyId: string, changed: Map<string, UnitChange>, version: number, now: string): Promise<void> {
    const goneDeadlines: string[] = [];
    const goneTimers: string[] = [];
    const changedDeadlines: BodyDeadline[] = [];
    const changedTimers: Timer[] = [];
    const added: SqlValue[][] = [];
    for (const [key, { was, is }] of changed) {
      if (!is) goneDeadlines.push(key);
      else if (!was || !sameJson(was.deadline, is.deadline)) changedDeadlines.push(is.deadline);
      const previous = new Map((was?.timers ?? []).map((timer) => [timer.key, timer]));
      for (const timer of is?.timers ?? []) {
        const old = previous.get(timer.key);
        previous.delete(timer.key);
        if (!old) added.push(timerValues(bodyId, timer, version));
        else if (!sameJson(old, timer)) changedTimers.push(timer);
      }
      goneTimers.push(...previous.keys());
    }
    if (goneDeadlines.length > 0) tx.write(`DELETE FROM deadlines WHERE key IN (${placeholders(goneDeadlines)})`, goneDeadlines);
    if (goneTimers.length > 0) tx.write(`DELETE FROM timers WHERE key IN (${placeholders(goneTimers)}) AND ${NOT_SENT}`, goneTimers);
    for (const deadline of changedDeadlines) upsertDeadline(tx, bodyId, deadline, now);
    for (const timer of changedTimers) updateTimer(tx, bodyId, timer, version);
    insertTimers(tx, added);
  }

  /** The body's Fristen rows (of the keys in `scope`, or all) as derived. */
  private async syncDeadlines(tx: Transaction, bodyId: string, units: DeadlineUnit[], scope: string[] | null, now: string): Promise<void> {
    const rows = scope
      ? await tx.query<DeadlineRow>(`SELECT key, label, deadline, resolution, status, met_on FROM deadlines WHERE key IN (${placeholders(scope)})`, scope)
      : await tx.query<DeadlineRow>('SELECT key, label, deadline, resolution, status, met_on FROM deadlines WHERE body_id = ?', [bodyId]);
    const stored = new Map(rows.map((r) => [r.key, r]));
    const derived = new Set(units.map((unit) => unit.key));
    const gone = [...stored.keys()].filter((key) => !derived.has(key));
    if (gone.length > 0) tx.write(`DELETE FROM deadlines WHERE key IN (${placeholders(gone)})`, gone);
    for (const { deadline: d } of units) {
      const row = stored.get(d.key);
      if (
        row &&
        row.label === d.label &&
        row.deadline === JSON.stringify(d.deadline) &&
        row.resolution === JSON.stringify(d.resolution) &&
        row.status === d.status &&
        row.met_on === d.metOn
      ) {
        continue;
      }
      upsertDeadline(tx, bodyId, d, now);
    }
  }

  /** The body's timers (of the Fristen in `scope`, or all) as derived; `derived_version` says from which snapshot they were written. */
  private async syncTimers(tx: Transaction, bodyId: string, timers: Timer[], version: number, scope: string[] | null): Promise<void> {
    const columns = 'key, kind, status, deadline_key, series, due_on, due_at, payload, derived_version';
    const rows = scope
      ? await tx.query<TimerRow>(`SELECT ${columns} FROM timers WHERE deadline_key IN (${placeholders(scope)})`, scope)
      : await tx.query<TimerRow>(`SELECT ${columns} FROM timers WHERE body_id = ?`, [bodyId]);
    const existing = new Map(rows.map((r) => [r.key, r]));
    const derived = new Set(timers.map((t) => t.key));
    const gone = [...existing].filter(([key, row]) => !derived.has(key) && !(row.kind === 'reminder' && KEPT_STATUSES.has(row.status))).map(([key]) => key);
    if (gone.length > 0) tx.write(`DELETE FROM timers WHERE key IN (${placeholders(gone)}) AND ${NOT_SENT}`, gone);
    let unchanged = 0;
    const added: SqlValue[][] = [];
    for (const timer of timers) {
      const payload = timerPayload(timer);
      const series = timerSeries(bodyId, timer);
      const row = existing.get(timer.key);
      if (!row) {
        added.push(timerValues(bodyId, timer, version));
      } else if (row.kind === 'reminder' && KEPT_STATUSES.has(row.status)) {
        continue;
      } else if (
        row.status === 'pending' &&
        row.deadline_key === timer.deadlineKey &&
        row.series === series &&
        row.due_on === timer.dueOn &&
        row.due_at === timer.dueAt &&
        row.payload === payload
      ) {
        if (Number(row.derived_version) !== version) unchanged++;
      } else {
        // Changed, or an event timer the machine refused: it gets another chance with every new snapshot.
        updateTimer(tx, bodyId, timer, version);
      }
    }
    insertTimers(tx, added);
    // A full derivation (the first in a process, a machine upgrade, a new calendar) puts every
    // pending timer of the body on this version: one statement for all that stay as they were.
    // A write that changes some Fristen leaves the timers it did not change on the version they
    // were written from (rewriting them only to say so cost a statement per event).
    if (unchanged > 0 && !scope) {
      tx.write(`UPDATE timers SET derived_version = ? WHERE body_id = ? AND status = 'pending' AND derived_version <> ?`, [version, bodyId, version]);
    }
  }

  private async enqueueEventWebhooks(tx: Transaction, event: EventRecord): Promise<void> {
    const now = this.clock.now().toISOString();
    for (const [i, url] of this.config.webhooks.urls.entries()) {
      await this.outbox.add(
        tx,
        {
          dedupeKey: `event/${event.id}/webhook/${i}`,
          channel: 'webhook',
          target: { url },
          bodyId: event.bodyId,
          topic: 'event',
          subject: `${event.type} (Version ${event.version})`,
          payload: { type: 'event', event },
        },
        now,
      );
    }
  }
}

/**
 * Writes a Frist's row. Upserts by key: two writers deriving the same body at once (PostgreSQL)
 * meet on the row instead of on its primary key.
 */
function upsertDeadline(tx: Transaction, bodyId: string, d: BodyDeadline, now: string): void {
  const resolved = d.resolution.resolved ? d.resolution : null;
  tx.write(
    `INSERT INTO deadlines (key, body_id, kind, ref, label, deadline, resolution, original_date, effective_date, status, met_on, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET
       updated_at = CASE WHEN deadlines.resolution = excluded.resolution AND deadlines.status = excluded.status
         AND deadlines.label = excluded.label THEN deadlines.updated_at ELSE excluded.updated_at END,
       label = excluded.label, deadline = excluded.deadline, resolution = excluded.resolution,
       original_date = excluded.original_date, effective_date = excluded.effective_date, status = excluded.status, met_on = excluded.met_on`,
    [d.key, bodyId, d.kind, d.ref, d.label, JSON.stringify(d.deadline), JSON.stringify(d.resolution), resolved?.originalDate ?? null, resolved?.effectiveDate ?? null, d.status, d.metOn, now],
  );
}

function timerPayload(timer: Timer): string {
  return JSON.stringify(timer.kind === 'reminder' ? { reminder: timer.reminder } : { event: timer.event });
}

/** Reminders of one series supersede each other; the series is named per body. */
function timerSeries(bodyId: string, timer: Timer): string | null {
  return timer.kind === 'reminder' ? `${bodyId}/${timer.reminder.series}` : null;
}

/** A new timer's values for `insertTimers`. */
function timerValues(bodyId: string, timer: Timer, version: number): SqlValue[] {
  return [timer.key, bodyId, timer.kind, timer.ref, timer.deadlineKey, timerSeries(bodyId, timer), timer.dueOn, timer.dueAt, timerPayload(timer), version];
}

/** Rewrites a timer as derived, pending again; a reminder that went out stays as it was. */
function updateTimer(tx: Transaction, bodyId: string, timer: Timer, version: number): void {
  tx.write(
    `UPDATE timers SET deadline_key = ?, series = ?, due_on = ?, due_at = ?, payload = ?, derived_version = ?, status = 'pending', last_error = NULL
     WHERE key = ? AND ${NOT_SENT}`,
    [timer.deadlineKey, timerSeries(bodyId, timer), timer.dueOn, timer.dueAt, timerPayload(timer), version, timer.key],
  );
}

/** At most this many timer rows go into one INSERT (11 parameters each, far below either database's limit). */
const TIMERS_PER_INSERT = 32;

/**
 * Inserts new pending timers, many rows per statement: an event that starts a body or adds a
 * report obligation derives a dozen or more at once, and each statement has its own cost.
 */
function insertTimers(tx: Transaction, rows: SqlValue[][]): void {
  for (let i = 0; i < rows.length; i += TIMERS_PER_INSERT) {
    const chunk = rows.slice(i, i + TIMERS_PER_INSERT);
    tx.write(
      `INSERT INTO timers (key, body_id, kind, ref, deadline_key, series, due_on, due_at, payload, derived_version, status, fired_at, last_error)
       VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL)").join(', ')}
       ON CONFLICT (key) DO NOTHING`,
      chunk.flat(),
    );
  }
}

/** True when the effective date has passed and the Frist is not met (as the `overdue` query picks them). */
/** The term end as written, when it is coarser than a day and still ends on the Frist's day (else null). */
function termEndAsWritten(json: string | null | undefined, day: CivilDate | null): CoarseTermEnd | null {
  const written = json ? (JSON.parse(json) as CoarseTermEnd | null) : null;
  return written && termEndDate(written) === day ? written : null;
}

function isOverdue(status: DeadlineView['status'], effectiveDate: CivilDate | null, today: CivilDate): boolean {
  // `10000-01-31`, which an earlier release stored, sorts before today as text: no such day has passed.
  return status === 'overdue' || (status !== 'met' && effectiveDate !== null && !beyondBusinessDates(effectiveDate) && effectiveDate < today);
}

/** The conditions (over `deadlines d`) that pick the Fristen of a query, with their parameters. */
function whereOf(query: DeadlineQuery, today: CivilDate): { where: string[]; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (query.bodyId) {
    where.push('d.body_id = ?');
    params.push(query.bodyId);
  }
  if (query.bodyIds) {
    where.push(query.bodyIds.length ? `d.body_id IN (${placeholders(query.bodyIds)})` : '1 = 0');
    params.push(...query.bodyIds);
  }
  if (query.contactId !== undefined) {
    where.push('d.body_id IN (SELECT body_id FROM body_contacts WHERE contact_id = ?)');
    params.push(query.contactId);
  }
  if (query.before) {
    where.push('d.effective_date < ?');
    params.push(query.before);
  }
  if (query.overdue !== undefined) {
    // Never NULL: a Frist without a date yet is not overdue, and so among those `overdue: false` gives.
    // A body held for its Nacherfassung raises no alarm: its Fristen count among the others.
    const overdue = `((d.status = 'overdue' OR (d.status IN ('open', 'due') AND d.effective_date IS NOT NULL AND d.effective_date < ?)) AND ${notHeld('d')})`;
    where.push(query.overdue ? overdue : `NOT ${overdue}`);
    params.push(today);
  }
  if (query.met !== undefined) where.push(query.met ? "d.status = 'met'" : "d.status <> 'met'");
  if (query.held !== undefined) where.push(query.held ? `NOT ${notHeld('d')}` : notHeld('d'));
  return { where, params };
}
